"""A scored change: its top signals and what it was scored as, made from a score and facts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from scoring.config import ScoringConfig
from scoring.facts import ChangeFacts, FileChange, Review, ReviewState
from scoring.model import MODEL
from scoring.risk import Band
from scoring.risk_score import Gate, RiskScore, top_signals
from scoring.score_scale import finish_score
from scoring.scored import TOP_SIGNALS, scored_change
from scoring.signal import Signal

AT = datetime(2026, 11, 17, 11, 0, tzinfo=UTC)
SIGNALS = (
    Signal("size", 1.0, 40.0, "big"),
    Signal("entropy", 0.5, 12.0, "spread"),
    Signal("timing", 1.0, 10.0, "Friday"),
    Signal("review", 0.0, 0.0, "reviewed"),
    Signal("owners", None, 0.0, "unknown"),
    Signal("agent", 1.0, 4.0, "agent"),
)
SCORE = RiskScore("r#1", 66, Band.HIGH, SIGNALS, (Gate("migration", "a migration"),), "v1")


def _facts(**kw: Any) -> ChangeFacts:
    """A change merged at ``AT``, with ``kw`` for what a test is about."""
    fields: dict[str, Any] = {"files": ()} | kw
    return ChangeFacts(key="r#1", repository="r", title="t", author="ada", merged_at=AT, **fields)


def test_top_signals_rank_by_points_then_name_and_drop_signals_that_added_nothing() -> None:
    """Most points beyond a typical change's first, and no signal that added no points."""
    beyond = 40.0 - MODEL.typical_points("size")
    assert beyond > 12.0
    assert [s.name for s in top_signals(SIGNALS, 10)] == ["size", "entropy", "timing", "agent"]
    assert [s.name for s in top_signals(SIGNALS, 2)] == ["size", "entropy"]


def test_a_signal_earning_no_more_than_a_typical_change_drives_nothing() -> None:
    """Size points every change earns (here the typical change's) do not make size a driver."""
    typical = MODEL.typical_points("size")
    assert typical > 0
    signals = (Signal("size", 1.0, typical, "ordinary"), Signal("timing", 1.0, 2.0, "Friday"))
    assert [s.name for s in top_signals(signals, 3)] == ["timing"]


def test_a_scored_change_keeps_the_score_and_its_top_signals() -> None:
    """Score, band, signals, gates and version stay as scored; three signals are its top."""
    scored = scored_change(SCORE)
    assert (scored.key, scored.score, scored.band, scored.version) == (
        "r#1",
        66,
        Band.HIGH,
        "v1",
    )
    assert scored.signals == SIGNALS
    assert scored.gates == SCORE.gates
    assert len(scored.top_signals) == TOP_SIGNALS
    assert scored.drivers == ("size", "entropy", "timing")
    assert (scored.service, scored.agent_involved, scored.human_reviewed) == (None, False, None)


def test_facts_say_what_the_change_was_scored_as() -> None:
    """Service, CODEOWNERS counts and the agent and human-review flags come from the facts."""
    files = (
        FileChange("pay/a.py", 10, 2, service="payments", owners=("@pay",)),
        FileChange("pay/b.py", 1, 0, service="payments", owners=()),
        FileChange("docs/c.md", 1, 0, service=None, owners=None),
    )
    approval = Review("bob", ReviewState.APPROVED, AT - timedelta(hours=1))
    scored = scored_change(SCORE, _facts(files=files, reviews=(approval,), author_is_agent=True))
    assert scored.service == "payments"
    assert (scored.owner_files_known, scored.owner_files_covered) == (2, 1)
    assert scored.agent_involved is True
    assert scored.human_reviewed is True


def test_a_history_alone_leaves_the_review_unknown() -> None:
    """When no source saw the reviews, a scored change is neither reviewed nor unreviewed."""
    assert scored_change(SCORE, _facts(reviews_known=False)).human_reviewed is None


def _lifted(points: tuple[float, ...], gates: tuple[Gate, ...] = ()) -> RiskScore:
    """A change scored with the default config from signals worth ``points``, the last of them
    its service's recent incidents, through ``gates``."""
    own = [Signal(f"s{n}", 1.0, p, "x") for n, p in enumerate(points[:-1])]
    signals = (*own, Signal("service_incidents", 1.0, points[-1], "incidents"))
    return finish_score("r#1", signals, gates, ScoringConfig())


@pytest.mark.parametrize(
    ("points", "gates", "context"),
    [
        pytest.param((50.0, 5.0), (), 5.0, id="its-incidents-points"),
        pytest.param((52.0, 5.0), (Gate("large_change", "big", Band.HIGH),), 0.0, id="floor-held"),
        pytest.param((58.0, 5.0), (Gate("large_change", "big", Band.HIGH),), 3.0, id="to-floor"),
        pytest.param((99.0, 5.0), (), 1.0, id="clipped-at-100"),
    ],
)
def test_context_points_are_what_the_context_added_to_the_number(
    points: tuple[float, ...], gates: tuple[Gate, ...], context: float
) -> None:
    """A change's context points are its number less the number it would be without its
    service's recent incidents: all of them for an ordinary change, none where a gate's floor
    held it anyway, the part above the floor where they lifted it past it, and only what shows
    below 100."""
    score = _lifted(points, gates)
    assert scored_change(score, config=ScoringConfig()).context_points == context
    # Without the scoring's config only the signals' own points are known.
    assert scored_change(score).context_points == points[-1]
