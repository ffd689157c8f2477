"""Rate and time cards compare with the weeks before when last week alone is too thin.

Weeks are built here: ``week`` -1 is last week, -2 … -4 the weeks before it, and
the baseline is the four of them pooled, as the briefing builds it.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from scoring.card_rules.usual import beta_binomial_upper_tail
from scoring.card_terms import Card, CardKind, FactKey, Severity
from scoring.weekly import ScoredDeploy, WeekAggregate, WeekChange, WeekIncident, aggregate
from tests.scoring.card_builders import at, cards, deploys, facts, incident, mix, spread

C, W = Severity.CRITICAL, Severity.WARNING


def _weeks(
    changes: dict[int, list[WeekChange]] | None = None,
    shipped: dict[int, list[ScoredDeploy]] | None = None,
    incidents: dict[int, Sequence[float]] | None = None,
) -> tuple[WeekAggregate, WeekAggregate]:
    """This week (with its 4-week baseline) and last week, from what each week held."""
    changes, shipped, incidents = changes or {}, shipped or {}, incidents or {}

    def rows(week: int) -> tuple[list[WeekChange], list[ScoredDeploy], list[WeekIncident]]:
        broke = [
            incident(f"INC{week}.{i}", "s0", at(week, 10 + i), m)
            for i, m in enumerate(incidents.get(week, ()))
        ]
        return changes.get(week, []), shipped.get(week, []), broke

    pooled = [rows(w) for w in (-1, -2, -3, -4)]
    baseline = aggregate(
        [c for p in pooled for c in p[0]],
        [d for p in pooled for d in p[1]],
        [i for p in pooled for i in p[2]],
        weeks=4,
    )
    return aggregate(*rows(0), baseline=baseline), aggregate(*rows(-1))


def _only(this: WeekAggregate, last: WeekAggregate, kind: CardKind) -> list[Card]:
    return [c for c in cards(this, last) if c.kind is kind]


def test_mttr_against_a_thin_last_week_compares_with_the_weeks_before() -> None:
    """Incidents at 200–330 min against one at 40 last week make a card naming the baseline."""
    this, last = _weeks(incidents={0: [200, 260, 330], -1: [40], -2: [45], -3: [50]})
    [card] = _only(this, last, CardKind.MTTR)
    assert card.severity is C
    assert facts(card) == {
        FactKey.MTTR_THIS_WEEK: 260,
        FactKey.MTTR_BASELINE: 45,
        FactKey.BASELINE_WEEKS: 4,
        FactKey.INCIDENTS_THIS_WEEK: 3,
    }


def test_mttr_with_a_thin_baseline_makes_no_card() -> None:
    """When the weeks before hold only last week's one incident, nothing is compared."""
    this, last = _weeks(incidents={0: [200, 260, 330], -1: [40]})
    assert _only(this, last, CardKind.MTTR) == []


def test_mttr_with_enough_last_week_compares_with_last_week() -> None:
    """Two incidents last week are enough: the card compares with last week, as before."""
    this, last = _weeks(incidents={0: [200, 260, 330], -1: [40, 40], -2: [300, 300]})
    [card] = _only(this, last, CardKind.MTTR)
    assert facts(card)[FactKey.MTTR_LAST_WEEK] == 40
    assert FactKey.BASELINE_WEEKS not in facts(card)


def test_cfr_against_one_failed_deploy_last_week_compares_with_the_weeks_before() -> None:
    """3 of 5 deploys failed against 1 of 1 last week: no rise on last week, a clear one on 4."""
    shipped = {
        0: deploys("s0", 5, 3, 0),
        -1: deploys("s0", 1, 1, -1),
        -2: deploys("s0", 4, 0, -2),
        -3: deploys("s0", 5, 0, -3),
    }
    this, last = _weeks(shipped=shipped)
    [card] = _only(this, last, CardKind.CFR)
    assert card.severity is C
    assert facts(card)[FactKey.CHANGE_FAILURE_RATE_BASELINE] == 10.0
    assert facts(card)[FactKey.BASELINE_WEEKS] == 4


def test_cfr_with_a_thin_baseline_still_compares_with_last_week() -> None:
    """With under 4 deploys in the four weeks, last week's rate is compared, as before."""
    this, last = _weeks(shipped={0: deploys("s0", 5, 3, 0), -1: deploys("s0", 1, 1, -1)})
    assert _only(this, last, CardKind.CFR) == []


@pytest.mark.parametrize(
    ("failed_before", "expected"),
    [
        pytest.param(4, [], id="two-of-eight-is-its-usual-one-in-ten"),
        pytest.param(0, [C], id="two-of-eight-after-none-of-forty"),
    ],
)
def test_cfr_is_judged_against_the_scopes_own_failure_rate(
    failed_before: int, expected: list[Severity]
) -> None:
    """2 of 8 deploys failed after a week of none: 25 points up on last week, but a team that
    fails one in ten of its deploys does that one week in five, so no card; after 40 deploys
    without a failure it is one."""
    shipped = {
        0: deploys("s0", 8, 2, 0),
        -1: deploys("s0", 10, 0, -1),
        -2: deploys("s0", 10, failed_before // 2, -2),
        -3: deploys("s0", 10, failed_before - failed_before // 2, -3),
        -4: deploys("s0", 10, 0, -4),
    }
    this, last = _weeks(shipped=shipped)
    assert [c.severity for c in _only(this, last, CardKind.CFR)] == expected


def test_a_beta_binomial_tail_with_a_uniform_rate_gives_each_count_alike() -> None:
    """With a rate known to be anything (Beta(1, 1)), each of the n + 1 counts is as likely."""
    assert beta_binomial_upper_tail(3, 5, 1.0, 1.0) == pytest.approx(3 / 6)
    assert beta_binomial_upper_tail(0, 5, 1.0, 1.0) == 1.0
    assert beta_binomial_upper_tail(6, 5, 1.0, 1.0) == 0.0


def test_shift_against_a_thin_last_week_compares_with_the_weeks_before() -> None:
    """8 of 20 high risk against 2 changes last week: compared with the 4 weeks' 10 %, and its
    expected fixes (5.7) with the weeks' usual chance per change (1.5 for 20 changes), a rise of
    4.2: a warning."""
    changes = {
        0: spread(20, 8, 0),
        -1: spread(2, 0, -1),
        -2: spread(9, 1, -2),
        -3: spread(9, 1, -3),
    }
    this, last = _weeks(changes=changes)
    [card] = _only(this, last, CardKind.SHIFT)
    assert card.severity is W
    assert facts(card)[FactKey.HIGH_RISK_SHARE_BASELINE] == 10.0
    assert facts(card)[FactKey.EXPECTED_FIXES_THIS_WEEK] == 5.7
    assert facts(card)[FactKey.EXPECTED_FIXES_USUAL] == 1.5
    assert facts(card)[FactKey.BASELINE_WEEKS] == 4


def test_shift_with_a_thin_baseline_makes_no_card() -> None:
    """Four changes over the four weeks before are too few for a share, as two last week are."""
    this, last = _weeks(changes={0: spread(20, 8, 0), -1: spread(2, 0, -1), -3: spread(2, 0, -3)})
    assert _only(this, last, CardKind.SHIFT) == []


@pytest.mark.parametrize(
    ("earlier_high", "expected"),
    [pytest.param(0, C, id="steady-low-before"), pytest.param(5, None, id="always-high")],
)
def test_concentration_against_a_thin_last_week_compares_with_the_weeks_before(
    earlier_high: int, expected: Severity | None
) -> None:
    """A service with one change last week is compared with its 4 weeks: always high, no rise."""
    changes = {
        0: mix("pay", 6, 5, 0),
        -1: mix("pay", 1, 0, -1),
        -2: mix("pay", 8, earlier_high, -2),
    }
    this, last = _weeks(changes=changes)
    found = _only(this, last, CardKind.CONCENTRATION)
    assert [c.severity for c in found] == ([expected] if expected else [])
    if found:
        assert facts(found[0])[FactKey.HIGH_RISK_SHARE_BASELINE] == 0.0


def test_a_week_without_a_baseline_behaves_as_before() -> None:
    """Weeks built without a baseline compare with last week only: a thin one makes no card."""
    this = aggregate(
        [], [], [incident(f"I{i}", "s0", at(0, i), m) for i, m in enumerate([200, 300])]
    )
    last = aggregate([], [], [incident("I9", "s0", at(-1, 1), 40)])
    assert this.baseline is None
    assert _only(this, last, CardKind.MTTR) == []
