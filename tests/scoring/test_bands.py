"""Bands are fixed bounds of the number shown, read against the history's typical change."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from scoring.breakdown import breakdown
from scoring.config import ScoringConfig
from scoring.deploy_risk import score_deploy, score_deploys
from scoring.facts import ChangeFacts, DeployFacts, FileChange
from scoring.risk import Band, score_changes
from scoring.risk_score import Gate, RiskScore
from scoring.score_scale import (
    band_for,
    band_top,
    chance_score,
    fix_chance,
    gate_floor,
    typical_shift,
)
from scoring.typical import TYPICAL_MIN, TYPICAL_SIGNAL, TypicalScore, raw_points

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


def test_bands_are_fixed_bounds_of_the_number() -> None:
    """A band is the score's own: the same bounds for every history, a higher number never a
    lower band, and a threshold opening its band."""
    b = CONFIG.bands
    bands = [band_for(score, CONFIG) for score in range(101)]
    order = list(Band)
    assert all(order.index(x) <= order.index(y) for x, y in itertools.pairwise(bands))
    assert band_for(b.moderate, CONFIG) is Band.MODERATE
    assert band_for(b.high - 1, CONFIG) is Band.MODERATE
    assert band_for(b.high, CONFIG) is Band.HIGH
    assert band_for(b.critical, CONFIG) is Band.CRITICAL
    assert band_top(Band.MODERATE, CONFIG) == b.high - 1
    assert band_for(band_top(Band.HIGH, CONFIG), CONFIG) is Band.HIGH


def test_the_same_change_reads_higher_among_small_ones_than_among_large_ones() -> None:
    """A 300-line change stands out in a history of 3-line changes, not in one of 2000-line
    ones: its number is read against each history's typical change, an entry that adds up."""
    small = [_change(i, 3) for i in range(200)]
    large = [_change(i, 2000) for i in range(200)]
    probe = _change(500, 300)
    among_small = score_changes([*small, probe], [], CONFIG)["c500"]
    among_large = score_changes([*large, probe], [], CONFIG)["c500"]
    assert among_small.score > among_large.score
    assert among_small.band.high_risk
    assert not among_large.band.high_risk
    assert among_small.typical is not None
    assert among_large.typical is not None
    assert among_small.typical < among_large.typical
    for scored in (among_small, among_large):
        entry = next(s for s in scored.signals if s.name == TYPICAL_SIGNAL)
        assert entry.points == pytest.approx(-typical_shift(CONFIG, scored.typical))
        assert sum(c.points for c in breakdown(scored)) == scored.score


def test_no_two_scores_of_any_histories_have_number_and_band_in_opposite_order() -> None:
    """Changes and deploys of a calm history and of a busy one, all together: sorted by their
    number, their bands never go down."""
    small = [_change(i, 3 + 7 * (i % 13)) for i in range(150)]
    large = [_change(i, 400 + 97 * (i % 11)) for i in range(150)]
    everything: list[RiskScore] = []
    for history in (small, large):
        scores = score_changes(history, [], CONFIG)
        everything += scores.values()
        deploys = [
            replace(_deploy(i, "svc"), change_keys=(f"c{i}", f"c{i + 1}")) for i in range(0, 140, 2)
        ]
        everything += score_deploys(deploys, scores, [], CONFIG)
    order = list(Band)
    ranked = sorted(everything, key=lambda s: (s.score, order.index(s.band)))
    assert all(order.index(x.band) <= order.index(y.band) for x, y in itertools.pairwise(ranked))
    assert {s.band for s in everything} >= {Band.SAFE, Band.HIGH}


def test_a_change_touching_no_code_is_never_above_moderate() -> None:
    """A large docs-only change keeps its points, to rank it, but its number stops at the top of
    moderate, with a breakdown entry saying why."""
    history = [_change(i, 3) for i in range(100)]
    docs = _change(900, 5000, path="docs/guide{n}.md")
    scored = score_changes([*history, docs], [], CONFIG)["c900"]
    assert raw_points(scored.signals) > CONFIG.bands.high
    assert scored.score == band_top(Band.MODERATE, CONFIG)
    assert scored.band is Band.MODERATE
    size = next(s for s in scored.signals if s.name == "size")
    assert "never more than moderate risk" in size.explanation
    entries = breakdown(scored)
    assert sum(c.points for c in entries) == scored.score
    assert "no code changed" in entries[-1].explanation


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
    return RiskScore(f"s{n}", score, band_for(score, CONFIG), (), (), "v")


def test_a_deploy_is_the_chance_one_of_its_changes_needs_a_fix() -> None:
    """A deploy of one change scores that change; of two, the chance at least one needs a fix,
    on the same scale; its band is its number's."""
    one = score_deploy(_deploy(1, "svc"), [_shipped(1, 57)], [], CONFIG)
    assert one.score == 57
    assert one.band is band_for(57, CONFIG)
    two = replace(_deploy(2, "svc"), change_keys=("s1", "s2"))
    both = score_deploy(two, [_shipped(1, 57), _shipped(2, 50)], [], CONFIG)
    chance = 1 - (1 - fix_chance(57, CONFIG)) * (1 - fix_chance(50, CONFIG))
    assert both.score == round(chance_score(chance, CONFIG))
    assert both.score > 57
    assert both.band is band_for(both.score, CONFIG)
    assert sum(c.points for c in breakdown(both)) == both.score


def test_a_deploy_of_a_high_change_is_at_least_high() -> None:
    """A deploy never reads lower than the riskiest change it shipped."""
    for score in range(0, 101, 7):
        deploy = score_deploy(_deploy(1, "svc"), [_shipped(1, score)], [], CONFIG)
        assert deploy.score >= score
        assert list(Band).index(deploy.band) >= list(Band).index(band_for(score, CONFIG))


def test_a_gate_lifts_to_its_bands_bound_in_whole_points() -> None:
    """A gate's floor is its band's bound, whole, so the score is in the band."""
    gates = (Gate("schema_migration", "a migration"),)
    floor = gate_floor(gates, CONFIG)
    assert floor == float(int(floor))
    assert band_for(round(floor), CONFIG) is Band.CRITICAL
