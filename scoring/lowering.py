"""What would lower a change's score most: one to three actions, each re-scored, never guessed.

``lower_it`` tries on a change's facts the three things an author or a coding agent can
still do before it opens or merges: split it (by service where it spans several, each
part scored as a change of its own; otherwise in halves, only where size is what drives
its score), have the CODEOWNERS owners of its files approve it, and add tests for the
touched code. Each is scored again with the action applied, so its points are the
scorer's own figure; an action that takes off less than a point is left out. A split
takes off the score minus its riskiest part's: that part still has to ship.

Outside text (paths, owners) is kept in fields of its own (``SplitPart.paths``,
``Lowering.owners``); the sentence (``Lowering.text``) names a service or an owner only
when it is shaped like one (a key of ``riskbrief.toml``, a ``@login``, ``@org/team`` or
e-mail), so a CODEOWNERS entry written as an instruction never reads as one. Pure: the
caller hands in how to score a change (``Rescore``); ``proposal_lowering`` scores it
against a history that is only peeked at.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from scoring.advice import SPLIT_LINES
from scoring.change_files import change_files, code_lines_of
from scoring.config import ScoringConfig
from scoring.facts import ChangeFacts, FileChange
from scoring.history import History
from scoring.plural import many
from scoring.remedies import TEST_LINES, approved_by, halved, test_beside
from scoring.risk import score_change
from scoring.risk_score import RiskScore, top_signals

__all__ = [
    "MAX_ACTIONS",
    "TEST_LINES",
    "LowerAction",
    "Lowering",
    "Rescore",
    "SplitPart",
    "lower_it",
    "proposal_lowering",
    "shown_name",
]

# At most this many actions: the few that take off most, not a checklist.
MAX_ACTIONS = 3

# Owners named in an action's sentence; the rest are counted ("and 2 more").
_NAMED_OWNERS = 3

# How a change is scored again: the same history and configuration, the facts changed.
Rescore = Callable[[ChangeFacts], RiskScore]


class LowerAction(StrEnum):
    """The kind of thing that would lower the score."""

    SPLIT_BY_SERVICE = "split_by_service"
    SPLIT = "split"
    OWNER_REVIEW = "owner_review"
    TESTS = "tests"


@dataclass(frozen=True, slots=True)
class SplitPart:
    """One change of a split by service: its service, its files and the score it would get."""

    service: str
    paths: tuple[str, ...]
    score: int


@dataclass(frozen=True, slots=True)
class Lowering:
    """One action, the points it takes off and the score the change would get with it applied.

    ``score`` is the re-scored change's (for a split, its riskiest part's); ``points`` is
    the present score minus it, at least 1. ``parts`` are a split by service's changes,
    riskiest first; ``owners`` the CODEOWNERS owners who have not approved, most files
    first; ``paths`` the source files the tests are for, most lines first.
    """

    action: LowerAction
    points: int
    score: int
    text: str
    parts: tuple[SplitPart, ...] = ()
    owners: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()


# A service key as riskbrief.toml admits it; a CODEOWNERS owner as GitHub admits one.
_SERVICE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_OWNER = re.compile(
    r"@[A-Za-z0-9][A-Za-z0-9-]{0,38}(?:/[A-Za-z0-9][A-Za-z0-9_.-]{0,99})?"
    r"|[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}"
)


def shown_name(name: str, kind: str) -> str:
    """``name`` as a sentence may show it: itself when shaped like a service key (``kind``
    "service") or a CODEOWNERS owner ("owner"), else words saying it is not shown."""
    shape = _SERVICE if kind == "service" else _OWNER
    if shape.fullmatch(name):
        return name
    return f"an {kind} whose name is not shown" if kind == "owner" else f"a {kind} not shown"


def _by_service(change: ChangeFacts) -> list[tuple[str, tuple[FileChange, ...]]]:
    """The change's files grouped by service, in first-seen order; files of no service go
    with the service of most lines, since they must ship in one of the parts."""
    groups: dict[str, list[FileChange]] = {}
    loose: list[FileChange] = []
    for f in change.files:
        if f.service is None:
            loose.append(f)
        else:
            groups.setdefault(f.service, []).append(f)
    if len(groups) < 2:
        return []
    if loose:
        lines = {s: sum(f.added + f.deleted for f in fs) for s, fs in groups.items()}
        busiest = min(groups, key=lambda s: (-lines[s], s))
        groups[busiest].extend(loose)
    return [(s, tuple(fs)) for s, fs in groups.items()]


def _split_by_service(change: ChangeFacts, now: RiskScore, rescore: Rescore) -> Lowering | None:
    """One change per service, each scored on its own; the riskiest part is what remains."""
    groups = _by_service(change)
    if not groups:
        return None
    parts = [
        SplitPart(s, tuple(f.path for f in fs), rescore(replace(change, files=fs)).score)
        for s, fs in groups
    ]
    parts.sort(key=lambda p: (-p.score, p.service))
    worst = parts[0].score
    words = ", ".join(
        f"{shown_name(p.service, 'service')} ({many(len(p.paths), 'file')})"
        + (" would score " if i == 0 else " ")
        + str(p.score)
        for i, p in enumerate(parts)
    )
    text = f"split it by service, one change each: {words}"
    return Lowering(LowerAction.SPLIT_BY_SERVICE, now.score - worst, worst, text, tuple(parts))


def _split_in_halves(change: ChangeFacts, now: RiskScore, rescore: Rescore) -> Lowering | None:
    """Two changes of half the lines each, where size is the signal driving the score and the
    change has ``SPLIT_LINES`` lines of code or more."""
    if [s.name for s in top_signals(now.signals, 1, now.typical_points)] != ["size"]:
        return None
    # A change a reviewer takes in at one sitting is never told to split, as ``assess`` says.
    size = next(s for s in now.signals if s.name == "size")
    if size.value is None or size.value < SPLIT_LINES:
        return None
    then = rescore(halved(change)).score
    text = f"split it into two changes of half the lines: each would score {then}"
    return Lowering(LowerAction.SPLIT, now.score - then, then, text)


def _unapproved_owners(change: ChangeFacts) -> tuple[str, ...]:
    """The CODEOWNERS owners of the touched files, other than the author, most files first;
    none when one of them has approved already."""
    author = change.author.lower()
    counts: Counter[str] = Counter()
    for f in change.files:
        for owner in dict.fromkeys(f.owners or ()):
            if owner.removeprefix("@").lower() != author:
                counts[owner] += 1
    approvers = {r.reviewer.lower() for r in change.human_approvals}
    if any(o.removeprefix("@").lower() in approvers for o in counts):
        return ()
    return tuple(sorted(counts, key=lambda o: (-counts[o], o)))


def _owner_review(change: ChangeFacts, now: RiskScore, rescore: Rescore) -> Lowering | None:
    """An approval by the owner of most files (a person where one is named: the review
    signal can check only a person's), a day after it was opened."""
    owners = _unapproved_owners(change)
    if not owners:
        return None
    persons = [o for o in owners if o.startswith("@") and "/" not in o]
    then = rescore(approved_by(change, (persons or list(owners))[0])).score
    files = Counter(o for f in change.files for o in dict.fromkeys(f.owners or ()))
    named = [f"{shown_name(o, 'owner')} ({many(files[o], 'file')})" for o in owners[:_NAMED_OWNERS]]
    if len(owners) > _NAMED_OWNERS:
        named.append(f"{len(owners) - _NAMED_OWNERS} more")
    text = (
        f"ask a code owner to approve it: {', '.join(named)}; "
        f"with one approval it would score {then}"
    )
    return Lowering(LowerAction.OWNER_REVIEW, now.score - then, then, text, owners=owners)


def _sources(change: ChangeFacts) -> list[FileChange]:
    """The touched files of hand-written code, most lines of code first."""
    code = [f for f in change.files if sum(code_lines_of(f)) > 0]
    return sorted(code, key=lambda f: (-sum(code_lines_of(f)), f.path))


def _add_tests(change: ChangeFacts, now: RiskScore, rescore: Rescore) -> Lowering | None:
    """A small test file beside the largest source file, where no test changed and the tests
    signal carries points."""
    tests = next((s for s in now.signals if s.name == "tests"), None)
    if tests is None or tests.points <= 0 or change_files(change).test_files:
        return None
    sources = _sources(change)
    if not sources:
        return None
    then = rescore(replace(change, files=(*change.files, test_beside(sources[0])))).score
    code = many(len(sources), "source file")
    text = f"add tests for the touched code ({code} changed, no test): it would score {then}"
    return Lowering(
        LowerAction.TESTS, now.score - then, then, text, paths=tuple(f.path for f in sources)
    )


_TRIES = (_split_by_service, _split_in_halves, _owner_review, _add_tests)


def lower_it(
    change: ChangeFacts, now: RiskScore, rescore: Rescore, limit: int = MAX_ACTIONS
) -> tuple[Lowering, ...]:
    """The actions that would lower ``now`` (``change``'s score) by a point or more, most
    points first, at most ``limit``; a change spanning several services is split by
    service, only a single-service one in halves."""
    found: list[Lowering] = []
    for attempt in _TRIES:
        # A change spanning services is split by them; halving it would name no part.
        if attempt is _split_in_halves and _by_service(change):
            continue
        tried = attempt(change, now, rescore)
        if tried is not None and tried.points >= 1:
            found.append(tried)
    order: Sequence[LowerAction] = list(LowerAction)
    found.sort(key=lambda a: (-a.points, order.index(a.action)))
    return tuple(found[:limit])


def proposal_lowering(
    change: ChangeFacts, now: RiskScore, history: History, config: ScoringConfig
) -> tuple[Lowering, ...]:
    """``lower_it`` for a change not merged yet, each try scored against ``history`` as
    ``scoring.proposal.assess`` scores it: the history is peeked at, never recorded into."""
    return lower_it(change, now, lambda c: score_change(c, history.context(c), config))
