"""The coverage card: a service's line coverage falling week over week, with the changes that
lowered it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from scoring.card_terms import CardKind, EvidenceKind, FactKey, Severity
from scoring.risk import Band
from scoring.weekly import WeekAggregate, aggregate
from tests.scoring.card_builders import RULES, at, cards, change, facts, severities, spread


def _week(n: int, coverage: list[tuple[float | None, float | None]]) -> WeekAggregate:
    """Week ``n``: quiet changes elsewhere, then payments changes each with a touched-files
    delta and the service's coverage at its head, in merge order."""
    pays = [
        change(
            f"shop#{n}.{i}",
            "payments",
            Band.SAFE,
            n,
            line_coverage_delta=delta,
            service_line_coverage=svc,
            merged_at=at(n, 10 + i),
        )
        for i, (delta, svc) in enumerate(coverage)
    ]
    return aggregate([*spread(6, 0, n), *pays])


@pytest.mark.parametrize(
    ("before", "now", "expected"),
    [
        pytest.param(80.0, 78.0, "warning", id="2-points-exactly-warning"),
        pytest.param(80.0, 75.0, "critical", id="5-points-critical"),
        pytest.param(80.0, 78.5, None, id="1.5-points-quiet"),
        pytest.param(80.0, 85.0, None, id="rose"),
        pytest.param(None, 70.0, None, id="no-report-last-week"),
        pytest.param(80.0, None, None, id="no-report-this-week"),
    ],
)
def test_coverage_card_by_the_drop(
    before: float | None, now: float | None, expected: str | None
) -> None:
    """A fall of 2 points is a warning and 5 critical; no card without a report in both weeks."""
    this = _week(0, [(-1.0, now)])
    last = _week(-1, [(0.0, before)])
    got = {k: v for k, v in severities(this, last).items() if k.startswith("coverage")}
    assert got == ({"coverage:payments": expected} if expected else {})


def test_the_card_names_the_changes_that_lowered_coverage_most_first() -> None:
    """The service's last report of each week is compared; the evidence is the week's changes
    that lowered their files' coverage, the largest fall first, and only those."""
    this = _week(0, [(-0.5, 79.0), (2.0, 81.0), (-4.0, 74.0), (None, None)])
    last = _week(-1, [(0.0, 82.0)])
    (card,) = [c for c in cards(this, last) if c.kind is CardKind.COVERAGE]
    assert card.severity is Severity.CRITICAL
    assert card.subject == "payments"
    assert facts(card) == {
        FactKey.SERVICE_LINE_COVERAGE_THIS_WEEK: 74.0,
        FactKey.SERVICE_LINE_COVERAGE_LAST_WEEK: 82.0,
        FactKey.COVERAGE_LOWERING_CHANGES: 2,
    }
    assert [(e.kind, e.key) for e in card.evidence] == [
        (EvidenceKind.CHANGE, "shop#0.2"),
        (EvidenceKind.CHANGE, "shop#0.0"),
    ]


def test_thresholds_are_rules_of_the_config() -> None:
    """A team may set its own drop: at 10 points a 5-point fall makes no card."""
    rules = replace(RULES, coverage_warning_drop_pp=10.0, coverage_critical_drop_pp=20.0)
    this, last = _week(0, [(-5.0, 75.0)]), _week(-1, [(0.0, 80.0)])
    assert not [c for c in cards(this, last, rules) if c.kind is CardKind.COVERAGE]
