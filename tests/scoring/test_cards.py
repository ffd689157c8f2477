"""Card rules, a table per card kind: what makes a card, how severe, and what is not said twice.

Every threshold belongs to the side that fires: a number exactly at a warning
threshold makes a warning, exactly at a critical threshold a critical card.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest

from scoring.card_terms import Card, CardKind, Evidence, EvidenceKind, FactKey, Severity
from scoring.card_thresholds import CardRules
from scoring.cards import severity_counts
from scoring.config import ScoringConfig
from scoring.model import MODEL
from scoring.risk import Band
from scoring.score_scale import band_for
from scoring.weekly import ScoredDeploy, WeekAggregate, WeekChange, WeekIncident, aggregate
from tests.scoring.card_builders import (
    RULES,
    FactName,
    at,
    cards,
    change,
    deploys,
    facts,
    incident,
    mix,
    severities,
    spread,
)

W, C, INFO = "warning", "critical", "info"


def ids(card: Card) -> tuple[str, ...]:
    """A card's evidence as the ids a stored briefing carries."""
    return tuple(str(e) for e in card.evidence)


def test_quiet_week_makes_no_card() -> None:
    """The same steady week twice, with deploys and a short incident, makes no card at all."""
    ok = [*spread(30, 2, drivers=("size",)), *mix("search", 8, 1, team="find")]
    before = [*spread(30, 2, -1, drivers=("size",)), *mix("search", 8, 1, -1, team="find")]
    inc = incident("INC-1", "s0", at(0, 30), 40)
    inc_before = incident("INC-0", "s0", at(-1, 30), 40)
    this = aggregate(ok, deploys("s0", 10, 1), [inc])
    last = aggregate(before, deploys("s0", 10, 1, -1), [inc_before])
    assert cards(this, last) == ()


# --- risk distribution shift ------------------------------------------------------------------


# --- concentration by service -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("drivers", "expected"),
    [
        pytest.param([("codeowners",)] * 4, ("codeowners", 4), id="one-driver"),
        pytest.param(
            [("size",), ("size", "review"), ("review",), ("size",)],
            ("size", 3),
            id="most-frequent-driver",
        ),
        pytest.param(
            [("size",), ("review",)] * 2,
            ("review", 2),
            id="tie-goes-to-alphabetically-first",
        ),
        pytest.param([()] * 4, None, id="no-driver-no-fact"),
    ],
)
def test_concentration_names_its_top_driver(
    drivers: list[tuple[str, ...]], expected: tuple[str, int] | None
) -> None:
    """A concentration card's driver fact names the signal behind most of its high-risk changes."""
    high = [change(f"p{n}", "payments", Band.HIGH, drivers=d) for n, d in enumerate(drivers)]
    this = aggregate([*high, *mix("payments", 4, 0)])
    (card,) = cards(this, aggregate(mix("payments", 8, 0, -1)))
    assert card.kind is CardKind.CONCENTRATION
    driven = [(f.signal, f.value) for f in card.facts if f.key is FactKey.DRIVEN_BY]
    assert driven == ([expected] if expected else [])
    assert card.driver == (expected[0] if expected else None)


def _with_weeks(this: list[WeekChange], weeks: Callable[[int], list[WeekChange]]) -> WeekAggregate:
    """This week's changes with a baseline of four weeks, each ``weeks(-w)``."""
    pooled = [c for w in (1, 2, 3, 4) for c in weeks(-w)]
    return aggregate(this, baseline=aggregate(pooled, weeks=4))


def test_a_calm_service_with_rewrites_names_its_usual_and_this_weeks_expected_fixes() -> None:
    """A calm service's four very-high changes make a critical card naming its expected fixes
    this week and in a usual week, and the very-high changes as the difference."""
    rewrites = mix("pay", 4, 4, band=Band.CRITICAL)
    ordinary = [change(f"pay#0.o{n}", "pay", Band.SAFE) for n in range(4)]
    this = _with_weeks([*rewrites, *ordinary], lambda w: mix("pay", 8, 0, w))
    (card,) = cards(this, aggregate(mix("pay", 8, 0, -1)))
    assert (card.kind, card.severity, card.subject) == (CardKind.CONCENTRATION, C, "pay")
    chances = [MODEL.probability(c.score) for c in (*rewrites, *ordinary)]
    assert card.fact(FactKey.EXPECTED_FIXES_THIS_WEEK) == round(sum(chances), 1)
    assert card.fact(FactKey.EXPECTED_FIXES_USUAL) == round(8 * MODEL.probability(10), 1)
    assert sorted(ids(card)) == sorted(c.key for c in rewrites)


@pytest.mark.parametrize(
    ("usual_high", "total", "high", "expected"),
    [
        pytest.param(1, 10, 4, C, id="small-service-tripled-by-two-fixes"),
        pytest.param(4, 16, 9, W, id="doubled"),
        pytest.param(1, 10, 2, None, id="one-more-fix"),
    ],
)
def test_a_service_is_told_from_two_expected_fixes_more_its_ratio_saying_how_severe(
    usual_high: int, total: int, high: int, expected: Severity | None
) -> None:
    """A service's rise is material from two expected fixes over its usual week, and critical
    from 2.5 times it: a small service whose expected fixes tripled by two is critical."""
    this = _with_weeks(mix("pay", total, high), lambda w: mix("pay", total, usual_high, w))
    found = cards(this, aggregate(mix("pay", total, usual_high, -1)))
    assert [(c.id, c.severity) for c in found] == (
        [("concentration:pay", expected)] if expected else []
    )


def test_an_always_risky_service_at_its_usual_makes_no_card_and_more_risky_does() -> None:
    """A service whose changes are half high risk every week makes no card for another such
    week, though its share is 50 %; the same service with every change very high makes one."""
    usual = _with_weeks(mix("pay", 8, 4), lambda w: mix("pay", 8, 4, w))
    assert cards(usual, aggregate(mix("pay", 8, 4, -1))) == ()
    worse = _with_weeks(mix("pay", 8, 8, band=Band.CRITICAL), lambda w: mix("pay", 8, 4, w))
    assert [c.id for c in cards(worse, aggregate(mix("pay", 8, 4, -1)))] == ["concentration:pay"]


@pytest.mark.parametrize(
    ("this_week", "expected"),
    [
        pytest.param(mix("pay", 120, 24, band=Band.MODERATE), None, id="thrice-its-usual-work"),
        pytest.param(mix("pay", 40, 40, band=Band.MODERATE), C, id="riskier-changes"),
        pytest.param(mix("pay", 120, 120, band=Band.MODERATE), C, id="busier-and-riskier"),
    ],
)
def test_a_busy_week_of_a_services_usual_work_is_no_concentration(
    this_week: list[WeekChange], expected: Severity | None
) -> None:
    """A service that makes three times its usual number of changes of its usual kind (a fifth
    of them moderate, none high) has three times its usual expected fixes and makes no card, as
    a busy week is no shift; changes riskier than its usual ones make one, busy or not."""
    this = _with_weeks(this_week, lambda w: mix("pay", 40, 8, w, band=Band.MODERATE))
    found = cards(this, aggregate(mix("pay", 40, 8, -1, band=Band.MODERATE)))
    assert [(c.id, c.severity) for c in found] == (
        [("concentration:pay", expected)] if expected else []
    )


def _service_scored(
    week: int, scores: list[int], context: float = 0.0, gated: int = 0
) -> list[WeekChange]:
    """One change of service ``pay`` per score, each with ``context`` of its points from what it
    lands in (its service's recent incidents) and driven by size, or by those incidents when
    they lifted it; the first ``gated`` held in their band by the large-change gate."""
    config = ScoringConfig()
    return [
        replace(
            c,
            score=score,
            band=band_for(score, config),
            context_points=context,
            gates=("large_change",) if n < gated else (),
            drivers=("service_incidents", "size") if context else ("size",),
        )
        for n, (c, score) in enumerate(zip(mix("pay", len(scores), 0, week), scores, strict=True))
    ]


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        pytest.param(0.0, C, id="changes-riskier-on-their-own-concentrate"),
        pytest.param(12.0, None, id="lifted-only-by-its-incidents-is-none"),
    ],
)
def test_a_concentration_is_judged_on_the_changes_own_chances(
    context: float, expected: str | None
) -> None:
    """A service whose week's changes each score 12 points more than in its eight usual weeks
    concentrates risk when the changes earned the points, and not when its recent incidents
    added them to every change merged there: the incident and failure-rate cards tell that
    week, and its changes are no riskier work."""
    usual = [45, 48, 50, 52, 55, 40, 44, 47]
    baseline = aggregate([c for w in range(1, 9) for c in _service_scored(-w, usual)], weeks=8)
    this_week = [s + 15 for s in usual]
    this = aggregate(_service_scored(0, this_week, context), baseline=baseline)
    found = {c.id: c for c in cards(this, aggregate(_service_scored(-1, usual)))}
    card = found.get("concentration:pay")
    assert (card and card.severity.value) == expected
    if card is not None:
        # The card tells the sums a reader can add up, and the driver of the changes themselves.
        shown = sum(MODEL.probability(s) for s in this_week)
        assert card.fact(FactKey.EXPECTED_FIXES_THIS_WEEK) == round(shown, 1)
        assert card.driver == "size"


def _rewrites(week: int, rewrites: int) -> list[WeekChange]:
    """Ten changes of service ``pay``: ``rewrites`` large ones the large-change gate holds at the
    high bound (score 60, about one expected fix in two), one ordinary change at 62 when there
    are none, and the rest at 45."""
    scores = [60] * rewrites + ([] if rewrites else [62])
    return _service_scored(week, scores + [45] * (10 - len(scores)), gated=rewrites)


@pytest.mark.parametrize(
    ("rewrites", "expected"),
    [
        pytest.param(5, C, id="five-rewrites-at-the-high-bound-are-critical"),
        pytest.param(3, None, id="two-more-high-risk-changes-are-none"),
    ],
)
def test_a_service_s_rise_in_high_risk_changes_is_material_in_changes(
    rewrites: int, expected: str | None
) -> None:
    """Five outside rewrites at the large-change gate's floor in a service that usually makes one
    high-risk change a week add under two expected fixes, yet four more high-risk changes than
    usual, five times its usual: a critical concentration; three (two more) are none."""
    baseline = aggregate([c for w in range(1, 9) for c in _rewrites(-w, 0)], weeks=8)
    this = aggregate(_rewrites(0, rewrites), baseline=baseline)
    found = severities(this, aggregate(_rewrites(-1, 0)))
    assert found.get("concentration:pay") == expected


def test_a_busy_week_of_usual_changes_is_no_shift_but_riskier_changes_are() -> None:
    """Twice the changes at the usual share of high risk is no shift; the usual number of
    changes with three times the high-risk ones is."""

    def before(w: int) -> list[WeekChange]:
        return spread(30, 3, w)

    busy = _with_weeks(spread(60, 6), before)
    assert "shift" not in severities(busy, aggregate(before(-1)))
    riskier = _with_weeks(spread(30, 9), before)
    assert severities(riskier, aggregate(before(-1))).get("shift") == W


def _scored(week: int, score: int, context: float) -> list[WeekChange]:
    """30 changes over services of three, each scored ``score`` with ``context`` of its points
    from what it lands in (its service's recent incidents)."""
    config = ScoringConfig()
    return [
        replace(c, score=score, band=band_for(score, config), context_points=context)
        for c in spread(30, 0, week)
    ]


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        pytest.param(0.0, W, id="the-changes-riskier-is-a-shift"),
        pytest.param(5.0, None, id="riskier-only-by-recent-incidents-is-none"),
    ],
)
def test_a_shift_is_judged_on_the_changes_own_chances(context: float, expected: str | None) -> None:
    """Every change scoring 5 points above its eight usual weeks is a shift when the changes
    earned them, and none when their services' recent incidents did: the incident cards tell
    a week of incidents, and its changes are no riskier work for it."""
    baseline = aggregate([c for w in range(1, 9) for c in _scored(-w, 50, 0.0)], weeks=8)
    this = aggregate(_scored(0, 55, context), baseline=baseline)
    assert severities(this, aggregate(_scored(-1, 50, 0.0))).get("shift") == expected


def _crossing(
    week: int, high: int, context: float = 0.0, gates: tuple[str, ...] = ()
) -> list[WeekChange]:
    """30 changes over services of three scoring 40, of which ``high`` (one a service) score 62,
    just over the high bound: each about one expected fix in two; all but the first of them
    with ``context`` of their points from what they land in, and through ``gates``."""
    config = ScoringConfig()
    return [
        replace(
            c,
            score=score,
            band=band_for(score, config),
            context_points=context if 0 < rank < high else 0.0,
            gates=gates if 0 < rank < high else (),
        )
        for n, c in enumerate(spread(30, 0, week))
        for rank in ((n % 3) * 10 + n // 3,)
        for score in ((62 if rank < high else 40),)
    ]


@pytest.mark.parametrize(
    ("high", "context", "gates", "expected"),
    [
        pytest.param(3, 0.0, (), None, id="two-more-high-risk-changes-is-none"),
        pytest.param(4, 0.0, (), W, id="three-more-is-a-shift"),
        pytest.param(5, 5.0, (), None, id="four-more-lifted-there-by-incidents-is-none"),
        pytest.param(5, 5.0, ("large_change",), W, id="four-more-a-gate-put-there-is-a-shift"),
    ],
)
def test_a_shift_of_a_few_more_changes_crossing_the_high_bound(
    high: int, context: float, gates: tuple[str, ...], expected: str | None
) -> None:
    """In an organisation of 30 changes a week, one of them usually at high risk, a week with
    three more at the high bound is a shift though it adds under two expected fixes (the
    expected fixes' own floor), and a week with two more is not; nor is one whose four more
    crossed the bound only by their services' recent incidents, unless a gate put them there
    (a gate reads the change itself, whatever it lands in)."""
    baseline = aggregate([c for w in range(1, 9) for c in _crossing(-w, 1)], weeks=8)
    this = aggregate(_crossing(0, high, context, gates), baseline=baseline)
    assert severities(this, aggregate(_crossing(-1, 1))).get("shift") == expected


def _just_under(week: int, context: int) -> list[WeekChange]:
    """30 changes over services of three: one at 62 (high risk), eight at 57 (moderate, just
    under the high bound) with ``context`` of their points from their services' recent
    incidents added, the rest at 40."""
    config = ScoringConfig()
    scores = [62] + [57] * 8 + [40] * 21
    return [
        replace(
            c,
            score=score + (context if score == 57 else 0),
            band=band_for(score + (context if score == 57 else 0), config),
            context_points=float(context) if score == 57 else 0.0,
        )
        for c, score in zip(spread(30, 0, week), scores, strict=True)
    ]


def test_changes_lifted_over_the_high_bound_by_incidents_are_no_shift() -> None:
    """A week whose usual moderate changes, eight at 57, are lifted to 62 (high risk) by their
    services' recent incidents holds nine high-risk changes against one, yet is no shift: by
    their own chances none of the eight is at high risk, and the changes are no riskier work
    than in the eight weeks before (the incident cards tell such a week)."""
    baseline = aggregate([c for w in range(1, 9) for c in _just_under(-w, 0)], weeks=8)
    this = aggregate(_just_under(0, 5), baseline=baseline)
    assert this.distribution.high_risk == 9
    assert "shift" not in severities(this, aggregate(_just_under(-1, 0)))


# --- rising signal driver ---------------------------------------------------------------------


def _driven(
    total: int, high: int, review: int, week: int = 0, *, signal: str = "review"
) -> list[WeekChange]:
    """``total`` changes over services of three, ``high`` of them high risk: the first
    ``review`` driven by ``signal`` (missing review), the others by size (the week's risk stays
    the same whichever signal drives it)."""
    return [
        change(
            f"s{n // 3}#{week}.{n}",
            f"s{n // 3}",
            Band.HIGH if n < high else Band.SAFE,
            week,
            drivers=(signal,) if n < review else ("size",) if n < high else (),
        )
        for n in range(total)
    ]


@pytest.mark.parametrize(
    ("this_count", "last_count", "expected"),
    [
        pytest.param(0, 0, None, id="no-driver"),
        pytest.param(2, 0, None, id="2-changes-below-min"),
        pytest.param(4, 0, W, id="4-after-none-beyond-its-week"),
        pytest.param(3, 2, None, id="rise-1-below-min"),
        pytest.param(4, 2, None, id="rise-2-within-the-noise-of-2"),
        pytest.param(7, 1, W, id="rise-6-beyond-the-noise-of-1"),
        pytest.param(5, 8, None, id="fell"),
    ],
)
def test_driver(this_count: int, last_count: int, expected: str | None) -> None:
    """A signal behind at least 3 high-risk changes, 2 more than last week, and more than last
    week's count makes likely at the driver rule's share of the false-alarm budget, is a
    warning; the week's high-risk changes are as many as last week's, so no shift tells it."""
    this = aggregate(_driven(60, 8, this_count))
    last = aggregate(_driven(60, 8, last_count, -1))
    driver_cards = {k: v for k, v in severities(this, last).items() if k.startswith("driver:")}
    assert driver_cards == ({"driver:review": expected} if expected else {})
    assert "shift" not in severities(this, last)


def test_recent_incidents_rising_as_a_driver_make_no_driver_card() -> None:
    """Services with recent incidents behind 7 high-risk changes after 1 is no driver card,
    where the review signal's same rise is one: it rises with the week's incidents, which the
    incident cards tell."""
    this = aggregate(_driven(60, 8, 7, signal="service_incidents"))
    last = aggregate(_driven(60, 8, 1, -1, signal="service_incidents"))
    assert severities(this, last) == {}
    this = aggregate(_driven(60, 8, 7))
    last = aggregate(_driven(60, 8, 1, -1))
    assert severities(this, last) == {"driver:review": W}


def test_a_driver_rising_after_one_quiet_week_is_read_against_the_weeks_before() -> None:
    """Review drove 4 high-risk changes after a week of none: beyond last week, but usual for
    the weeks before, where it drove 3 a week. After weeks of none it is a card."""
    this_changes = _driven(60, 4, 4)
    last = aggregate(_driven(60, 4, 0, -1))

    def baseline(per_week: int) -> WeekAggregate:
        # Last week (-1) drove none; the three before it drove ``per_week`` each.
        weeks = [_driven(60, 4, per_week if w > 1 else 0, -w) for w in (1, 2, 3, 4)]
        return aggregate([c for week in weeks for c in week], weeks=4)

    usual = aggregate(this_changes, baseline=baseline(3))
    assert not any(k.startswith("driver:") for k in severities(usual, last))
    new = aggregate(this_changes, baseline=baseline(0))
    assert severities(new, last).get("driver:review") == W


def test_a_young_historys_driver_is_read_over_the_weeks_it_worked() -> None:
    """Review drove 3 of 12 high-risk changes in each of the only two weeks a history has: 8 now
    is within its noise over two weeks, though beyond it were the eight-week baseline's six idle
    weeks counted as weeks of none. After eight such weeks, 8 is a card."""
    this_changes = _driven(60, 12, 8)
    last = aggregate(_driven(60, 12, 3, -1))

    def driver_cards(worked: int) -> dict[str, str]:
        history = [c for w in range(1, worked + 1) for c in _driven(60, 12, 3, -w)]
        this = aggregate(this_changes, baseline=aggregate(history, weeks=8))
        return {k: v for k, v in severities(this, last).items() if k.startswith("driver:")}

    assert driver_cards(2) == {}
    assert driver_cards(8) == {"driver:review": W}


def test_a_shift_names_its_driver_instead_of_a_driver_card() -> None:
    """When the whole scope shifted, its main driver is a fact of the shift card, not a card."""
    this = aggregate(spread(30, 8, drivers=("review",)))
    last = aggregate(spread(30, 0, -1, drivers=("review",)))
    (card,) = cards(this, last)
    assert card.kind is CardKind.SHIFT
    assert facts(card)[(FactKey.DRIVEN_BY, "review")] == 8


def test_a_shift_is_not_said_to_be_driven_by_recent_incidents() -> None:
    """A shift whose high-risk changes carry their services' recent incidents first names the
    signal of the changes themselves after it."""
    this = aggregate(spread(30, 8, drivers=("service_incidents", "timing")))
    last = aggregate(spread(30, 0, -1, drivers=("timing",)))
    (card,) = cards(this, last)
    assert card.kind is CardKind.SHIFT
    assert card.driver == "timing"


@pytest.mark.parametrize(
    ("payments_high", "payments_drivers", "elsewhere", "expected"),
    [
        pytest.param(
            5, ("codeowners", "review"), 2, None, id="changes-in-concentration-not-counted"
        ),
        pytest.param(5, ("codeowners", "review"), 4, (4, 0), id="four-outside-concentration"),
        pytest.param(5, ("review",), 4, None, id="named-by-a-fired-concentration"),
        pytest.param(2, ("review",), 1, (3, 2), id="unfired-concentration-hides-nothing"),
    ],
)
def test_driver_and_concentrations(
    payments_high: int,
    payments_drivers: tuple[str, ...],
    elsewhere: int,
    expected: tuple[int, int] | None,
) -> None:
    """A driver counts only changes outside fired concentrations and is not one they name
    (last week held as many high-risk changes, driven by size, so no shift tells them)."""
    this = aggregate(
        [
            *mix("payments", 8, payments_high, drivers=payments_drivers),
            *spread(30, elsewhere, drivers=("review",)),
        ]
    )
    last = aggregate(
        [*mix("payments", 8, 0, -1), *spread(30, payments_high + elsewhere, -1, drivers=("size",))]
    )
    found = {c.id: c for c in cards(this, last)}
    assert "shift" not in found
    if expected is None:
        assert "driver:review" not in found
        return
    count, from_payments = expected
    card = found["driver:review"]
    assert card.severity is Severity.WARNING
    assert facts(card)[FactKey.DRIVEN_THIS_WEEK] == count
    assert len(card.evidence) == count
    assert sum(e.key.startswith("payments#") for e in card.evidence) == from_payments


# --- incidents after high-risk deploys --------------------------------------------------------


@pytest.mark.parametrize(
    ("deploy_band", "hours_after", "expected"),
    [
        pytest.param(Band.HIGH, 1.5, C, id="high-deploy"),
        pytest.param(Band.CRITICAL, 1.5, C, id="critical-deploy"),
        pytest.param(Band.MODERATE, 1.5, None, id="moderate-deploy"),
        pytest.param(Band.SAFE, 1.5, None, id="safe-deploy"),
        pytest.param(Band.HIGH, 24.0, C, id="exactly-24h-after"),
        pytest.param(Band.HIGH, 24.5, None, id="24.5h-after"),
        pytest.param(None, 1.5, None, id="no-linked-deploy"),
    ],
)
def test_incident_after_risky_deploy(
    deploy_band: Band | None, hours_after: float, expected: str | None
) -> None:
    """An incident within 24 hours of a high or critical deploy it is linked to is critical."""
    (deploy,) = deploys("checkout", 1, 0, band=deploy_band or Band.SAFE)
    opened = deploy.finished_at + timedelta(hours=hours_after)
    inc = incident("INC-7", "checkout", opened, 90, deploy if deploy_band else None)
    this = aggregate(spread(30, 0), [deploy], [inc])
    last = aggregate(spread(30, 0, -1))
    assert severities(this, last).get("incident:INC-7") == expected


def test_an_incident_after_one_of_many_ordinary_high_deploys_makes_no_card() -> None:
    """A high deploy of a service whose deploys are often high risk is no finding for coming
    last before an incident, nor is a revert of what it shipped; a very-high-risk one, above
    every other deploy of its service, still is."""
    usual = [*deploys("checkout", 6, 0, -1, Band.HIGH), *deploys("checkout", 6, 0, -2)]
    baseline = aggregate(spread(30, 0, -1), usual, weeks=4)
    last = aggregate(spread(30, 0, -1))
    for band, key, expected in (
        (Band.HIGH, "INC-7", None),
        (Band.CRITICAL, "INC-7", C),
        (Band.HIGH, "revert:acme/shop#9", None),
        (Band.CRITICAL, "revert:acme/shop#9", C),
    ):
        (deploy,) = deploys("checkout", 1, 0, band=band)
        inc = incident(key, "checkout", deploy.finished_at + timedelta(hours=2), 60, deploy)
        this = aggregate(spread(30, 0), [deploy], [inc], baseline=baseline)
        assert severities(this, last).get(f"incident:{key}") == expected, (band, key)
    # With the service's deploys seldom high risk, the same high deploy is a finding.
    (deploy,) = deploys("checkout", 1, 0, band=Band.HIGH)
    inc = incident("INC-7", "checkout", deploy.finished_at + timedelta(hours=2), 60, deploy)
    seldom = aggregate(spread(30, 0, -1), deploys("checkout", 12, 0, -1), weeks=4)
    this = aggregate(spread(30, 0), [deploy], [inc], baseline=seldom)
    assert severities(this, last).get("incident:INC-7") == C


def _deploy(
    key: str, score: int, band: Band, week: int = 0, hour: float = 10, gates: tuple[str, ...] = ()
) -> ScoredDeploy:
    return ScoredDeploy(
        f"deploy:checkout:{key}", "checkout", at(week, hour), score, band, True, gates
    )


def _usual_deploys(scores: list[tuple[int, Band]], empty: int = 0) -> WeekAggregate:
    """A baseline of checkout deploys scoring ``scores``, besides ``empty`` that shipped nothing."""
    made = [_deploy(f"b{n}", s, b, -1 - n % 3, 10 + n) for n, (s, b) in enumerate(scores)]
    made += [_deploy(f"e{n}", 20, Band.SAFE, -1 - n % 3, 40 + n) for n in range(empty)]
    return aggregate(spread(30, 0, -1), made, weeks=4)


def _incident_card(
    deploy: ScoredDeploy,
    baseline: WeekAggregate | None,
    shipped: tuple[WeekChange, ...] = (),
    key: str = "INC-7",
) -> str | None:
    inc = incident(key, "checkout", deploy.finished_at + timedelta(hours=2), 60, deploy, shipped)
    this = aggregate(spread(30, 0), [deploy], [inc], baseline=baseline)
    return severities(this, aggregate(spread(30, 0, -1))).get(f"incident:{key}")


def test_an_incident_after_a_deploy_whose_changes_scored_75_and_76_makes_a_card() -> None:
    """A deploy shipping two changes very high for their history (75 and 76) reads very high
    itself (the chance one of them needs a fix) and is the riskiest deploy of its service in
    five weeks: the incident after it is a card (issue 49: such a story was lost)."""
    ordinary = _usual_deploys([(50 + n % 6, Band.SAFE) for n in range(12)], empty=10)
    deploy = _deploy("d", 81, Band.CRITICAL)
    shipped = (
        replace(change("c#75", "checkout", Band.CRITICAL), score=75, human_reviewed=True),
        replace(change("c#76", "checkout", Band.CRITICAL), score=76, human_reviewed=True),
    )
    assert _incident_card(deploy, ordinary, shipped) == C
    # Its changes ordinary for their history, the deploy as ordinary as its service's others.
    calm = tuple(replace(c, band=Band.SAFE, score=50) for c in shipped)
    assert _incident_card(_deploy("d", 53, Band.SAFE), ordinary, calm) is None


def test_an_incident_after_an_ordinary_high_deploy_of_its_service_makes_no_card() -> None:
    """A high deploy that is not its service's riskiest over the week and the baseline weeks is
    one of many ordinary ones, however many of the service's deploys shipped nothing (those
    diluted the share the rule used to read: 6 high of 27 is under a quarter)."""
    often_high = _usual_deploys([(72, Band.HIGH)] * 6, empty=20)
    assert _incident_card(_deploy("d", 70, Band.HIGH), often_high) is None
    # The same deploy scoring clearly above every other of its service is the finding.
    assert _incident_card(_deploy("d", 77, Band.HIGH), often_high) == C


def test_an_incident_after_a_deploy_a_point_or_two_above_its_service_s_others_is_no_card() -> None:
    """Of a service's few dozen deploys one is always the riskiest, usually by a point or two:
    a steady incident after it is a coincidence, not a finding (held-out seed 330,214,828: a 66
    after a 65 in nine weeks). Its odds of needing a fix must be at least 1.5 times the riskiest
    other's (5 whole points with the shipped model's 10 points a logit)."""
    usual = _usual_deploys([(60 + n % 6, Band.HIGH) for n in range(30)], empty=30)
    assert _incident_card(_deploy("d", 66, Band.HIGH), usual) is None
    assert _incident_card(_deploy("d", 68, Band.HIGH), usual) is None
    assert _incident_card(_deploy("d", 70, Band.HIGH), usual) == C


def test_an_incident_after_a_deploy_lifted_only_by_the_active_incident_gate_makes_no_card() -> None:
    """A deploy very high only because another incident was open when it finished (it shipped
    nothing) says nothing of what it shipped; one that shipped a very-high change unusual for
    its service still makes the card."""
    ordinary = _usual_deploys([(55, Band.SAFE)] * 8)
    lifted = _deploy("d", 84, Band.CRITICAL, gates=("active_incident",))
    assert _incident_card(lifted, ordinary) is None
    migration = change("m#1", "checkout", Band.CRITICAL, gates=("schema_migration",))
    assert _incident_card(lifted, ordinary, (migration,)) == C


def test_an_incident_after_a_deploy_shipping_a_routine_migration_is_judged_by_the_deploy() -> None:
    """A reviewed migration of a service that migrates every week or two does not make the
    deploy that shipped it stand out; an unusual one does."""
    ordinary = _usual_deploys([(55, Band.SAFE)] * 8)
    earlier = change("m#0", "checkout", Band.CRITICAL, -2, gates=("schema_migration",))
    migrates = aggregate([*spread(30, 0, -1), earlier], ordinary.deploys, weeks=4)
    routine = change(
        "m#1", "checkout", Band.CRITICAL, gates=("schema_migration",), ungated_score=35
    )
    deploy = _deploy("d", 54, Band.SAFE)
    assert _incident_card(deploy, migrates, (routine,)) is None
    assert _incident_card(deploy, ordinary, (routine,)) == C


def test_a_revert_after_an_ordinary_deploy_makes_no_card() -> None:
    """A revert is a change that failed, which the change failure rate counts; after a deploy
    ordinary for its service it is no finding, after one above every other it is."""
    ordinary = _usual_deploys([(60, Band.HIGH)] * 8)
    assert _incident_card(_deploy("d", 59, Band.MODERATE), ordinary, key="revert:a#9") is None
    assert _incident_card(_deploy("d", 60, Band.HIGH), ordinary, key="revert:a#9") is None
    assert _incident_card(_deploy("d", 66, Band.HIGH), ordinary, key="revert:a#9") == C


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        pytest.param(
            90, {FactKey.HOURS_TO_INCIDENT: 2.5, FactKey.MINUTES_TO_RESOLVE: 90}, id="resolved"
        ),
        pytest.param(None, {FactKey.HOURS_TO_INCIDENT: 2.5}, id="still-open"),
    ],
)
def test_incident_card_facts(minutes: float | None, expected: dict[FactKey, float]) -> None:
    """An incident card gives hours since the deploy, minutes to resolve if known, and both keys."""
    (deploy,) = deploys("checkout", 1, 0, band=Band.HIGH)
    inc = incident("INC-7", "checkout", at(0, 4.5), minutes, deploy)
    (card,) = cards(aggregate(spread(30, 0), [deploy], [inc]), aggregate(spread(30, 0, -1)))
    assert facts(card) == expected
    assert card.evidence == (
        Evidence(EvidenceKind.INCIDENT, "INC-7"),
        Evidence(EvidenceKind.DEPLOY, deploy.key),
    )
    assert card.subject == "checkout"


# --- MTTR ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "now", "expected"),
    [
        pytest.param([60, 60], [90, 90], W, id="exactly-1.5x-and-exactly-30min"),
        pytest.param([60, 60], [89, 89], None, id="1.48x-and-29min"),
        pytest.param([40, 40], [60, 60], None, id="1.5x-but-20min"),
        pytest.param([20, 20], [49, 49], None, id="2.45x-but-29min"),
        pytest.param([40, 40], [119, 119], W, id="2.98x-just-below-critical"),
        pytest.param([40, 40], [120, 120], C, id="exactly-3x"),
        pytest.param([30, 50], [100, 140], C, id="medians-40-vs-120"),
        pytest.param([40, 40], [120, 120, None], C, id="open-incident-not-in-median"),
        pytest.param([], [120, 120], None, id="none-resolved-last-week"),
        pytest.param([40, 40], [None], None, id="none-resolved-this-week"),
        pytest.param([120], [40, 40], None, id="faster"),
        # One incident is not a trend: both weeks need two resolved.
        pytest.param([29.1, 29.1], [74.6], None, id="1-resolved-this-week-below-min"),
        pytest.param([29.1], [74.6, 74.6], None, id="1-resolved-last-week-below-min"),
        pytest.param([40, 40, None], [120, None], None, id="open-ones-do-not-count"),
    ],
)
def test_mttr(before: list[float | None], now: list[float | None], expected: str | None) -> None:
    """MTTR 30 min and 1.5x worse, 2+ resolved incidents a week, is a warning; 3x critical."""

    def week(minutes: list[float | None], n: int) -> WeekAggregate:
        return aggregate(
            spread(30, 0, n),
            [],
            [incident(f"INC-{n}.{i}", "s0", at(n, 10 + i), m) for i, m in enumerate(minutes)],
        )

    assert severities(week(now, 0), week(before, -1)) == ({"mttr": expected} if expected else {})


def _incident_week(minutes: list[float | None], n: int) -> WeekAggregate:
    return aggregate(
        spread(30, 0, n),
        [],
        [incident(f"INC-{n}.{i}", "s0", at(n, 10 + i), m) for i, m in enumerate(minutes)],
    )


@pytest.mark.parametrize(
    ("before", "now", "expected"),
    [
        pytest.param([90, 90], [60, 60], INFO, id="exactly-1.5x-and-exactly-30min-faster"),
        pytest.param([89, 89], [59, 59], INFO, id="30min-and-1.51x-faster"),
        pytest.param([91, 91], [61, 61], None, id="30min-but-1.49x-faster"),
        pytest.param([120, 120], [60, 60], INFO, id="2x-faster"),
        pytest.param([60, 60], [40, 40], None, id="1.5x-but-20min-faster"),
        pytest.param([90, 90], [61, 61], None, id="29min-faster"),
        pytest.param([90, 90], [0, 0], INFO, id="resolved-at-once"),
        pytest.param([90], [60, 60], None, id="1-resolved-last-week-below-min"),
        pytest.param([90, 90], [60], None, id="1-resolved-this-week-below-min"),
        pytest.param([90, 90], [60, 60, None], INFO, id="open-incident-not-counted"),
        pytest.param([90, None], [60, 60], None, id="open-incident-not-a-resolved-one"),
        pytest.param([80, 90, 100], [50, 60, 70], INFO, id="3-each-medians-90-vs-60"),
        pytest.param([60, 60], [90, 90], W, id="slower-is-the-other-card"),
    ],
)
def test_mttr_improved(
    before: list[float | None], now: list[float | None], expected: str | None
) -> None:
    """MTTR 30 minutes and 1.5 times faster, 2 resolved incidents each week, is an info card."""
    found = severities(_incident_week(now, 0), _incident_week(before, -1))
    if expected == W:
        assert found == {"mttr": W}
    else:
        assert found == ({"mttr:improved": expected} if expected else {})


# --- change failure rate --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "failed", "before", "failed_before", "expected"),
    [
        pytest.param(10, 1, 10, 0, None, id="one-failed-deploy-is-not-enough"),
        pytest.param(10, 2, 10, 1, W, id="10pp-exactly-2-failed"),
        pytest.param(20, 3, 20, 1, W, id="10pp-exactly-3-failed"),
        pytest.param(21, 2, 21, 0, None, id="9.5pp-just-below-warning"),
        pytest.param(9, 3, 9, 1, W, id="22.2pp-warning"),
        pytest.param(8, 2, 8, 0, C, id="25pp-exactly-critical"),
        pytest.param(6, 5, 12, 7, C, id="25pp-exactly-critical-83.3-vs-58.3"),
        pytest.param(4, 2, 4, 0, C, id="4-deploys-at-min"),
        pytest.param(3, 2, 3, 0, None, id="3-deploys-below-min"),
        pytest.param(10, 3, 10, 3, None, id="unchanged"),
        pytest.param(10, 2, 0, 0, None, id="no-deploys-last-week"),
    ],
)
def test_change_failure_rate(
    now: int, failed: int, before: int, failed_before: int, expected: str | None
) -> None:
    """The failure rate up 10 points is a warning, 25 critical, given 4 deploys and 2 failures."""
    this = aggregate(spread(30, 0), deploys("s0", now, failed))
    last = aggregate(spread(30, 0, -1), deploys("s0", before, failed_before, -1))
    assert severities(this, last) == ({"cfr": expected} if expected else {})


def test_cfr_counts_deploys_with_linked_incidents_as_failed() -> None:
    """Two succeeded deploys with linked incidents are two failures and make the card."""
    this_deploys = deploys("s0", 10, 0)
    incs = [incident(f"INC-{n}", "s0", at(0, 50 + n), None, this_deploys[n]) for n in range(2)]
    this = aggregate(spread(30, 0), this_deploys, incs)
    last = aggregate(spread(30, 0, -1), deploys("s0", 10, 0, -1))
    (card,) = cards(this, last)
    assert (card.kind, card.severity) == (CardKind.CFR, Severity.WARNING)
    assert facts(card)[FactKey.FAILED_DEPLOYS_THIS_WEEK] == 2


@pytest.mark.parametrize(
    ("deploys_this_week", "failed", "expected"),
    [
        pytest.param(20, 2, {}, id="10pct-below-min-rate"),
        pytest.param(20, 3, {"cfr": W}, id="15pct-at-min-rate"),
        pytest.param(10, 2, {"cfr": W}, id="20pct"),
    ],
)
def test_cfr_needs_a_rate_above_the_best_performers(
    deploys_this_week: int, failed: int, expected: dict[str, str]
) -> None:
    """A rate that rose 10 points but stays under `cfr_min_rate` (15 %) makes no card."""
    this = aggregate(spread(30, 0), deploys("s0", deploys_this_week, failed))
    last = aggregate(spread(30, 0, -1), deploys("s0", 20, 0, -1))
    assert severities(this, last) == expected


@pytest.mark.parametrize(
    ("min_failed", "expected"),
    [
        pytest.param(1, {"cfr": W}, id="1-fires-on-one-failure"),
        pytest.param(2, {}, id="2-default"),
    ],
)
def test_cfr_min_failed_deploys_is_a_rule(min_failed: int, expected: dict[str, str]) -> None:
    """`cfr_min_failed_deploys` can be overridden like every other `[scoring.rules]` key."""
    overrides = {"cfr_min_failed_deploys": min_failed, "cfr_min_rate": 5.0}
    rules = ScoringConfig().with_overrides({"rules": overrides}).rules
    this = aggregate(spread(30, 0), deploys("s0", 10, 1))
    last = aggregate(spread(30, 0, -1), deploys("s0", 10, 0, -1))
    assert severities(this, last, rules) == expected


@pytest.mark.parametrize(
    ("now", "failed", "before", "failed_before", "expected"),
    [
        pytest.param(10, 0, 10, 2, INFO, id="20pp-2-fewer-failed"),
        pytest.param(20, 1, 20, 3, INFO, id="10pp-exactly-2-fewer-failed"),
        pytest.param(21, 0, 21, 2, None, id="9.5pp-just-below"),
        pytest.param(10, 1, 10, 2, None, id="10pp-but-1-fewer-failed"),
        pytest.param(10, 1, 10, 4, INFO, id="30pp-3-fewer-failed"),
        pytest.param(3, 0, 10, 3, None, id="3-deploys-this-week-below-min"),
        pytest.param(4, 0, 10, 3, INFO, id="4-deploys-this-week-at-min"),
        pytest.param(10, 0, 3, 2, None, id="3-deploys-last-week-below-min"),
        pytest.param(10, 0, 4, 2, INFO, id="4-deploys-last-week-at-min"),
        pytest.param(10, 0, 5, 2, INFO, id="5-deploys-last-week-above-min"),
        pytest.param(10, 0, 0, 0, None, id="no-deploys-last-week"),
        pytest.param(0, 0, 10, 3, None, id="no-deploys-this-week"),
        pytest.param(10, 3, 10, 3, None, id="unchanged"),
    ],
)
def test_change_failure_rate_improved(
    now: int, failed: int, before: int, failed_before: int, expected: str | None
) -> None:
    """The rate down 10 points, 2 fewer failures, 4 deploys each week, is an info card."""
    this = aggregate(spread(30, 0), deploys("s0", now, failed))
    last = aggregate(spread(30, 0, -1), deploys("s0", before, failed_before, -1))
    assert severities(this, last) == ({"cfr:improved": expected} if expected else {})


# --- CODEOWNERS coverage ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "now", "expected"),
    [
        pytest.param((20, 20), (19, 20), None, id="5pp-no-card"),
        pytest.param((20, 20), (18, 20), W, id="10pp-exactly-warning"),
        pytest.param((20, 20), (16, 20), W, id="20pp-warning"),
        pytest.param((20, 20), (15, 20), C, id="25pp-exactly-critical"),
        pytest.param((25, 30), (35, 60), C, id="25pp-exactly-critical-83.3-vs-58.3"),
        pytest.param((19, 20), (20, 20), None, id="coverage-rose"),
        pytest.param((0, 0), (0, 20), None, id="no-owner-data-last-week"),
        pytest.param((20, 20), (0, 0), None, id="no-owner-data-this-week"),
        pytest.param((1, 1), (0, 1), None, id="one-unowned-file-after-one-owned"),
        pytest.param((20, 20), (15, 19), None, id="19-files-this-week-below-min"),
        pytest.param((19, 19), (15, 20), None, id="19-files-last-week-below-min"),
        pytest.param((20, 20), (15, 20), C, id="20-files-each-week-at-min"),
        pytest.param((21, 21), (16, 21), W, id="21-files-each-week-above-min"),
    ],
)
def test_codeowners(before: tuple[int, int], now: tuple[int, int], expected: str | None) -> None:
    """Coverage falling 10 points is a warning, 25 critical, given 20 touched files each week."""

    def week(owned: tuple[int, int], n: int) -> WeekAggregate:
        files = change(
            f"docs#{n}",
            "docs",
            Band.SAFE,
            n,
            files_with_owner=owned[0],
            files_with_owner_data=owned[1],
        )
        return aggregate([*spread(30, 0, n), files])

    expected_cards = {"codeowners": expected} if expected else {}
    assert severities(week(now, 0), week(before, -1)) == expected_cards


def _owned_services(owned: dict[str, tuple[int, int]], n: int) -> WeekAggregate:
    """A week whose services' changed files have ``owned`` (with an owner, with data) each."""
    return aggregate(
        [
            *spread(30, 0, n),
            *(
                change(f"{s}#{n}", s, Band.SAFE, n, files_with_owner=o, files_with_owner_data=d)
                for s, (o, d) in owned.items()
            ),
        ]
    )


_FULL = {"a": (30, 30), "b": (30, 30), "c": (30, 30), "d": (30, 30)}


@pytest.mark.parametrize(
    ("now", "expected", "lost"),
    [
        pytest.param({**_FULL, "e": (0, 9), "f": (0, 8)}, C, 2, id="two-services-lost-every-owner"),
        pytest.param({**_FULL, "e": (0, 20)}, C, 1, id="one-service-lost-every-owner"),
        pytest.param({**_FULL, "e": (1, 10), "f": (0, 8)}, C, 2, id="one-of-ten-is-unowned"),
        pytest.param({**_FULL, "e": (2, 10), "f": (2, 8)}, W, None, id="a-fifth-owned-is-not-none"),
        pytest.param({**_FULL, "e": (0, 4), "f": (0, 4)}, None, None, id="too-few-files-no-card"),
        pytest.param(
            {**_FULL, "e": (10, 10), "f": (10, 10), "g": (0, 24)},
            W,
            None,
            id="a-new-service-lost-none",
        ),
    ],
)
def test_a_service_that_lost_every_code_owner_makes_the_drop_critical(
    now: dict[str, tuple[int, int]], expected: str | None, lost: int | None
) -> None:
    """Services whose changed files were owned last week and none are now make the card critical,
    however small a share of the week's files they hold (a 14–20 point fall here)."""
    before = {**_FULL, "e": (10, 10), "f": (10, 10)}
    this, last = _owned_services(now, 0), _owned_services(before, -1)
    found = {c.id: c for c in cards(this, last)}
    assert {k: c.severity.value for k, c in found.items()} == (
        {"codeowners": expected} if expected else {}
    )
    if expected:
        card = found["codeowners"]
        assert facts(card).get(FactKey.SERVICES_WITHOUT_OWNER) == lost
        assert card.subject == ("e" if lost == 1 else None)


def test_a_service_that_was_partly_owned_does_not_count_as_lost() -> None:
    """A service whose changed files were under nine in ten owned last week is not one that lost
    its owners when none are now: its coverage was already partial."""
    before = {**_FULL, "e": (16, 20), "f": (10, 10)}
    now = {**_FULL, "e": (0, 20), "f": (10, 10)}
    [card] = list(cards(_owned_services(now, 0), _owned_services(before, -1)))
    assert (card.kind, card.severity) == (CardKind.CODEOWNERS, Severity.WARNING)
    assert FactKey.SERVICES_WITHOUT_OWNER not in facts(card)


def _owned_week(owned: tuple[int, int], n: int) -> WeekAggregate:
    files = change(
        f"docs#{n}", "docs", Band.SAFE, n, files_with_owner=owned[0], files_with_owner_data=owned[1]
    )
    return aggregate([*spread(30, 0, n), files])


@pytest.mark.parametrize(
    ("before", "now", "expected"),
    [
        pytest.param((18, 20), (19, 20), None, id="5pp-rise-no-card"),
        pytest.param((16, 20), (19, 20), INFO, id="15pp-rise"),
        pytest.param((18, 20), (20, 20), INFO, id="10pp-exactly"),
        pytest.param((35, 60), (25, 30), INFO, id="25pp-58.3-to-83.3"),
        pytest.param((0, 1), (1, 1), None, id="one-owned-file-after-one-unowned"),
        pytest.param((18, 20), (19, 19), None, id="19-files-this-week-below-min"),
        pytest.param((17, 19), (20, 20), None, id="19-files-last-week-below-min"),
        pytest.param((19, 21), (21, 21), None, id="21-files-each-week-9.5pp-below"),
        pytest.param((18, 21), (21, 21), INFO, id="21-files-each-week-14.3pp-above"),
        pytest.param((20, 20), (18, 20), W, id="fell-is-the-other-card"),
    ],
)
def test_codeowners_improved(
    before: tuple[int, int], now: tuple[int, int], expected: str | None
) -> None:
    """Coverage rising 10 points over 20 or more touched files each week is an info card."""
    found = severities(_owned_week(now, 0), _owned_week(before, -1))
    if expected == W:
        assert found == {"codeowners": W}
    else:
        assert found == ({"codeowners:improved": expected} if expected else {})


# --- AI-agent changes without human review --------------------------------------------------------


def _agent_week(unreviewed_safe: int, unreviewed_high: int, reviewed: int) -> WeekAggregate:
    agent: list[WeekChange] = [
        *(
            change(f"bot#u{n}", f"bot{n}", Band.SAFE, agent_involved=True, human_reviewed=False)
            for n in range(unreviewed_safe)
        ),
        *(
            change(f"bot#h{n}", f"bot{n}", Band.HIGH, agent_involved=True, human_reviewed=False)
            for n in range(unreviewed_high)
        ),
        *(
            change(f"bot#r{n}", f"bot{n}", Band.SAFE, agent_involved=True, human_reviewed=True)
            for n in range(reviewed)
        ),
    ]
    return aggregate([*spread(60, 0), *agent])


@pytest.mark.parametrize(
    ("unreviewed_safe", "unreviewed_high", "reviewed", "expected"),
    [
        pytest.param(0, 0, 3, None, id="all-reviewed"),
        pytest.param(1, 0, 0, W, id="1-unreviewed-warning"),
        pytest.param(3, 0, 0, W, id="3-unreviewed-none-high-risk-warning"),
        pytest.param(6, 0, 2, W, id="6-unreviewed-none-high-risk-warning"),
        pytest.param(0, 1, 0, W, id="1-unreviewed-high-risk-below-critical-count"),
        pytest.param(1, 1, 0, W, id="2-unreviewed-1-high-risk"),
        pytest.param(2, 1, 0, C, id="3-unreviewed-1-high-risk-critical"),
        pytest.param(0, 3, 5, C, id="3-unreviewed-all-high-risk-critical"),
    ],
)
def test_agent_unreviewed(
    unreviewed_safe: int, unreviewed_high: int, reviewed: int, expected: str | None
) -> None:
    """Unreviewed agent changes are a warning; critical from 3 if at least one is high risk."""
    this = _agent_week(unreviewed_safe, unreviewed_high, reviewed)
    last = aggregate(spread(60, 0, -1))
    assert severities(this, last).get("agent:unreviewed") == expected


def test_unreviewed_human_changes_make_no_agent_card() -> None:
    """Only AI-agent changes count: a human's change merged without approval makes no agent card."""
    alone = [change(f"h#{n}", "search", Band.SAFE, human_reviewed=False) for n in range(5)]
    this = aggregate([*spread(30, 0), *alone])
    assert "agent:unreviewed" not in severities(this, aggregate(spread(30, 0, -1)))


@pytest.mark.parametrize(
    ("unreviewed_safe", "unreviewed_high", "reviewed"),
    [
        pytest.param(3, 0, 0, id="none-high-risk"),
        pytest.param(2, 1, 4, id="one-high-risk-some-reviewed"),
    ],
)
def test_agent_card_keeps_its_counts(
    unreviewed_safe: int, unreviewed_high: int, reviewed: int
) -> None:
    """The agent card counts unreviewed, all and high-risk unreviewed agent changes."""
    this = _agent_week(unreviewed_safe, unreviewed_high, reviewed)
    card = {c.id: c for c in cards(this, aggregate(spread(60, 0, -1)))}["agent:unreviewed"]
    agents = unreviewed_safe + unreviewed_high + reviewed
    assert facts(card) == {
        FactKey.AGENTS_UNREVIEWED: unreviewed_safe + unreviewed_high,
        FactKey.AGENTS_THIS_WEEK: agents,
        FactKey.AGENT_SHARE: round(100 * agents / (60 + agents), 1),
        FactKey.AGENTS_UNREVIEWED_HIGH_RISK: unreviewed_high,
    }
    assert ids(card) == tuple(c.key for c in this.agent_unreviewed)


def _agents_last_week(unreviewed: int) -> WeekAggregate:
    agent = [
        change(f"bot#l{n}", f"bot{n}", Band.SAFE, -1, agent_involved=True, human_reviewed=False)
        for n in range(unreviewed)
    ]
    return aggregate([*spread(60, 0, -1), *agent])


@pytest.mark.parametrize(
    ("unreviewed_before", "reviewed", "unreviewed", "expected"),
    [
        pytest.param(1, 3, 0, INFO, id="3-reviewed-at-min-after-1-unreviewed"),
        pytest.param(2, 4, 0, INFO, id="4-reviewed-above-min"),
        pytest.param(1, 2, 0, None, id="2-reviewed-below-min"),
        pytest.param(0, 3, 0, None, id="none-unreviewed-last-week-is-no-news"),
        pytest.param(1, 3, 1, W, id="one-still-unreviewed-is-the-other-card"),
    ],
)
def test_agents_reviewed(
    unreviewed_before: int, reviewed: int, unreviewed: int, expected: str | None
) -> None:
    """Every one of 3 or more agent changes reviewed, after unreviewed ones last week, is info."""
    found = severities(_agent_week(unreviewed, 0, reviewed), _agents_last_week(unreviewed_before))
    if expected == W:
        assert found == {"agent:unreviewed": W}
    else:
        assert found == ({"agent:reviewed": expected} if expected else {})


# --- a team improved ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last_total", "last_high", "total", "high", "expected"),
    [
        pytest.param(8, 3, 8, 0, INFO, id="37.5pp-drop"),
        pytest.param(20, 3, 20, 0, INFO, id="15pp-exactly"),
        pytest.param(12, 5, 15, 4, INFO, id="15pp-exactly-41.7-vs-26.7"),
        pytest.param(14, 2, 14, 0, None, id="14.3pp-just-below"),
        pytest.param(8, 3, 4, 0, None, id="4-changes-below-min"),
        pytest.param(8, 3, 5, 0, INFO, id="5-changes-at-min"),
        pytest.param(0, 0, 8, 0, None, id="team-new-this-week"),
        pytest.param(8, 0, 8, 1, None, id="got-worse"),
        pytest.param(1, 1, 8, 0, None, id="one-high-risk-change-last-week-is-no-baseline"),
        pytest.param(4, 1, 8, 0, None, id="4-changes-last-week-below-min"),
        pytest.param(5, 1, 8, 0, INFO, id="5-changes-last-week-at-min"),
        pytest.param(6, 1, 8, 0, INFO, id="6-changes-last-week-above-min"),
    ],
)
def test_improvement(
    last_total: int, last_high: int, total: int, high: int, expected: str | None
) -> None:
    """A team cutting its high-risk share 15 points, 5 changes in each week, gets an info card."""
    this = aggregate([*mix("search", total, high, team="find"), *spread(60, 0)])
    last = aggregate([*mix("search", last_total, last_high, -1, team="find"), *spread(60, 0, -1)])
    assert severities(this, last) == ({"improvement:find": expected} if expected else {})


# --- ordering and facts -------------------------------------------------------------------------


def _busy() -> tuple[WeekAggregate, WeekAggregate]:
    """A week that sets off every kind of card, and the steady week before it."""
    (risky,) = deploys("payments", 1, 0, band=Band.HIGH)
    this = aggregate(
        [
            *mix("payments", 8, 5, drivers=("codeowners",)),
            *mix("checkout", 8, 4, drivers=("codeowners",)),
            *spread(60, 15, drivers=("review",)),
            *(
                change(f"bot#{n}", "bots", band, agent_involved=True, human_reviewed=False)
                for n, band in enumerate((Band.HIGH, Band.SAFE, Band.SAFE))
            ),
            *mix("search", 8, 0, team="find"),
            change("docs#0", "docs", Band.SAFE, files_with_owner=16, files_with_owner_data=20),
        ],
        [risky, *deploys("payments", 20, 3)],
        [
            incident("INC-1", "payments", risky.finished_at + timedelta(hours=2), 300, risky),
            incident("INC-2", "payments", at(0, 40), 300),
            # A third slow one: the MTTR rise holds without INC-1, so it keeps its own card.
            incident("INC-3", "payments", at(0, 50), 300),
        ],
    )
    last = aggregate(
        [
            *mix("payments", 8, 0, -1),
            *mix("checkout", 8, 0, -1),
            *spread(60, 0, -1),
            *mix("search", 8, 3, -1, team="find"),
            change("docs#-1", "docs", Band.SAFE, -1, files_with_owner=20, files_with_owner_data=20),
        ],
        deploys("payments", 10, 0, -1),
        [
            incident("INC-0", "payments", at(-1, 30), 40),
            incident("INC-00", "payments", at(-1, 40), 40),
        ],
    )
    return this, last


def test_cards_are_ordered_by_severity_then_kind() -> None:
    """Cards run critical → warning → info, and within a severity in the documented kind order."""
    this, last = _busy()
    assert [(c.severity.value, c.id) for c in cards(this, last)] == [
        (C, "concentration:checkout"),
        (C, "concentration:payments"),
        (C, "incident:INC-1"),
        (C, "agent:unreviewed"),
        (C, "mttr"),
        (C, "shift"),
        (W, "cfr"),
        (W, "codeowners"),
        (INFO, "improvement:find"),
    ]


def test_severity_counts_match_the_cards() -> None:
    """The severity counts of the first line count the cards of each severity."""
    this, last = _busy()
    assert severity_counts(cards(this, last)) == {
        Severity.CRITICAL: 6,
        Severity.WARNING: 2,
        Severity.INFO: 1,
    }


def _warnings() -> tuple[WeekAggregate, WeekAggregate]:
    """A week where every kind of card but the incident and the concentration is a warning, and
    the week before."""
    return (
        aggregate(
            [
                *mix("checkout", 8, 4, drivers=("codeowners",)),
                *spread(60, 10, drivers=("review",)),
                change("bot#0", "bots", Band.SAFE, agent_involved=True, human_reviewed=False),
                *mix("search", 8, 0, team="find"),
                change("docs#0", "docs", Band.SAFE, files_with_owner=16, files_with_owner_data=20),
            ],
            deploys("checkout", 20, 3),
            [
                incident("INC-1", "checkout", at(0, 30), 80),
                incident("INC-2", "checkout", at(0, 40), 80),
            ],
        ),
        aggregate(
            [
                *mix("checkout", 8, 0, -1),
                *spread(60, 0, -1),
                *mix("search", 8, 3, -1, team="find"),
                change(
                    "docs#-1", "docs", Band.SAFE, -1, files_with_owner=20, files_with_owner_data=20
                ),
            ],
            deploys("checkout", 20, 0, -1),
            [
                incident("INC-0", "checkout", at(-1, 30), 40),
                incident("INC-00", "checkout", at(-1, 40), 40),
            ],
        ),
    )


def test_cards_of_one_severity_follow_the_documented_kind_order() -> None:
    """Within a severity, cards follow the documented kind order (incidents are always critical)."""
    assert [(c.severity.value, c.id) for c in cards(*_warnings())] == [
        # From none to four high-risk changes in eight: over 2.5 times its usual, critical.
        (C, "concentration:checkout"),
        (W, "agent:unreviewed"),
        (W, "mttr"),
        (W, "cfr"),
        (W, "shift"),
        (W, "codeowners"),
        (INFO, "improvement:find"),
    ]


def _two_concentrations() -> tuple[WeekAggregate, WeekAggregate]:
    return (
        aggregate([*mix("search", 8, 4), *mix("checkout", 8, 5), *spread(30, 0)]),
        aggregate([*mix("search", 8, 0, -1), *mix("checkout", 8, 0, -1), *spread(30, 0, -1)]),
    )


def _two_incidents() -> tuple[WeekAggregate, WeekAggregate]:
    # INC-2 opens before INC-1: the order is by id, not by time. Two deploys: incidents
    # after one deploy are one card.
    (d1,) = deploys("checkout", 1, 0, band=Band.HIGH)
    (d2,) = deploys("search", 1, 0, band=Band.HIGH)
    incs = [
        incident("INC-2", "checkout", at(0, 5), 30, d1),
        incident("INC-1", "search", at(0, 9), 30, d2),
    ]
    return aggregate(spread(30, 0), [d1, d2], incs), aggregate(spread(30, 0, -1))


@pytest.mark.parametrize(
    ("weeks", "expected"),
    [
        pytest.param(
            _two_concentrations,
            ["concentration:checkout", "concentration:search"],
            id="concentrations",
        ),
        pytest.param(_two_incidents, ["incident:INC-1", "incident:INC-2"], id="incidents"),
    ],
)
def test_cards_of_one_kind_and_severity_are_ordered_by_id(
    weeks: Callable[[], tuple[WeekAggregate, WeekAggregate]], expected: list[str]
) -> None:
    """Cards of the same kind and severity appear in the order of their ids."""
    assert [c.id for c in cards(*weeks())] == expected


def _share(week: WeekAggregate, name: str, by: str = "service") -> float:
    groups = week.by_service if by == "service" else week.by_team
    return round(groups[name].distribution.high_risk_share, 1)


def _fixes(week: WeekAggregate, service: str | None = None, *, exact: bool = False) -> float:
    """The week's changes (of ``service``) expected to need a fix: their chances, summed (to one
    decimal unless ``exact``)."""
    chances = [MODEL.probability(c.score) for c in week.changes if service in (None, c.service)]
    return sum(chances) if exact else round(sum(chances), 1)


_Expected = Callable[[WeekAggregate, WeekAggregate], dict[FactName, float]]

_FACTS: list[tuple[str, _Expected]] = [
    (
        "concentration:payments",
        lambda t, p: {
            FactKey.HIGH_RISK_SHARE_THIS_WEEK: _share(t, "payments"),
            FactKey.HIGH_RISK_SHARE_LAST_WEEK: _share(p, "payments"),
            FactKey.HIGH_RISK_CHANGES: t.by_service["payments"].distribution.high_risk,
            FactKey.CHANGES: t.by_service["payments"].distribution.total,
            (FactKey.DRIVEN_BY, "codeowners"): dict(t.by_service["payments"].drivers)["codeowners"],
            FactKey.EXPECTED_FIXES_THIS_WEEK: _fixes(t, "payments"),
            FactKey.EXPECTED_FIXES_USUAL: _fixes(p, "payments"),
        },
    ),
    (
        "shift",
        lambda t, p: {
            FactKey.HIGH_RISK_SHARE_THIS_WEEK: round(t.distribution.high_risk_share, 1),
            FactKey.HIGH_RISK_SHARE_LAST_WEEK: round(p.distribution.high_risk_share, 1),
            FactKey.HIGH_RISK_CHANGES_THIS_WEEK: t.distribution.high_risk,
            FactKey.CHANGES_THIS_WEEK: t.distribution.total,
            (FactKey.DRIVEN_BY, t.drivers[0][0]): t.drivers[0][1],
            FactKey.EXPECTED_FIXES_THIS_WEEK: _fixes(t),
            # The scope's usual chance per change, for as many changes as this week's.
            FactKey.EXPECTED_FIXES_USUAL: round(
                len(t.changes) * _fixes(p, exact=True) / len(p.changes), 1
            ),
        },
    ),
    (
        "mttr",
        lambda t, p: {
            FactKey.MTTR_THIS_WEEK: round(t.mttr_minutes or 0, 1),
            FactKey.MTTR_LAST_WEEK: round(p.mttr_minutes or 0, 1),
            FactKey.INCIDENTS_THIS_WEEK: len(t.incidents),
        },
    ),
    (
        "cfr",
        lambda t, p: {
            FactKey.CHANGE_FAILURE_RATE_THIS_WEEK: round(t.change_failure_rate or 0, 1),
            FactKey.CHANGE_FAILURE_RATE_LAST_WEEK: round(p.change_failure_rate or 0, 1),
            FactKey.DEPLOYS_THIS_WEEK: len(t.deploys),
            FactKey.FAILED_DEPLOYS_THIS_WEEK: t.failed_deploys,
        },
    ),
    (
        "codeowners",
        lambda t, p: {
            FactKey.OWNER_COVERAGE_THIS_WEEK: round(t.owner_coverage or 0, 1),
            FactKey.OWNER_COVERAGE_LAST_WEEK: round(p.owner_coverage or 0, 1),
        },
    ),
    (
        "agent:unreviewed",
        lambda t, _: {
            FactKey.AGENTS_UNREVIEWED: len(t.agent_unreviewed),
            FactKey.AGENTS_THIS_WEEK: len(t.agent_changes),
            FactKey.AGENT_SHARE: round(100 * len(t.agent_changes) / len(t.changes), 1),
            FactKey.AGENTS_UNREVIEWED_HIGH_RISK: sum(c.high_risk for c in t.agent_unreviewed),
        },
    ),
    (
        "improvement:find",
        lambda t, p: {
            FactKey.HIGH_RISK_SHARE_THIS_WEEK: _share(t, "find", "team"),
            FactKey.HIGH_RISK_SHARE_LAST_WEEK: _share(p, "find", "team"),
            FactKey.CHANGES: t.by_team["find"].distribution.total,
        },
    ),
]


@pytest.mark.parametrize(("card_id", "expected"), [pytest.param(i, f, id=i) for i, f in _FACTS])
def test_card_facts_are_the_aggregates(card_id: str, expected: _Expected) -> None:
    """Every number on a card is the week's aggregate it stands for, rounded to one decimal."""
    this, last = _busy()
    card = {c.id: c for c in cards(this, last)}[card_id]
    assert facts(card) == expected(this, last)


def test_driver_card_facts_are_the_aggregates() -> None:
    """A driver card counts the high-risk changes the signal drove this week and last."""
    this = aggregate(_driven(60, 6, 6))
    last = aggregate(_driven(60, 6, 1, -1))
    card = {c.id: c for c in cards(this, last)}["driver:review"]
    assert facts(card) == {
        FactKey.DRIVEN_THIS_WEEK: 6,
        FactKey.DRIVEN_LAST_WEEK: 1,
    }


def _positives() -> tuple[WeekAggregate, WeekAggregate]:
    """A week with every positive card and one warning, and the worse week before it."""

    def week(n: int, good: bool) -> WeekAggregate:
        agents = [
            change(f"bot#{n}.{i}", "bots", Band.SAFE, n, agent_involved=True, human_reviewed=good)
            for i in range(3 if good else 1)
        ]
        owned = 20 if good else 16
        return aggregate(
            [
                *mix("checkout", 8, 4 if good else 0, n),
                *spread(30, 0, n),
                *mix("search", 8, 0 if good else 3, n, team="find"),
                change(
                    f"docs#{n}",
                    "docs",
                    Band.SAFE,
                    n,
                    files_with_owner=owned,
                    files_with_owner_data=20,
                ),
                *agents,
            ],
            deploys("s0", 10, 0 if good else 2, n),
            [incident(f"INC-{n}.{i}", "s0", at(n, 30 + i), 60 if good else 90) for i in range(2)],
        )

    return week(0, True), week(-1, False)


def test_positive_cards_follow_every_critical_and_warning_card() -> None:
    """Positive cards are info and come after the warnings, in the documented kind order."""
    assert [(c.severity.value, c.id) for c in cards(*_positives())] == [
        (C, "concentration:checkout"),
        (INFO, "improvement:find"),
        (INFO, "mttr:improved"),
        (INFO, "cfr:improved"),
        (INFO, "codeowners:improved"),
        (INFO, "agent:reviewed"),
    ]


_POSITIVE_FACTS: list[tuple[str, _Expected]] = [
    (
        "mttr:improved",
        lambda t, p: {
            FactKey.MTTR_THIS_WEEK: round(t.mttr_minutes or 0, 1),
            FactKey.MTTR_LAST_WEEK: round(p.mttr_minutes or 0, 1),
            FactKey.RESOLVED_INCIDENTS_THIS_WEEK: sum(
                i.resolved_at is not None for i in t.incidents
            ),
            FactKey.RESOLVED_INCIDENTS_LAST_WEEK: sum(
                i.resolved_at is not None for i in p.incidents
            ),
        },
    ),
    (
        "cfr:improved",
        lambda t, p: {
            FactKey.CHANGE_FAILURE_RATE_THIS_WEEK: round(t.change_failure_rate or 0, 1),
            FactKey.CHANGE_FAILURE_RATE_LAST_WEEK: round(p.change_failure_rate or 0, 1),
            FactKey.DEPLOYS_THIS_WEEK: len(t.deploys),
            FactKey.FAILED_DEPLOYS_THIS_WEEK: t.failed_deploys,
            FactKey.DEPLOYS_LAST_WEEK: len(p.deploys),
            FactKey.FAILED_DEPLOYS_LAST_WEEK: p.failed_deploys,
        },
    ),
    (
        "codeowners:improved",
        lambda t, p: {
            FactKey.OWNER_COVERAGE_THIS_WEEK: round(t.owner_coverage or 0, 1),
            FactKey.OWNER_COVERAGE_LAST_WEEK: round(p.owner_coverage or 0, 1),
            FactKey.FILES_WITH_OWNER_DATA: t.files_with_owner_data,
        },
    ),
    (
        "agent:reviewed",
        lambda t, p: {
            FactKey.AGENTS_ALL_REVIEWED: len(t.agent_changes),
            FactKey.AGENTS_UNREVIEWED_LAST_WEEK: len(p.agent_unreviewed),
        },
    ),
]


@pytest.mark.parametrize(
    ("card_id", "expected"), [pytest.param(i, f, id=i) for i, f in _POSITIVE_FACTS]
)
def test_positive_card_facts_are_the_aggregates(card_id: str, expected: _Expected) -> None:
    """Every number on a positive card is the week's aggregate it stands for."""
    this, last = _positives()
    card = {c.id: c for c in cards(this, last)}[card_id]
    assert facts(card) == expected(this, last)


def test_default_rules_are_the_documented_ones() -> None:
    """The defaults are the numbers the README's card table names."""
    assert CardRules() == CardRules(
        shift_warning_pp=10,
        shift_critical_pp=20,
        shift_min_changes=5,
        concentration_warning_share=35,
        concentration_critical_share=50,
        concentration_min_rise_pp=15,
        concentration_min_changes=4,
        driver_min_changes=3,
        driver_min_rise=2,
        incident_window_hours=24,
        mttr_warning_ratio=1.5,
        mttr_critical_ratio=3,
        mttr_min_minutes=30,
        cfr_warning_pp=10,
        cfr_critical_pp=25,
        cfr_min_deploys=4,
        mttr_improved_min_incidents=2,
        cfr_min_failed_deploys=2,
        codeowners_warning_drop_pp=10,
        codeowners_critical_drop_pp=25,
        codeowners_min_files=20,
        agent_unreviewed_warning=1,
        agent_unreviewed_critical=3,
        agent_reviewed_min_changes=3,
        improvement_min_drop_pp=15,
        improvement_min_changes=5,
        improvement_min_changes_last_week=5,
        baseline_weeks=8,
    )


@pytest.mark.parametrize(
    ("reviewed", "expected"),
    [
        pytest.param([False, False, False], C, id="three-unreviewed-one-high"),
        pytest.param([None, None, None], None, id="review-unknown-is-not-unreviewed"),
        pytest.param([None, False, None], W, id="only-the-known-one-counts"),
        pytest.param([True, None, True], None, id="reviewed-or-unknown"),
    ],
)
def test_agent_review_unknown_is_never_counted_as_unreviewed(
    reviewed: list[bool | None], expected: str | None
) -> None:
    """An agent change whose review no source knows makes no AI-agent review card."""
    agents = [
        change(f"bot#{n}", "bots", Band.HIGH if n == 0 else Band.SAFE, agent_involved=True,
               human_reviewed=r)
        for n, r in enumerate(reviewed)
    ]  # fmt: skip
    this = aggregate([*spread(30, 0, 0), *agents])
    found = severities(this, aggregate(spread(30, 0, -1)))
    assert found.get("agent:unreviewed") == expected


def _agents(
    n: int, week: int = 0, *, reviewed: bool | None = True, high: int = 0
) -> list[WeekChange]:
    return [
        change(
            f"ai#{week}.{i}",
            f"a{i % 5}",
            Band.HIGH if i < high else Band.SAFE,
            week,
            agent_involved=True,
            human_reviewed=reviewed,
        )
        for i in range(n)
    ]


@pytest.mark.parametrize(
    ("this_agents", "last_agents", "reviewed", "high", "expected"),
    [
        pytest.param(5, 0, True, 0, INFO, id="5-reviewed-safe-info"),
        pytest.param(5, 0, None, 0, W, id="review-unknown-warning"),
        pytest.param(5, 0, True, 1, W, id="one-high-risk-warning"),
        pytest.param(4, 0, None, 0, None, id="4-below-min"),
        pytest.param(6, 3, None, 0, None, id="rise-below-15pp"),
        pytest.param(5, 0, False, 0, None, id="unreviewed-told-by-the-agent-card"),
    ],
)
def test_agent_surge(
    this_agents: int, last_agents: int, reviewed: bool | None, high: int, expected: str | None
) -> None:
    """Agents' share of changes rising 15 points over 5+ agent changes is a card: a warning
    when any is high risk or not known reviewed, info when all were reviewed and safe."""
    this = aggregate([*spread(25, 0), *_agents(this_agents, reviewed=reviewed, high=high)])
    last = aggregate([*spread(25, 0, -1), *_agents(last_agents, -1)])
    found = {k: v for k, v in severities(this, last).items() if k == "agent:surge"}
    assert found == ({"agent:surge": expected} if expected else {})


@pytest.mark.parametrize(
    ("this_agents", "last_agents", "usual", "expected"),
    [
        pytest.param(16, 4, 4, W, id="4-a-week-to-16-of-136-is-a-surge-at-9-points"),
        pytest.param(10, 4, 4, None, id="2.4-times-the-usual-share-by-chance-p-0.02"),
        pytest.param(8, 2, 2, W, id="3.8-times-the-usual-share-p-0.006"),
        pytest.param(16, 16, 4, None, id="not-above-last-weeks-share"),
        pytest.param(16, 4, 10, None, id="under-twice-the-usual-share"),
    ],
)
def test_agent_surge_in_a_busy_scope(
    this_agents: int, last_agents: int, usual: int, expected: str | None
) -> None:
    """In a scope of 120 people's changes a week, agents' share rising under 15 points is a
    surge when it is at least twice their usual over the baseline weeks, above last week's and
    beyond chance; a warning when their review is unknown."""
    this = _with_weeks(
        [*spread(120, 0), *_agents(this_agents, reviewed=None)],
        lambda w: [*spread(120, 0, w), *_agents(usual, w)],
    )
    last = aggregate([*spread(120, 0, -1), *_agents(last_agents, -1)])
    found = {k: v for k, v in severities(this, last).items() if k == "agent:surge"}
    assert found == ({"agent:surge": expected} if expected else {})


def _piled(total: int, high: int, week: int, drivers: tuple[str, ...]) -> list[WeekChange]:
    """``total`` changes, three to a service, the first ``high`` high risk with ``drivers``:
    piled into the first few services (two of twenty for four), not the scope's."""
    return [
        change(
            f"s{n // 3}#{week}.{n}",
            f"s{n // 3}",
            Band.HIGH if n < high else Band.SAFE,
            week,
            drivers=drivers if n < high else (),
        )
        for n in range(total)
    ]


def test_only_the_driver_that_rose_most_makes_a_card() -> None:
    """Signals riding on the same high-risk changes make one driver card: the largest rise."""
    this = aggregate(_piled(60, 4, 0, ("review", "size")))
    last = aggregate(_piled(60, 2, -1, ("size",)))
    assert [c.id for c in cards(this, last)] == ["driver:review"]


@pytest.mark.parametrize(
    ("high", "expected"),
    [
        pytest.param(3, None, id="3-at-the-high-bound-1.4-expected-fixes"),
        pytest.param(4, None, id="4-at-the-high-bound-1.9-expected-fixes"),
        pytest.param(5, W, id="5-at-the-high-bound-2.3-expected-fixes"),
    ],
)
def test_a_driver_must_add_two_expected_fixes(high: int, expected: str | None) -> None:
    """Review drove ``high`` changes scored 60 (the high bound, a chance of 0.47 each) after a
    week of none: a card only once they add `driver_min_excess` (2) expected fixes. Last week
    held as many at the bound, driven by size, so no shift tells them."""

    def at_the_bound(changes: list[WeekChange]) -> list[WeekChange]:
        return [replace(c, score=60) if c.band is Band.HIGH else c for c in changes]

    this = aggregate(at_the_bound(_piled(60, high, 0, ("review",))))
    last = aggregate(at_the_bound(_piled(60, high, -1, ("size",))))
    assert MODEL.probability(60) == pytest.approx(0.47, abs=0.01)
    found = {k: v for k, v in severities(this, last).items() if k.startswith("driver:")}
    assert found == ({"driver:review": expected} if expected else {})


def test_a_driver_rising_across_the_scope_is_its_shift() -> None:
    """A signal behind high-risk changes in four of ten services, after a week of two, is the
    scope's shift seen through one signal: one warning shift card naming it, the driver folded
    in and its changes the evidence."""
    this = aggregate(spread(30, 4, drivers=("review", "size")))
    last = aggregate(spread(30, 2, -1, drivers=("size",)))
    (card,) = cards(this, last)
    assert (card.kind, card.severity, card.folded) == (
        CardKind.SHIFT,
        Severity.WARNING,
        (CardKind.DRIVER,),
    )
    assert card.driver == "review"
    assert facts(card)[(FactKey.DRIVEN_BY, "review")] == 4
    assert facts(card)[FactKey.HIGH_RISK_CHANGES_THIS_WEEK] == 4
    assert len(card.evidence) == 4


def _unreviewed_agents(services: list[str]) -> list[WeekChange]:
    """One high-risk AI-agent change with no human review in each of ``services``, driven by
    the agent signal."""
    return [
        change(
            f"{service}#bot",
            service,
            Band.HIGH,
            agent_involved=True,
            human_reviewed=False,
            drivers=("agent",),
        )
        for service in services
    ]


def test_a_driver_told_as_the_shift_goes_when_another_card_lists_its_changes() -> None:
    """Four unreviewed agent changes in four of ten services, after a week of two high-risk
    changes: the agent driver rose across the scope, but its changes are the AI-agent card's
    story, so no shift card retells it."""
    this = aggregate([*spread(30, 0), *_unreviewed_agents([f"s{n}" for n in range(4)])])
    last = aggregate(spread(30, 2, -1, drivers=("size",)))
    assert [c.kind for c in cards(this, last)] == [CardKind.AGENT]


def test_a_driver_rising_while_the_scope_calms_stays_a_driver() -> None:
    """The same rise across four of ten services in a week whose high-risk changes fell (six
    last week, all driven by size) is no shift: the driver card tells it."""
    this = aggregate(spread(30, 4, drivers=("review",)))
    last = aggregate(spread(30, 6, -1, drivers=("size",)))
    assert [c.id for c in cards(this, last)] == ["driver:review"]


# --- one story, one card ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Without the risky deploy's incident one resolved incident is left: no trend of its own.
        pytest.param([200, 200], {"incident:INC-A": C}, id="mttr-driven-by-the-incident-folds"),
        # Two other slow incidents make the MTTR rise on their own: two stories, two cards.
        pytest.param(
            [200, 200, 200], {"incident:INC-A": C, "mttr": C}, id="mttr-holds-without-it-stays"
        ),
        # The incident's card stands; the rest of the week resolved fast enough for no MTTR card.
        pytest.param([200, 30, 30], {"incident:INC-A": C}, id="no-mttr-card-nothing-to-fold"),
    ],
)
def test_an_mttr_rise_the_incident_card_explains_folds_into_it(
    now: list[float], expected: dict[str, str]
) -> None:
    """An MTTR card that would not fire without an incident card's incident is told on that card."""
    (deploy,) = deploys("checkout", 1, 0, band=Band.HIGH)
    risky = incident("INC-A", "checkout", deploy.finished_at + timedelta(hours=1), now[0], deploy)
    others = [incident(f"INC-{n}", "s0", at(0, 30 + n), m) for n, m in enumerate(now[1:])]
    this = aggregate(spread(30, 0), [deploy], [risky, *others])
    last = _incident_week([40, 40], -1)
    made = cards(this, last)
    assert {c.id: c.severity.value for c in made} == expected
    host = next(c for c in made if c.id == "incident:INC-A")
    folded = "mttr" not in expected and now != [200, 30, 30]
    assert host.folded == ((CardKind.MTTR,) if folded else ())
    assert (FactKey.MTTR_THIS_WEEK in facts(host)) is folded


@pytest.mark.parametrize(
    ("outside_owned", "expected"),
    [
        # Every file that lost its owner is Payments': the coverage drop is that card's story.
        pytest.param((30, 30), {"concentration:payments": C}, id="drop-inside-the-service-folds"),
        # Files elsewhere lost owners too: the drop holds without Payments and keeps its card.
        pytest.param(
            (15, 30),
            {"concentration:payments": C, "codeowners": C},
            id="drop-outside-the-service-stays",
        ),
    ],
)
def test_a_coverage_drop_inside_a_concentrating_service_folds_into_it(
    outside_owned: tuple[int, int], expected: dict[str, str]
) -> None:
    """A CODEOWNERS drop that would not fire without one concentrating service is told there."""
    unowned = [
        change(f"p{n}", "payments", Band.HIGH, drivers=("codeowners",), files_with_owner_data=5)
        for n in range(5)
    ]
    elsewhere = change(
        "docs#0",
        "docs",
        Band.SAFE,
        files_with_owner=outside_owned[0],
        files_with_owner_data=outside_owned[1],
    )
    this = aggregate([*unowned, *mix("payments", 4, 0), *spread(60, 0), elsewhere])
    before = change("docs#-1", "docs", Band.SAFE, -1, files_with_owner=40, files_with_owner_data=40)
    last = aggregate([*mix("payments", 8, 0, -1), *spread(60, 0, -1), before])
    made = cards(this, last)
    assert {c.id: c.severity.value for c in made} == expected
    host = next(c for c in made if c.id == "concentration:payments")
    folded = "codeowners" not in expected
    assert host.folded == ((CardKind.CODEOWNERS,) if folded else ())
    assert (FactKey.OWNER_COVERAGE_THIS_WEEK in facts(host)) is folded
    assert host.severity is Severity.CRITICAL


def test_incidents_after_one_deploy_are_one_card_led_by_the_reported_one() -> None:
    """A reported incident and the revert of what the same deploy shipped make one card,
    the reported incident's, holding both as evidence; another deploy's incident keeps its own."""
    (risky,) = deploys("checkout", 1, 0, band=Band.HIGH)
    (other,) = deploys("search", 1, 0, week=0, band=Band.HIGH)
    revert = incident("revert:acme/shop#9", "checkout", risky.finished_at, 300, risky)
    reported = incident("INC-7", "checkout", risky.finished_at + timedelta(hours=2), 90, risky)
    elsewhere = incident("INC-8", "search", other.finished_at + timedelta(hours=1), 30, other)
    this = aggregate(spread(30, 0), [risky, other], [revert, reported, elsewhere])
    made = [c for c in cards(this, aggregate(spread(30, 0, -1))) if c.kind is CardKind.INCIDENT]
    assert [c.id for c in made] == ["incident:INC-7", "incident:INC-8"]
    assert made[0].evidence == (
        Evidence(EvidenceKind.INCIDENT, "INC-7"),
        Evidence(EvidenceKind.DEPLOY, risky.key),
        Evidence(EvidenceKind.REVERT, "acme/shop#9"),
    )
    assert made[0].folded == (CardKind.INCIDENT,)
    assert made[1].folded == ()


# --- changes a gate put at very high risk -----------------------------------------------------


@pytest.mark.parametrize(
    ("reviewed", "expected"),
    [
        pytest.param(True, W, id="reviewed-warning"),
        pytest.param(None, W, id="review-unknown-warning"),
        pytest.param(False, C, id="unreviewed-critical"),
    ],
)
def test_a_gated_very_high_change_is_a_card_in_an_otherwise_quiet_week(
    reviewed: bool | None, expected: str
) -> None:
    """A schema migration held at very high risk makes a card naming it, in a week with no other."""
    ok = [*spread(30, 2, drivers=("size",))]
    before = [*spread(30, 2, -1, drivers=("size",))]
    migration = change(
        "m#1", "s0", Band.CRITICAL, gates=("schema_migration",), human_reviewed=reviewed
    )
    [card] = cards(aggregate([*ok, migration]), aggregate(before))
    assert (card.kind, card.severity.value) == (CardKind.GATED, expected)
    assert ids(card) == ("m#1",)
    assert card.gate == "schema_migration"
    assert facts(card)[FactKey.GATED_CHANGES] == 1


def _routine_week(
    migration: WeekChange, *, incidents: tuple[WeekIncident, ...] = ()
) -> WeekAggregate:
    """A week with ``migration`` whose baseline holds an earlier migration of service s0."""
    earlier = change("m#0", "s0", Band.CRITICAL, -2, gates=("schema_migration",))
    baseline = aggregate([*spread(30, 2, -1, drivers=("size",)), earlier], weeks=4)
    return aggregate(
        [*spread(30, 2, drivers=("size",)), migration], incidents=incidents, baseline=baseline
    )


def test_a_routine_gated_change_makes_no_card_but_an_unusual_or_risky_one_does() -> None:
    """A reviewed migration of a service that migrates often is no card, nor is a first one of the
    service's usual size; one larger than its service's changes usually are (a service of safe
    changes), with other risk, or without a human approval still is."""
    before = aggregate(spread(30, 2, -1, drivers=("size",)))
    routine = change("m#1", "s0", Band.CRITICAL, gates=("schema_migration",), ungated_score=35)
    assert cards(_routine_week(routine), before) == ()
    # s1's changes over the baseline weeks reach 70 on their own: a first migration within it.
    first = replace(routine, key="m#3", service="s1")
    assert cards(_routine_week(first), before) == ()
    unusual = change("m#2", "s2", Band.CRITICAL, gates=("schema_migration",), ungated_score=35)
    # Its own signals came within the high band's width of the very-high bound it was lifted
    # to: high risk for its history without the gate.
    risky = replace(routine, ungated_score=routine.score - int(RULES.gated_other_risk_points))
    by_agent = replace(routine, agent_involved=True)
    unreviewed = replace(routine, human_reviewed=False)
    for material in (unusual, risky, by_agent, unreviewed):
        gated = [c for c in cards(_routine_week(material), before) if c.kind is CardKind.GATED]
        assert [ids(c) for c in gated] == [(material.key,)], material


def test_an_incident_after_a_deploy_that_shipped_a_migration_is_judged_once() -> None:
    """An incident two hours after an ordinary deploy that shipped a routine migration is a
    coincidence to the incident rule, and the gated rule does not call the migration material
    for it; a migration unusual for its service, shipped the same way, is told by the incident
    card, which names it."""
    before = aggregate(spread(30, 2, -1, drivers=("size",)))
    routine = change("m#1", "s0", Band.CRITICAL, gates=("schema_migration",), ungated_score=35)
    unusual = change("m#2", "s2", Band.CRITICAL, gates=("schema_migration",), ungated_score=35)
    for migration, expected in ((routine, []), (unusual, [CardKind.INCIDENT])):
        (deploy,) = deploys(migration.service or "", 1, 0)
        broke = incident(
            "INC-1",
            migration.service or "",
            deploy.finished_at + timedelta(hours=2),
            40,
            deploy,
            (migration,),
        )
        found = cards(_routine_week(migration, incidents=(broke,)), before)
        assert [c.kind for c in found] == expected, migration
        assert all(migration.key in ids(c) for c in found)


def test_a_routine_gated_change_is_routine_on_a_history_whose_typical_change_scores_high() -> None:
    """Other risk is read from the very-high bound the gate lifted a change to, not as a score:
    on a history whose typical change scores 61 (very high from 85), a routine migration whose
    own signals scored 62 is routine (an absolute 60 called every one of them risky), and
    one whose signals scored 73 is high risk on its own."""
    before = aggregate(spread(30, 2, -1, drivers=("size",)))
    typical = change("m#1", "s0", Band.CRITICAL, gates=("schema_migration",), ungated_score=62)
    assert cards(_routine_week(typical), before) == ()
    risky = replace(typical, ungated_score=73)
    assert [c.kind for c in cards(_routine_week(risky), before)] == [CardKind.GATED]


def test_an_incident_elsewhere_in_the_service_does_not_make_a_routine_migration_material() -> None:
    """A routine migration is material when an incident followed a deploy that shipped it, not
    when its service had some incident this week (a coincidence in a service that migrates
    every week or two)."""
    before = aggregate(spread(30, 2, -1, drivers=("size",)))
    routine = change("m#1", "s0", Band.CRITICAL, gates=("schema_migration",), ungated_score=35)
    unrelated = incident("INC-1", "s0", at(0, 30), 40)
    assert cards(_routine_week(routine, incidents=(unrelated,)), before) == ()


def test_a_gate_below_very_high_or_a_very_high_score_without_a_gate_makes_no_card() -> None:
    """A large change lifted to high, or a change very high on its signals alone, is not gated."""
    ok = [*spread(30, 2, drivers=("size",))]
    before = [*spread(30, 2, -1, drivers=("size",))]
    large = change("l#1", "s1", Band.HIGH, gates=("large_change",))
    loud = change("v#1", "s2", Band.CRITICAL)
    assert cards(aggregate([*ok, large, loud]), aggregate(before)) == ()


def test_several_gated_changes_are_one_card() -> None:
    """Two gated changes of different rules are one card, counting both, of no one gate."""
    a = change("a#1", "s0", Band.CRITICAL, gates=("schema_migration",))
    b = change("b#1", "s1", Band.CRITICAL, gates=("error_budget",))
    [card] = cards(aggregate([b, a]), aggregate([]))
    assert ids(card) == ("a#1", "b#1")
    assert card.gate is None
    assert facts(card)[FactKey.GATED_CHANGES] == 2


def test_a_gated_change_a_card_already_lists_is_told_there() -> None:
    """A reviewed migration among a concentration card's changes makes no card of its own."""
    pay = mix("pay", 6, 4, 0)
    gated = change("pay#m", "pay", Band.CRITICAL, gates=("schema_migration",))
    found = cards(aggregate([*pay, gated]), aggregate(mix("pay", 6, 0, -1)))
    assert [c.kind for c in found] == [CardKind.CONCENTRATION]
    assert "pay#m" in ids(found[0])


def test_an_unreviewed_gated_change_under_a_warning_card_still_gets_its_critical_card() -> None:
    """A card less severe than the gated change's own does not hide it: it keeps a critical card.

    Pay's changes are often high risk (3 of 10 a week); this week 6 of 10 and a migration make
    its expected fixes 2.4 times its usual: a warning."""
    pay = mix("pay", 10, 6, 0)
    gated = change("pay#m", "pay", Band.CRITICAL, gates=("schema_migration",), human_reviewed=False)
    base = aggregate([c for w in (1, 2, 3, 4) for c in mix("pay", 10, 3, -w)], weeks=4)
    this = aggregate([*pay, gated], baseline=base)
    found = {c.kind: c for c in cards(this, aggregate(mix("pay", 10, 3, -1)))}
    assert found[CardKind.CONCENTRATION].severity is Severity.WARNING
    assert found[CardKind.GATED].severity is Severity.CRITICAL
    assert ids(found[CardKind.GATED]) == ("pay#m",)


@pytest.mark.parametrize(
    ("evidence", "text"),
    [
        pytest.param(Evidence(EvidenceKind.CHANGE, "acme/platform#4503"), "acme/platform#4503"),
        pytest.param(
            Evidence(EvidenceKind.DEPLOY, "deploy:checkout:2026-11-20T15:35"),
            "deploy:checkout:2026-11-20T15:35",
        ),
        pytest.param(Evidence(EvidenceKind.INCIDENT, "INC-1039"), "INC-1039"),
        pytest.param(
            Evidence(EvidenceKind.REVERT, "acme/platform#4522"), "revert:acme/platform#4522"
        ),
    ],
    ids=lambda v: v.kind if isinstance(v, Evidence) else "",
)
def test_evidence_reads_back_its_id(evidence: Evidence, text: str) -> None:
    """Each kind of evidence is written as the id stored briefings carry and read back as itself."""
    assert str(evidence) == text
    assert Evidence.parse(str(evidence), evidence.kind) == evidence


def test_incident_card_carries_its_deploy_as_a_deploy() -> None:
    """The incident card's deploy is the evidence of kind DEPLOY, whatever its key looks like."""
    (deploy,) = deploys("checkout", 1, 0, band=Band.HIGH)
    inc = incident("INC-7", "checkout", at(0, 4.5), 90, deploy)
    (card,) = cards(aggregate(spread(30, 0), [deploy], [inc]), aggregate(spread(30, 0, -1)))
    assert card.evidence_of(EvidenceKind.DEPLOY) == (Evidence(EvidenceKind.DEPLOY, deploy.key),)
    assert [e.kind for e in card.evidence] == [EvidenceKind.INCIDENT, EvidenceKind.DEPLOY]


def test_a_driver_card_whose_changes_another_card_lists_goes() -> None:
    """Unreviewed agent changes driving the week's high risk are the AI-agent card's story: no
    agent driver card retells it."""
    this = aggregate([*spread(60, 0), *_unreviewed_agents([f"bot{n}" for n in range(4)])])
    last = aggregate(spread(60, 0, -1))
    kinds = {c.kind for c in cards(this, last)}
    assert CardKind.AGENT in kinds
    assert CardKind.DRIVER not in kinds
