"""A span's review plan from the store: the one computation behind ``/risk plan``, the MCP tool
``review_plan``, the weekly briefing's plan and the web view's week page.

``scoring.review_plan`` chooses and words nothing here; this reads the candidates
(``plan_candidates``: open at the span's end, or merged in it), the typical score as of the
span's end, and works out each chosen change's first action against the store's history.
Every reader lays out the same ``StoredPlan``, so no two of them can disagree on a figure.
"""

from __future__ import annotations

import threading
import weakref
from bisect import bisect_left
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from data.store.engine import session_engine
from data.store.history import StoredHistory
from data.store.plan_changes import PlanCandidate, plan_candidates
from data.store.stamp import merged_stamp
from data.store.tables import Change, RiskScoreRow
from scoring.fixes import BugIssues
from scoring.lowering import Lowering
from scoring.review_plan import PlanChange, PlanChoice, choose_plan, first_action, plan_change
from scoring.review_plan import whole_typical as _whole
from scoring.risk import score_change
from scoring.score_scale import typical_shift
from scoring.signal import Signal
from scoring.typical import TypicalScore, raw_points

__all__ = ["PlanItem", "StoredPlan", "stored_plan", "typical_before"]


@dataclass(frozen=True, slots=True)
class PlanItem:
    """A chosen change and the one thing that would lower it most (``None``: nothing would
    take off a point)."""

    change: PlanChange
    action: Lowering | None


@dataclass(frozen=True, slots=True)
class StoredPlan:
    """The plan of ``[since, until)``: the choice, its items in the choice's order, and the open
    pull requests left out because no scoring pass scored them yet."""

    since: datetime
    until: datetime
    choice: PlanChoice
    items: tuple[PlanItem, ...]
    unscored: int

    @property
    def typical(self) -> int:
        """The typical score, whole: predicted risk is the points a score stands above it."""
        return self.choice.typical


def typical_before(
    session: Session, version: str, until: datetime, now: float | None
) -> float | None:
    """The history's typical score as it stood at ``until``: the running mean of what the
    stored changes merged before it earned on their own signals (``raw_points``), in merge
    order, as ``read_history`` notes them.

    A plan of a past week is then cut against the typical change of that week, whatever
    merged since, so building the week's briefing again later gives the same figures. Only
    when something merged at or after ``until`` is the store read again: otherwise ``now``,
    the history's own typical score, is that value already.
    """
    # Whether one merged at or after it, not how many: on an old week, most of the store did.
    later = session.exec(
        select(col(Change.id)).where(col(Change.merged_at) >= until).limit(1)
    ).first()
    if later is None:
        return now
    return _TypicalSeries.of(session, version).before(until)


@dataclass(frozen=True, slots=True)
class _TypicalSeries:
    """The typical score after each merged change, in merge order: a week page or briefing of
    any past week reads its value with a bisection instead of reading every score again.

    Kept per engine and scorer version until a merged change or a score is stored or edited.
    """

    stamp: tuple[object, ...]
    merged: tuple[datetime, ...]
    values: tuple[float | None, ...]

    def before(self, until: datetime) -> float | None:
        """The typical score of the changes merged before ``until``."""
        n = bisect_left(self.merged, until)
        return self.values[n - 1] if n else None

    @staticmethod
    def of(session: Session, version: str) -> _TypicalSeries:
        merged = col(Change.merged_at).is_not(None)
        scored = select(sa.func.max(col(RiskScoreRow.id)))
        stamp = (version, *merged_stamp(session), session.exec(scored).one())
        engine = session_engine(session)
        with _SERIES_LOCK:
            kept = _SERIES.get(engine)
        if kept is not None and kept.stamp == stamp:
            return kept
        query = (
            sa.select(col(Change.merged_at), col(RiskScoreRow.signals))
            .join(Change, col(Change.key) == col(RiskScoreRow.subject_key))
            .where(
                merged,
                col(RiskScoreRow.subject_kind) == "change",
                col(RiskScoreRow.scorer_version) == version,
            )
            .order_by(col(Change.merged_at), col(Change.key))
        )
        typical = TypicalScore()
        times: list[datetime] = []
        values: list[float | None] = []
        for at, signals in session.execute(query):
            points = [
                Signal(str(s["name"]), None, float(s["points"]), "")
                for s in signals or ()
                if "name" in s
            ]
            typical.note(raw_points(points))
            times.append(at)
            values.append(typical.value)
        series = _TypicalSeries(stamp, tuple(times), tuple(values))
        with _SERIES_LOCK:
            _SERIES[engine] = series
        return series


# One series per engine (the latest scorer version asked), gone with its engine.
_SERIES: weakref.WeakKeyDictionary[Engine, _TypicalSeries] = weakref.WeakKeyDictionary()
_SERIES_LOCK = threading.Lock()


def stored_plan(
    session: Session,
    stored: StoredHistory,
    version: str,
    since: datetime,
    until: datetime,
    bugs: BugIssues,
    services: Collection[str] | None = None,
) -> StoredPlan:
    """The review plan of the changes open at ``until`` or merged in ``[since, until)``,
    touching ``services`` (``None``: all), with their stored scores of ``version``, each chosen
    change's first action scored again against ``stored``'s history."""
    found = plan_candidates(session, version, since, until, bugs, services)
    scored = [(c, c.standing) for c in found if c.standing is not None]
    # The history's typical score now (any change's context carries it), before the span's
    # end when something merged after it.
    now = stored.history.context(scored[0][0].facts).typical_score if scored else None
    raw = typical_before(session, version, until, now)
    # Every stored number was read against its history's typical change, so on the numbers'
    # own scale a typical change scores what is left of it once that is taken off.
    shown = None if raw is None else raw - typical_shift(stored.config, raw)
    typical = _whole(shown, stored.config.bands.typical)
    choice = choose_plan(
        [plan_change(c.facts, s.score, s.band, s.source_lines) for c, s in scored], typical
    )
    by_key = {c.facts.key: c for c, _ in scored}
    items = tuple(PlanItem(c, _action(by_key[c.key], c, stored)) for c in choice.chosen)
    return StoredPlan(since, until, choice, items, len(found) - len(scored))


def _action(candidate: PlanCandidate, change: PlanChange, stored: StoredHistory) -> Lowering | None:
    history, config = stored.history, stored.config
    return first_action(
        candidate.facts, change.score, lambda c: score_change(c, history.context(c), config)
    )
