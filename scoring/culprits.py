"""An incident's likely culprits: the changes shipped before it, ranked with their reasons.

Pure and deterministic: the store (``data.store.culprits``) reads what an incident needs,
this module only weighs it. Each candidate earns whole points from four kinds of evidence,
each with one line a manager reads ("reverted by acme/platform#4522 9.7 h after the
incident began", "risk 81, very high", "shipped 40 min before"):

- **reverted** (``REVERT_POINTS``): a later change reverted it. The team itself named it,
  so it outweighs everything else put together. An incident a revert made
  (``revert:<revert key>``, ``data.rules.revert_incidents``) is that revert's: its own revert
  counts however long after the change it came, and another revert, another incident's, not.
- **fixed** (up to ``FIX_POINTS``): a bug fix or hotfix merged after the incident began
  touched its files again: some evidence, in proportion to the share of its files touched
  (a revert of another change is none: a revert names its own culprit).
- **risk** (up to ``RISK_POINTS``): its stored score, scaled.
- **time** (up to ``TIME_POINTS``): the closer it shipped to the incident, the likelier.

Candidates are ranked by points, most first; equal points by key, so the ranking is the
same on every machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from scoring.band import Band
from scoring.facts import REVERT_INCIDENT

__all__ = [
    "DEFAULT_POINTS",
    "FIX_HORIZON",
    "FIX_POINTS",
    "NAMED",
    "REVERT_INCIDENT",
    "REVERT_POINTS",
    "RISK_POINTS",
    "TIME_POINTS",
    "WINDOW",
    "Clue",
    "ClueKind",
    "CulpritPoints",
    "CulpritTrace",
    "IncidentAt",
    "LaterFix",
    "Likeliest",
    "Shipped",
    "Suspect",
    "duration_words",
    "likeliest",
    "rank_culprits",
    "revert_of",
]

# How far before an incident a change may have shipped to be a candidate. Three days keep a
# Friday deploy whose failure surfaces under Monday's traffic, while beyond them the
# candidates grow faster than the chance that any one of them is the cause.
WINDOW = timedelta(hours=72)
# How long after an incident began a revert or fix still reads as the team's response to
# it; a fix two weeks later is about something else.
FIX_HORIZON = timedelta(days=14)

# The points of each kind of evidence. A revert outweighs the other three together (at most
# 30 + 40 + 30), because it is the team's own word; a later fix is weaker: it says the files
# were wrong, not that this change made them so.
REVERT_POINTS = 100
FIX_POINTS = 30
RISK_POINTS = 40
TIME_POINTS = 30
# A fix touching any one of a candidate's files earns at least this share of its points.
_FIX_FLOOR = 1 / 3


@dataclass(frozen=True, slots=True)
class CulpritPoints:
    """The most points each kind of evidence earns; the defaults are the product's (a bench
    sets one to 0 to measure the others without it)."""

    revert: int = REVERT_POINTS
    fix: int = FIX_POINTS
    risk: int = RISK_POINTS
    time: int = TIME_POINTS


DEFAULT_POINTS = CulpritPoints()


class ClueKind(StrEnum):
    """What a candidate's points are for, in the order its reasons are told."""

    REVERTED = "reverted"
    FIXED = "fixed"
    RISK = "risk"
    TIME = "time"


@dataclass(frozen=True, slots=True)
class IncidentAt:
    """The incident being traced: its key, its service's key and when it began."""

    key: str
    service: str
    opened_at: datetime


@dataclass(frozen=True, slots=True)
class Shipped:
    """A candidate: a change that reached the incident's service before it.

    ``shipped_at`` is when the first deploy of it in the window finished (``deploy`` its
    key), or when it merged where the service has no deploys (``deploy`` ``None``).
    ``score`` and ``band`` are ``None`` when it is not scored. ``files`` are its paths in
    ``repository``.
    """

    key: str
    title: str
    url: str | None
    repository: str
    merged_at: datetime
    shipped_at: datetime
    deploy: str | None
    score: int | None
    band: Band | None
    files: frozenset[str]


@dataclass(frozen=True, slots=True)
class LaterFix:
    """A revert, hotfix or bug fix that may answer an incident: ``reverts`` is the key of the
    change it reverts, if it says so."""

    key: str
    repository: str
    merged_at: datetime
    files: frozenset[str]
    reverts: str | None = None


@dataclass(frozen=True, slots=True)
class Clue:
    """One reason a candidate is suspected, its whole points and its words."""

    kind: ClueKind
    points: int
    words: str
    # The revert or fix that is the clue, by its key (``None`` for risk and time): a briefing
    # names it beside the change it answered.
    by: str | None = None


@dataclass(frozen=True, slots=True)
class Suspect:
    """A ranked candidate: its points (the sum of its evidence's) and the evidence."""

    change: Shipped
    points: int
    evidence: tuple[Clue, ...]

    @property
    def reasons(self) -> str:
        """Its evidence in words, strongest kind first: "reverted by …, risk 81, very high"."""
        return ", ".join(e.words for e in self.evidence)


def duration_words(span: timedelta) -> str:
    """A span as a reader says it: "40 min", "1.6 h", "20 h", "3 days"."""
    minutes = max(0, round(span.total_seconds() / 60))
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes / 60
    if hours < 10:
        return f"{hours:.1f} h"
    if hours < 48:
        return f"{round(hours)} h"
    return f"{round(hours / 24)} days"


def _relative(at: datetime, incident: IncidentAt) -> str:
    if at >= incident.opened_at:
        return f"{duration_words(at - incident.opened_at)} after the incident began"
    return f"{duration_words(incident.opened_at - at)} before the incident began"


def revert_of(incident: IncidentAt) -> str | None:
    """The key of the revert that made ``incident``, when a revert made it."""
    if incident.key.startswith(REVERT_INCIDENT):
        return incident.key.removeprefix(REVERT_INCIDENT)
    return None


def _answers(revert: LaterFix, change: Shipped, incident: IncidentAt) -> bool:
    """Whether ``revert`` of ``change`` says ``change`` caused ``incident``: merged after it
    and within the horizon; for an incident a revert made, only that revert, whenever it came
    (a revert weeks after the change is still what the incident is), since every other
    revert makes an incident of its own."""
    own = revert_of(incident)
    if own is not None:
        return revert.key == own
    return change.merged_at <= revert.merged_at <= incident.opened_at + FIX_HORIZON


def _reverted(
    change: Shipped, fixes: Sequence[LaterFix], incident: IncidentAt, points: CulpritPoints
) -> Clue | None:
    """The first revert of ``change`` that answers ``incident`` (``_answers``)."""
    reverts = sorted(
        (f for f in fixes if f.reverts == change.key and _answers(f, change, incident)),
        key=lambda f: (f.merged_at, f.key),
    )
    if not reverts:
        return None
    first = reverts[0]
    return Clue(
        ClueKind.REVERTED,
        points.revert,
        f"reverted by {first.key} {_relative(first.merged_at, incident)}",
        first.key,
    )


def _fixed(
    change: Shipped, fixes: Sequence[LaterFix], incident: IncidentAt, most: CulpritPoints
) -> Clue | None:
    """The fix merged since the incident began that touched most of ``change``'s files."""
    if not change.files:
        return None
    best: tuple[int, LaterFix, int] | None = None
    for fix in sorted(fixes, key=lambda f: (f.merged_at, f.key)):
        # A revert names its own culprit: of another change, it says nothing of this one.
        if fix.key == change.key or fix.reverts is not None:
            continue
        if fix.repository != change.repository:
            continue
        if not incident.opened_at <= fix.merged_at <= incident.opened_at + FIX_HORIZON:
            continue
        touched = len(change.files & fix.files)
        if not touched:
            continue
        points = round(most.fix * max(_FIX_FLOOR, touched / len(change.files)))
        if best is None or points > best[0]:
            best = (points, fix, touched)
    if best is None:
        return None
    points, fix, touched = best
    files = len(change.files)
    share = "its file" if files == 1 else f"{touched} of its {files} files"
    return Clue(
        ClueKind.FIXED,
        points,
        f"{fix.key} touched {share} again {_relative(fix.merged_at, incident)}",
        fix.key,
    )


def _risk(change: Shipped, most: CulpritPoints) -> Clue:
    if change.score is None:
        return Clue(ClueKind.RISK, 0, "not scored")
    band = f", {change.band.label}" if change.band is not None else ""
    return Clue(ClueKind.RISK, round(most.risk * change.score / 100), f"risk {change.score}{band}")


def _time(change: Shipped, incident: IncidentAt, window: timedelta, most: CulpritPoints) -> Clue:
    age = incident.opened_at - change.shipped_at
    closeness = max(0.0, 1 - age / window)
    verb = "shipped" if change.deploy is not None else "merged"
    return Clue(
        ClueKind.TIME,
        round(most.time * closeness),
        f"{verb} {duration_words(age)} before",
    )


def rank_culprits(
    incident: IncidentAt,
    shipped: Sequence[Shipped],
    fixes: Sequence[LaterFix],
    window: timedelta = WINDOW,
    points: CulpritPoints = DEFAULT_POINTS,
) -> tuple[Suspect, ...]:
    """The changes of ``shipped`` that reached the service in ``window`` before ``incident``,
    most suspected first (equal points: by key), each with its evidence.

    A change shipped after the incident began, or before the window, is no candidate.
    """
    suspects: list[Suspect] = []
    for change in shipped:
        if not incident.opened_at - window <= change.shipped_at <= incident.opened_at:
            continue
        found = (
            _reverted(change, fixes, incident, points),
            _fixed(change, fixes, incident, points),
            _risk(change, points),
            _time(change, incident, window, points),
        )
        evidence = tuple(e for e in found if e is not None)
        suspects.append(Suspect(change, sum(e.points for e in evidence), evidence))
    return tuple(sorted(suspects, key=lambda s: (-s.points, s.change.key)))


@dataclass(frozen=True, slots=True)
class CulpritTrace:
    """What ranking one incident's culprits reads (the store reads it: ``data.store.culprits``),
    and the changes its team confirmed as its cause (more members said yes than no)."""

    incident: IncidentAt
    shipped: tuple[Shipped, ...]
    fixes: tuple[LaterFix, ...]
    confirmed: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Likeliest:
    """One of an incident's likeliest culprits as a briefing names it: the ranked candidate,
    and whether its team confirmed it."""

    suspect: Suspect
    confirmed: bool


# The candidates a briefing's incident card names: the few a manager reads at a glance.
NAMED = 3


def likeliest(trace: CulpritTrace, n: int = NAMED) -> tuple[Likeliest, ...]:
    """The top ``n`` of ``trace``'s ranking (``rank_culprits``, the one ``/risk incident``
    tells), the changes its team confirmed first: the team's word outranks the points, which
    weigh only clues."""
    ranked = rank_culprits(trace.incident, trace.shipped, trace.fixes)
    confirmed = [s for s in ranked if s.change.key in trace.confirmed]
    rest = [s for s in ranked if s.change.key not in trace.confirmed]
    return tuple(Likeliest(s, s.change.key in trace.confirmed) for s in (confirmed + rest)[:n])
