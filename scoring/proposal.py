"""The risk of a change not merged yet, and what would lower it, against the history as it is now.

``assess`` scores a proposed change (a branch, a diff, an open pull request) as
if it merged now: it asks the history for the change's context without recording
it (``History.context`` peeks), so the same history answers any number of
proposals. Each signal or gate that carries points gets one piece of advice, in
the signal's own words (``SignalWords.advice``); where the advice can be tried
on the facts (halve the change, add a test file, an approval by the code owner,
the migration left out), the change is scored again so that the points it would
remove are the scorer's own figure, never a guess. Splitting is advised only
where size is what drives the score and the change is large (``worth_splitting``),
never for a ten-line change whose halves would score a point lower. Pure: no I/O.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from scoring.breakdown import Contribution, breakdown
from scoring.config import ScoringConfig
from scoring.facts import ChangeFacts, FileChange, Review, ReviewState
from scoring.history import History, subsystem_of
from scoring.paths import path_kinds
from scoring.risk import Band, Gate, RiskScore, score_change, top_signals
from scoring.signal import Signal
from scoring.signals import SIGNAL_WORDS
from scoring.timing import timing_points

__all__ = [
    "GATE_ADVICE",
    "JSON_VERSION",
    "SPLIT_LINES",
    "TEST_LINES",
    "Advice",
    "Assessment",
    "Proposal",
    "approved_by",
    "assess",
    "assessment_json",
    "code_owner",
    "halved",
    "test_beside",
    "worth_splitting",
]

# The version of ``assessment_json``'s shape; bumped only when a field changes meaning
# or goes away (new fields may be added without a bump).
JSON_VERSION = 1

# What the author could do about each gate, as ``SignalWords.advice`` says it for signals.
GATE_ADVICE: dict[str, str] = {
    "schema_migration": "ship the schema migration as a change of its own",
    "error_budget": "hold it until the service's error budget recovers",
    "large_change": "split it into smaller changes",
}


@dataclass(frozen=True, slots=True)
class Proposal:
    """A change not merged yet, as a source read it: its facts and the refs it lies between.

    ``base`` and ``head`` are what the source compared (shas of a clone, or
    ``None`` for a diff read from a file; ``head`` is ``None`` for a working tree);
    ``notes`` say what the source had to assume (an author taken from ``git
    config``, an uncommitted working tree). ``target`` is the tip of the branch it
    would merge into, whose history it is scored against when no store is known.
    """

    change: ChangeFacts
    base: str | None = None
    head: str | None = None
    notes: tuple[str, ...] = ()
    target: str | None = None


@dataclass(frozen=True, slots=True)
class Advice:
    """One thing that would lower the score, tied to the signal or gate that carries the points.

    ``points`` is how many points lower the score would be, worked out by scoring the
    change again with the advice applied; ``None`` where no honest re-score exists
    (the service's incidents, the files' past). ``detail`` says how it was worked out.
    """

    concerns: str
    text: str
    points: int | None
    detail: str


@dataclass(frozen=True, slots=True)
class Assessment:
    """A proposed change's score as of now, its parts, what is unknown and what would lower it."""

    risk: RiskScore
    # Whole-number parts that add up to the score (``scoring.breakdown``).
    contributions: tuple[Contribution, ...]
    # Signals the sources could not measure: their weight is spread over the known ones.
    unknowns: tuple[Signal, ...]
    advice: tuple[Advice, ...]
    as_of: datetime

    @property
    def key(self) -> str:
        """The proposed change's key."""
        return self.risk.key

    @property
    def score(self) -> int:
        """The 0–100 score it would get if merged now."""
        return self.risk.score

    @property
    def band(self) -> Band:
        """The band of that score."""
        return self.risk.band

    @property
    def gates(self) -> tuple[Gate, ...]:
        """The hard rules that lifted the score."""
        return self.risk.gates

    @property
    def signals(self) -> tuple[Signal, ...]:
        """Every change signal, measured or unknown, in the scorer's order."""
        return self.risk.signals


def _score(change: ChangeFacts, history: History, config: ScoringConfig) -> RiskScore:
    """The score of ``change`` against ``history`` as of its time, without recording it."""
    return score_change(change, history.context(change), config)


def _half(lines: int | None) -> int | None:
    return None if lines is None else (lines + 1) // 2


def halved(change: ChangeFacts) -> ChangeFacts:
    """One half of the change: every file with half its lines (rounded up)."""
    files = tuple(
        replace(
            f,
            added=(f.added + 1) // 2,
            deleted=(f.deleted + 1) // 2,
            code_added=_half(f.code_added),
            code_deleted=_half(f.code_deleted),
        )
        for f in change.files
    )
    return replace(change, files=files)


def _largest_part(change: ChangeFacts, _config: ScoringConfig) -> ChangeFacts | None:
    """The change cut down to its busiest service or top-level directory; ``None`` if one only."""
    lines: Counter[str] = Counter()
    for f in change.files:
        lines[subsystem_of(f.path, f.service)] += f.added + f.deleted + 1
    if len(lines) < 2:
        return None
    top = min(lines, key=lambda s: (-lines[s], s))
    files = tuple(f for f in change.files if subsystem_of(f.path, f.service) == top)
    return replace(change, files=files)


# Lines the tried test file adds: a small test beside the code, not a free pass.
TEST_LINES = 20


def test_beside(source: FileChange) -> FileChange:
    """A small test file (``TEST_LINES``) beside ``source``, in its folder's ``tests/``."""
    folder, _, name = source.path.rpartition("/")
    stem = name.rpartition(".")[0] or name
    ext = name.rpartition(".")[2] if "." in name else "py"
    path = f"{folder + '/' if folder else ''}tests/test_{stem}.{ext}"
    # A folder the path rules read otherwise (a test under ``docs/``) gets a root test.
    if not path_kinds(path).test:
        path = f"tests/test_{stem}.{ext}"
    return FileChange(path, TEST_LINES, 0, source.service, source.owners)


def _with_test(change: ChangeFacts, _config: ScoringConfig) -> ChangeFacts | None:
    """The change with a small test file beside its largest source file."""
    sources = [f for f in change.files if not path_kinds(f.path).test]
    if not sources:
        return None
    biggest = max(sources, key=lambda f: (f.added + f.deleted, f.path))
    return replace(change, files=(*change.files, test_beside(biggest)))


def code_owner(change: ChangeFacts) -> str | None:
    """The owner CODEOWNERS names for most of the touched files, other than the author."""
    counts: Counter[str] = Counter()
    author = change.author.lower()
    for f in change.files:
        for owner in f.owners or ():
            if owner.removeprefix("@").lower() != author:
                counts[owner] += 1
    if not counts:
        return None
    return min(counts, key=lambda o: (-counts[o], o))


def approved_by(change: ChangeFacts, owner: str | None) -> ChangeFacts:
    """The change approved by a human (the code owner when there is one) a day after opening."""
    reviewer = owner.removeprefix("@").lower() if owner else "a-human-reviewer"
    at = change.merged_at
    review = Review(reviewer, ReviewState.APPROVED, at - timedelta(days=1))
    # Opened two days before: an approval a day later is no rubber stamp at any size.
    return replace(
        change,
        reviews=(*change.reviews, review),
        reviews_known=True,
        opened_at=change.opened_at or at - timedelta(days=2),
    )


def _without_migration(change: ChangeFacts, _config: ScoringConfig) -> ChangeFacts | None:
    """The change with its schema migrations left out (to be shipped on their own)."""
    files = tuple(f for f in change.files if not path_kinds(f.path).migration)
    return replace(change, files=files) if files and len(files) < len(change.files) else None


def _owned(change: ChangeFacts, _config: ScoringConfig) -> ChangeFacts:
    """The change with a CODEOWNERS owner for every file no rule covered."""
    files = tuple(replace(f, owners=("@owner",)) if f.owners == () else f for f in change.files)
    return replace(change, files=files)


def _in_working_hours(change: ChangeFacts, config: ScoringConfig) -> ChangeFacts | None:
    """The change merged at the next mid-morning the timing signal finds quiet."""
    zone = ZoneInfo(config.timezone)
    local = change.merged_at.astimezone(zone)
    start = config.working_hours[0]
    for day in range(1, 15):
        candidate = (local + timedelta(days=day)).replace(
            hour=min(23, start + 1), minute=0, second=0, microsecond=0
        )
        at = candidate.astimezone(change.merged_at.tzinfo)
        if timing_points(at, config)[0] == 0.0:
            return replace(change, merged_at=at)
    return None


# A re-score: the change with the advice applied, or ``None`` where it does not apply.
_Remedy = Callable[[ChangeFacts, ScoringConfig], "ChangeFacts | None"]

# The re-scores that can be tried on the facts, by signal or gate, and how they are described.
_REMEDIES: dict[str, tuple[_Remedy, str]] = {
    "size": (lambda c, _cfg: halved(c), "re-scored with every file's lines halved"),
    "large_change": (lambda c, _cfg: halved(c), "re-scored with every file's lines halved"),
    "diffusion": (
        _largest_part,
        "re-scored with only the files of its busiest service or directory",
    ),
    "tests": (_with_test, f"re-scored with a {TEST_LINES}-line test file"),
    "schema_migration": (_without_migration, "re-scored without the migration"),
    "timing": (_in_working_hours, "re-scored as merged at the next quiet working hour"),
    "codeowners": (_owned, "re-scored with every uncovered file owned"),
}


# Below this many lines of code (added and deleted) no change is told to split itself: a
# reviewer takes it in at one sitting (reviews find fewer defects per line only beyond a
# few hundred lines), and halving it moves its score by a point or two at most.
SPLIT_LINES = 200


def worth_splitting(risk: RiskScore) -> bool:
    """Whether "split it" is advice worth giving on ``risk``: the large-change gate lifted it,
    or size is what drives it (the signal earning most beyond a typical change of its history,
    ``top_signals``) and the change is large, ``SPLIT_LINES`` lines of code or more."""
    if any(g.name == "large_change" for g in risk.gates):
        return True
    size = next((s for s in risk.signals if s.name == "size"), None)
    if size is None or size.value is None or size.value < SPLIT_LINES:
        return False
    return [s.name for s in top_signals(risk.signals, 1, risk.typical_points)] == ["size"]


def _split_applies(name: str, change: ChangeFacts, risk: RiskScore, config: ScoringConfig) -> bool:
    """Whether the advice of signal ``name`` may be given: "split it" (size) only where
    ``worth_splitting``; "split it by service or directory" (diffusion) only for a change
    spanning more than one, where the split is worth it or the spread drives the score."""
    if name == "size":
        return worth_splitting(risk)
    if name == "diffusion":
        if _largest_part(change, config) is None:
            return False
        top = [s.name for s in top_signals(risk.signals, 1, risk.typical_points)]
        return worth_splitting(risk) or top == ["diffusion"]
    return True


def _signal_sum(risk: RiskScore) -> int:
    """What the signals alone add up to (capped at 100), before any gate lifts the score."""
    total = sum([s.points for s in risk.signals])
    return round(total if total < 100.0 else 100.0)


def _compared(how: str, now: RiskScore, then: RiskScore) -> str:
    """How a re-score came out; when a gate holds the score, what the signals alone did."""
    text = f"{how}: {then.score} instead of {now.score}"
    before, after = _signal_sum(now), _signal_sum(then)
    if then.score == now.score and then.gates and after < before:
        names = " and ".join(g.name.replace("_", " ") for g in then.gates)
        holds = "gates hold" if len(then.gates) > 1 else "gate holds"
        text += f" (the signals add up to {after} instead of {before}, but the {names} {holds} it)"
    return text


def _advice_for(
    name: str,
    text: str,
    change: ChangeFacts,
    now: RiskScore,
    history: History,
    config: ScoringConfig,
    remedy: tuple[_Remedy, str] | None,
) -> Advice:
    """One advice, its points worked out by the remedy's re-score when it has one."""
    if remedy is None:
        return Advice(name, text, None, "no re-score can show what this would change")
    fn, how = remedy
    tried = fn(change, config)
    if tried is None:
        return Advice(name, text, None, "it cannot be tried on this change's facts")
    then = _score(tried, history, config)
    return Advice(name, text, max(0, now.score - then.score), _compared(how, now, then))


def _review_advice(
    change: ChangeFacts, now: RiskScore, history: History, config: ScoringConfig
) -> Advice | None:
    """Ask the code owner (a human) to review: tied to the agent signal or the review signal."""
    by_name = {s.name: s for s in now.signals}
    agent = by_name.get("agent")
    review = by_name.get("review")
    owner = code_owner(change)
    then = _score(approved_by(change, owner), history, config)
    lower = now.score - then.score
    if agent is not None and agent.points > 0:
        concerns, text = "agent", SIGNAL_WORDS["agent"].advice
        if owner:
            text += f", such as {owner} (the code owner)"
    elif review is not None and (review.points > 0 or (not review.known and lower > 0)):
        concerns = "review"
        text = f"ask {owner} (the code owner) to review it" if owner else "get a human review"
    else:
        return None
    who = f"an approval by {owner}" if owner else "a human approval"
    return Advice(concerns, text, max(0, lower), _compared(f"re-scored with {who}", now, then))


def _advice(
    change: ChangeFacts, now: RiskScore, history: History, config: ScoringConfig
) -> tuple[Advice, ...]:
    """Advice for every signal and gate that carries points, most points removed first.

    Advice whose re-score removes no point is left out; advice that cannot be re-scored
    stays, after the rest, without points.
    """
    out: list[Advice] = []
    done: set[str] = set()
    review = _review_advice(change, now, history, config)
    if review is not None:
        out.append(review)
        done |= {"agent", "review"}
    for s in now.signals:
        # The history's typical change is no signal of the change: nothing to advise.
        if s.points <= 0 or s.name in done or s.name not in SIGNAL_WORDS:
            continue
        if not _split_applies(s.name, change, now, config):
            continue
        words = SIGNAL_WORDS[s.name].advice
        out.append(_advice_for(s.name, words, change, now, history, config, _REMEDIES.get(s.name)))
        done.add(s.name)
    for g in now.gates:
        if g.name in done:
            continue
        text = GATE_ADVICE.get(g.name, f"clear the {g.name.replace('_', ' ')} gate")
        if g.name == "large_change" and "size" in done:
            # One split answers both the size signal and the large-change gate.
            continue
        out.append(_advice_for(g.name, text, change, now, history, config, _REMEDIES.get(g.name)))
        done.add(g.name)
    # Advice a re-score shows would remove nothing is noise (splitting a one-line change),
    # unless a gate holds the score up: then it says what the signals alone would give.
    if not now.gates:
        out = [a for a in out if a.points != 0]
    order = {a.concerns: i for i, a in enumerate(out)}
    return tuple(sorted(out, key=lambda a: (a.points is None, -(a.points or 0), order[a.concerns])))


def assess(change: ChangeFacts, history: History, config: ScoringConfig) -> Assessment:
    """Score a change not merged yet as of ``change.merged_at``, without recording it.

    The history is only peeked at (``History.context``), so it stays as it was
    and answers the next proposal the same way.
    """
    now = _score(change, history, config)
    unknowns = tuple(s for s in now.signals if not s.known)
    return Assessment(
        risk=now,
        contributions=breakdown(now),
        unknowns=unknowns,
        advice=_advice(change, now, history, config),
        as_of=change.merged_at,
    )


def assessment_json(assessment: Assessment) -> dict[str, Any]:
    """The assessment as JSON values, in the stable shape docs/check.md documents."""
    risk = assessment.risk
    return {
        "version": JSON_VERSION,
        "key": risk.key,
        "score": risk.score,
        "band": risk.band.value,
        "band_label": risk.band.label,
        "scorer": risk.version,
        "as_of": assessment.as_of.isoformat(),
        "contributions": [
            {"name": c.name, "points": c.points, "explanation": c.explanation}
            for c in assessment.contributions
        ],
        "signals": [
            {
                "name": s.name,
                "known": s.known,
                "value": s.value,
                "points": round(s.points, 2),
                "explanation": s.explanation,
            }
            for s in risk.signals
        ],
        "unknowns": [{"name": s.name, "explanation": s.explanation} for s in assessment.unknowns],
        "gates": [
            {"name": g.name, "explanation": g.explanation, "floor": g.floor.value}
            for g in risk.gates
        ],
        "advice": [
            {"concerns": a.concerns, "advice": a.text, "points": a.points, "detail": a.detail}
            for a in assessment.advice
        ],
    }
