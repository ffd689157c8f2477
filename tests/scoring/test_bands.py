"""Bands read against the history's own typical change, and deploys against their service's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scoring.config import ScoringConfig
from scoring.facts import ChangeFacts, DeployFacts, FileChange
from scoring.risk import Band, RiskScore, band_for, band_shift, score_changes, score_deploys
from scoring.typical import TYPICAL_MIN, TypicalScore

CONFIG = ScoringConfig()
T0 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


def _change(n: int, lines: int, path: str = "svc/mod{n}.py") -> ChangeFacts:
    """Change ``n``, adding ``lines`` lines of Python to a file of its own."""
    body = path.format(n=n)
    return ChangeFacts(
        key=f"c{n}",
        repository="r",
        title=f"change {n}",
        author=f"dev{n % 3}",
        merged_at=T0 + timedelta(hours=n),
        files=(FileChange(body, lines, 0, service="svc", code_added=lines, code_deleted=0),),
    )


def test_a_typical_score_needs_enough_scores_and_follows_them() -> None:
    """The typical score says nothing before TYPICAL_MIN scores, then is their running mean."""
    typical = TypicalScore()
    for _ in range(TYPICAL_MIN - 1):
        typical.note(40.0)
    assert typical.value is None
    typical.note(40.0)
    assert typical.value == pytest.approx(40.0)
    for _ in range(3000):
        typical.note(60.0)
    assert typical.value == pytest.approx(60.0, abs=0.1)


def test_bounds_move_with_the_typical_change() -> None:
    """With a typical change 10 points above the anchor, every bound is 10 points higher."""
    b = CONFIG.bands
    typical = b.typical + 10
    assert band_shift(CONFIG, typical) == 10
    assert band_for(b.high + 9, CONFIG, typical) is Band.MODERATE
    assert band_for(b.high + 10, CONFIG, typical) is Band.HIGH
    assert band_for(b.critical + 10, CONFIG, typical) is Band.CRITICAL
    assert band_for(b.high, CONFIG) is Band.HIGH


def test_the_very_high_bound_never_moves_past_100() -> None:
    """However high the typical change, a score of 100 is still very high."""
    assert band_for(100, CONFIG, 1000.0) is Band.CRITICAL


def test_the_same_change_is_high_among_small_ones_and_not_among_large_ones() -> None:
    """A 300-line change stands out in a history of 3-line changes, not in one of 2000-line ones."""
    small = [_change(i, 3) for i in range(200)]
    large = [_change(i, 2000) for i in range(200)]
    probe = _change(500, 300)
    among_small = score_changes([*small, probe], [], CONFIG)["c500"]
    among_large = score_changes([*large, probe], [], CONFIG)["c500"]
    assert among_small.score == among_large.score
    assert among_small.band.high_risk
    assert not among_large.band.high_risk
    assert among_small.typical is not None
    assert among_large.typical is not None
    assert among_small.typical < among_large.typical


def test_a_change_touching_no_code_is_never_above_moderate() -> None:
    """A large docs-only change keeps its points, to rank it, but its band stops at moderate."""
    history = [_change(i, 3) for i in range(100)]
    docs = _change(900, 5000, path="docs/guide{n}.md")
    scored = score_changes([*history, docs], [], CONFIG)["c900"]
    assert scored.score > CONFIG.bands.high
    assert scored.band is Band.MODERATE
    size = next(s for s in scored.signals if s.name == "size")
    assert "never more than moderate risk" in size.explanation


def _deploy(n: int, service: str) -> DeployFacts:
    return DeployFacts(
        key=f"d{service}{n}",
        service=service,
        environment="production",
        finished_at=T0 + timedelta(days=n, hours=3),
        succeeded=True,
        change_keys=(f"s{n}",),
    )


def _shipped(n: int, score: int) -> RiskScore:
    return RiskScore(f"s{n}", score, Band.MODERATE, (), (), "v")


def test_deploys_are_banded_against_their_own_service() -> None:
    """A deploy scoring what is routine for its service is not high; the same deploy is high for
    a service whose deploys are all quiet."""
    busy = [_deploy(i, "busy") for i in range(80)]
    calm = [_deploy(i, "calm") for i in range(80)]
    scores = {f"s{i}": _shipped(i, 10) for i in range(79)}
    scores["s79"] = _shipped(79, 70)
    routine_scores = {f"s{i}": _shipped(i, 70) for i in range(80)}
    out_calm = {d.key: d for d in score_deploys(calm, scores, [], CONFIG)}
    out_busy = {d.key: d for d in score_deploys(busy, routine_scores, [], CONFIG)}
    assert out_busy["dbusy79"].score == out_calm["dcalm79"].score
    assert out_busy["dbusy79"].typical is not None
    assert not out_busy["dbusy79"].band.high_risk
    assert out_calm["dcalm79"].band.high_risk


def test_a_gate_lifts_to_its_bands_bound_in_whole_points() -> None:
    """A gate's floor moved by a fractional typical change still puts the score in the band."""
    from scoring.risk import Gate, gate_floor

    gates = (Gate("schema_migration", "a migration"),)
    typical = CONFIG.bands.typical + 0.4
    floor = gate_floor(gates, CONFIG, typical)
    assert floor == float(int(floor))
    assert band_for(round(floor), CONFIG, typical) is Band.CRITICAL
