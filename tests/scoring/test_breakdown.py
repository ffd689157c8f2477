"""A score's breakdown: whole-number contributions, gate lifts and the cap included, that add up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.breakdown import CAP, GATE, OTHERS, breakdown
from scoring.config import ScoringConfig
from scoring.deploy_risk import score_deploy
from scoring.facts import ChangeFacts, DeployFacts, FileChange, IncidentFacts, Review, ReviewState
from scoring.history import History
from scoring.risk import Band, score_change
from scoring.risk_score import Gate
from scoring.score_scale import finish_score
from scoring.signal import Signal

TUESDAY = datetime(2026, 11, 17, 11, 0, tzinfo=UTC)
CONFIG = ScoringConfig()


def _migration(key: str) -> ChangeFacts:
    """A small, reviewed change that adds a schema migration."""
    return ChangeFacts(
        key=key,
        repository="r",
        title=key,
        author="alice",
        merged_at=TUESDAY,
        files=(
            FileChange("svc/migrations/0002_add_column.py", 12, 0, service="svc", owners=("@a",)),
        ),
        reviews=(Review("bob", ReviewState.APPROVED, TUESDAY - timedelta(hours=1)),),
        opened_at=TUESDAY - timedelta(hours=5),
    )


def test_a_gate_lift_is_its_own_contribution() -> None:
    """A migration's score of 72 reads as its signals plus a named gate lift, adding up to 72."""
    risk = score_change(_migration("r#1"), History().advance(_migration("r#1")), CONFIG)
    assert risk.score == 72
    parts = breakdown(risk)
    assert sum(c.points for c in parts) == 72
    [gate] = [c for c in parts if c.name == GATE]
    assert gate.points == 72 - round(sum(s.points for s in risk.signals))
    assert "schema migration" in gate.explanation
    assert "at least very high risk (floor 72)" in gate.explanation


def test_only_the_top_signals_are_listed_and_the_rest_is_one_entry() -> None:
    """With a limit, the smaller signals are one entry, so the listed points still add up."""
    signals = [Signal(f"s{i}", 1.0, 10.0 - i, f"signal {i}") for i in range(7)]
    risk = finish_score("k", signals, [], CONFIG)
    parts = breakdown(risk, 3)
    assert [c.name for c in parts] == ["s0", "s1", "s2", OTHERS]
    assert parts[-1].explanation == "from 4 smaller signals"
    assert sum(c.points for c in parts) == risk.score == 49


def test_the_cap_at_100_is_shown_as_points_taken_away() -> None:
    """Signals worth 130 points make 100, shown as a negative "capped at 100" entry last."""
    signals = [Signal("a", 1.0, 70.0, "a"), Signal("b", 1.0, 60.0, "b")]
    parts = breakdown(finish_score("k", signals, [], CONFIG))
    assert [(c.name, c.points) for c in parts] == [("a", 70), ("b", 60), (CAP, -30)]


def test_rounding_is_shared_out_so_the_whole_numbers_add_up() -> None:
    """Three signals of 1.4 points make a score of 4: one of them shows 2, not all three 1."""
    signals = [Signal(n, 1.0, 1.4, n) for n in "abc"]
    risk = finish_score("k", signals, [], CONFIG)
    assert risk.score == 4
    assert sorted(c.points for c in breakdown(risk)) == [1, 1, 2]


def test_a_deploy_during_an_incident_shows_the_gate_lift() -> None:
    """An incident gate lifting a quiet deploy to 72 is an entry naming the incident."""
    deploy = DeployFacts(
        "d1", "svc", "production", TUESDAY, True, previous_finished_at=TUESDAY - timedelta(days=1)
    )
    incident = IncidentFacts("INC-1", "svc", "down", TUESDAY - timedelta(hours=1), None)
    risk = score_deploy(deploy, [], [incident], CONFIG)
    parts = breakdown(risk)
    assert risk.score == 72
    assert sum(c.points for c in parts) == 72
    assert any(c.name == GATE and "INC-1" in c.explanation for c in parts)


_points = st.floats(min_value=0.0, max_value=60.0, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_points, min_size=1, max_size=14),
    st.sampled_from([None, Band.HIGH, Band.CRITICAL]),
    st.sampled_from([None, 1, 3, 5]),
)
def test_any_score_breaks_down_into_points_that_add_up(
    points: list[float], floor: Band | None, limit: int | None
) -> None:
    """Whatever the signals, gates and limit, the listed whole points add up to the score."""
    signals = [Signal(f"s{i:02}", 1.0, p, f"signal {i}") for i, p in enumerate(points)]
    gates = [] if floor is None else [Gate("g", "a rule", floor)]
    risk = finish_score("k", signals, gates, CONFIG)
    parts = breakdown(risk, limit)
    assert sum(c.points for c in parts) == risk.score
    assert all(c.points for c in parts)
    if limit is not None:
        assert sum(1 for c in parts if c.name not in (GATE, CAP, OTHERS)) <= limit
