"""Reverts as they are: a failed change in the change failure rate, never an outage to time, and
an incident card only when the deploy stood out for its service or its reverts rose."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from scoring.card_rules.incidents import reverts_rose
from scoring.card_terms import Card, CardKind, Evidence, EvidenceKind, FactKey
from scoring.culprits import CulpritTrace, IncidentAt, LaterFix
from scoring.risk import Band
from scoring.weekly import aggregate
from tests.scoring.card_builders import at, cards, change, deploys, facts, incident, mix, spread


def test_a_revert_counts_in_the_change_failure_rate_and_not_in_mttr() -> None:
    """A revert fails its deploy; it has no minutes to resolve, so the week's MTTR is the median of
    the reported incidents alone."""
    made = deploys("checkout", 4, 0)
    opened = made[0].finished_at + timedelta(hours=1)
    revert = incident("revert:acme/shop#9", "checkout", opened, 1110.5, made[0])
    reported = incident("INC-1", "checkout", opened, 60, made[1])
    week = aggregate(spread(30, 0), made, [revert, reported])
    assert revert.minutes_to_resolve is None
    assert week.failed_deploys == 2
    assert week.change_failure_rate == 50.0
    assert week.mttr_minutes == 60
    assert week.resolved_incidents == 1


def test_a_revert_alone_makes_no_mttr_card() -> None:
    """Slow reverts are not slow recoveries: three reverts "open" for hours make no MTTR card."""
    made = deploys("checkout", 6, 0)
    reverts = [
        incident(f"revert:acme/shop#{n}", "checkout", d.finished_at, 600, d)
        for n, d in enumerate(made[:3])
    ]
    quick = [
        incident(f"INC-{n}", "checkout", d.finished_at - timedelta(days=7), 20)
        for n, d in enumerate(made[:3])
    ]
    this = aggregate(spread(30, 0), made, reverts)
    last = aggregate(spread(30, 0, -1), (), quick)
    assert all(c.kind is not CardKind.MTTR for c in cards(this, last))


def test_reverts_rise_beyond_a_services_usual() -> None:
    """Two reverts in a week are news for a service that seldom reverts, not for one that reverts
    twice a week; one revert never is."""
    (deploy,) = deploys("checkout", 1, 0)
    opened = deploy.finished_at + timedelta(hours=1)
    two = [incident(f"revert:a#{n}", "checkout", opened, 5, deploy) for n in (1, 2)]
    seldom = aggregate(spread(30, 0, -1), weeks=4)
    assert reverts_rose("checkout", aggregate(spread(30, 0), [deploy], two, baseline=seldom))
    assert not reverts_rose(
        "checkout", aggregate(spread(30, 0), [deploy], two[:1], baseline=seldom)
    )
    usual = [
        incident(f"revert:b#{n}", "checkout", opened - timedelta(days=1 + 3 * n), 5)
        for n in range(8)
    ]
    often = aggregate(spread(30, 0, -1), (), usual, weeks=4)
    assert not reverts_rose("checkout", aggregate(spread(30, 0), [deploy], two, baseline=often))


def test_a_young_services_reverts_are_read_over_the_weeks_it_worked() -> None:
    """A service that reverted once in each of the two weeks it has worked reverts once a week:
    two reverts now are within that, though its eight-week baseline would make it one a month.
    The same two reverts over eight worked weeks are a rise."""
    (deploy,) = deploys("checkout", 1, 0)
    opened = deploy.finished_at + timedelta(hours=1)
    two = [incident(f"revert:a#{n}", "checkout", opened, 5, deploy) for n in (1, 2)]
    earlier = [incident(f"revert:b#{w}", "checkout", at(-w, 30), 5) for w in (1, 2)]

    def rose(worked: int) -> bool:
        changes = [c for w in range(1, worked + 1) for c in mix("checkout", 5, 0, -w)]
        baseline = aggregate(changes, (), earlier, weeks=8)
        return reverts_rose(
            "checkout", aggregate(mix("checkout", 5, 0), [deploy], two, baseline=baseline)
        )

    assert not rose(2)
    assert rose(8)


def test_an_incident_after_an_ordinary_deploy_names_the_riskiest_change_it_shipped() -> None:
    """The card carries the score of the unusual very-high change the ordinary deploy shipped and
    names it among its evidence; the deploy's band stays what it is."""
    ordinary = deploys("checkout", 8, 0, -1, Band.HIGH)
    (deploy,) = deploys("checkout", 1, 0, band=Band.HIGH)
    shipped = (
        change("c#1", "checkout", Band.CRITICAL, human_reviewed=True),
        change("c#2", "checkout", Band.SAFE),
    )
    inc = incident(
        "INC-1", "checkout", deploy.finished_at + timedelta(hours=1), 30, deploy, shipped
    )
    baseline = aggregate(spread(30, 0, -1), ordinary, weeks=4)
    this = aggregate(spread(30, 0), [deploy], [inc], baseline=baseline)
    card = next(c for c in cards(this, aggregate(spread(30, 0, -1))) if c.id == "incident:INC-1")
    assert facts(card)[FactKey.SHIPPED_RISKIEST_SCORE] == shipped[0].score
    assert [e.key for e in card.evidence_of(EvidenceKind.CHANGE)] == ["c#1"]
    assert card.deploy_band is Band.HIGH


def _reverted_release(
    gates: tuple[str, ...],
    baseline_gates: tuple[str, ...],
    lines: int | None = None,
    baseline_lines: int | None = None,
    baseline_band: Band | None = None,
) -> tuple[Card, ...]:
    """A week whose only incident is the revert of release r#7 (high risk, ``gates``, ``lines``
    of code) that an ordinary deploy of search shipped, over four baseline weeks whose changes
    carried ``baseline_gates`` and ``baseline_lines`` and were in ``baseline_band`` (high risk
    through a gate, else moderate); the cards of that week."""
    ordinary = deploys("search", 8, 0, -1, Band.HIGH)
    (deploy,) = deploys("search", 1, 0, band=Band.HIGH)
    release = change("r#7", "search", Band.HIGH, gates=gates, source_lines=lines)
    opened = deploy.finished_at + timedelta(seconds=1)
    trace = CulpritTrace(
        IncidentAt("revert:r#8", "search", opened),
        (),
        (LaterFix("r#8", "acme/shop", opened + timedelta(hours=20), frozenset(), "r#7"),),
    )
    revert = replace(
        incident("revert:r#8", "search", opened, None, deploy, (release,)), culprits=trace
    )
    earlier = [
        change(f"e#{n}", "search", band, -1, gates=baseline_gates, source_lines=baseline_lines)
        for n in range(3)
        for band in (baseline_band or (Band.HIGH if baseline_gates else Band.MODERATE),)
    ]
    baseline = aggregate([*spread(30, 0, -1), *earlier], ordinary, weeks=4)
    this = aggregate(spread(30, 0), [deploy], [revert], baseline=baseline)
    return cards(this, aggregate(spread(30, 0, -1)))


def test_a_release_larger_than_its_service_makes_reverted_makes_a_critical_card() -> None:
    """An ordinary deploy shipped a release the large-change gate flagged, in a service whose
    changes never went through that gate, and it was reverted: the card comes, naming the
    release; the same revert in a service that ships large changes routinely makes none, nor
    does the revert of an ordinary change."""
    (card,) = [c for c in _reverted_release(("large_change",), ()) if c.kind is CardKind.INCIDENT]
    assert card.severity.value == "critical"
    assert card.subject == "search"
    assert Evidence(EvidenceKind.CHANGE, "r#7") in card.evidence
    assert facts(card)[FactKey.SHIPPED_RISKIEST_SCORE] == change("x", None, Band.HIGH).score
    # Its "incident" opened as the release shipped: no hours from the deploy to time.
    assert FactKey.HOURS_TO_INCIDENT not in facts(card)
    routine = _reverted_release(("large_change",), ("large_change",))
    assert all(c.kind is not CardKind.INCIDENT for c in routine)
    plain = _reverted_release((), ())
    assert all(c.kind is not CardKind.INCIDENT for c in plain)


def test_a_gate_new_to_its_service_is_unusual_only_by_a_material_margin() -> None:
    """A release through the large-change gate, which no change of its service went through
    over the baseline weeks, is no unusual change when it scores no higher than the service's
    riskiest change of those weeks (a 400-line change where the largest was 371 lines, as on
    a steady week of a made organisation): its odds of needing a fix must be
    ``incident_deploy_odds_ratio`` times theirs, as a deploy's must."""
    same = _reverted_release(("large_change",), (), baseline_band=Band.HIGH)
    assert all(c.kind is not CardKind.INCIDENT for c in same)


def test_a_release_twice_its_services_largest_is_unusual_through_a_usual_gate() -> None:
    """A 1,500-line release reverted in a service whose largest change over the baseline weeks
    was 400 lines (through the same large-change gate) makes the critical card; one of 700
    lines, under twice that, or of unknown size, does not."""

    def incident_cards(lines: int | None) -> list[Card]:
        week = _reverted_release(("large_change",), ("large_change",), lines, 400)
        return [c for c in week if c.kind is CardKind.INCIDENT]

    (card,) = incident_cards(1500)
    assert card.severity.value == "critical"
    assert Evidence(EvidenceKind.CHANGE, "r#7") in card.evidence
    assert incident_cards(800) != []
    assert incident_cards(799) == []
    assert incident_cards(700) == []
    assert incident_cards(None) == []


def test_an_incident_after_a_deploy_shipping_a_release_larger_than_its_service_makes() -> None:
    """An ordinary deploy shipped two rewrites through the large-change gate (high, not very
    high) in a service none of whose changes went through it, and an incident followed: the
    card comes and names the larger-scoring rewrite; where large changes are the service's
    usual, none."""

    def week(baseline_gates: tuple[str, ...]) -> tuple[Card, ...]:
        ordinary = deploys("identity", 8, 0, -1, Band.HIGH)
        (deploy,) = deploys("identity", 1, 0, band=Band.HIGH)
        rewrites = (
            replace(change("w#1", "identity", Band.HIGH, gates=("large_change",)), score=62),
            replace(change("w#2", "identity", Band.HIGH, gates=("large_change",)), score=68),
            change("w#3", "identity", Band.SAFE),
        )
        opened = deploy.finished_at + timedelta(hours=1.6)
        inc = incident("INC-4", "identity", opened, 90, deploy, rewrites)
        # Usual changes of the service: moderate, or high through the gate where it is usual.
        band = Band.HIGH if baseline_gates else Band.MODERATE
        earlier = [change(f"e#{n}", "identity", band, -1, gates=baseline_gates) for n in range(3)]
        baseline = aggregate([*spread(30, 0, -1), *earlier], ordinary, weeks=4)
        this = aggregate(spread(30, 0), [deploy], [inc], baseline=baseline)
        return cards(this, aggregate(spread(30, 0, -1)))

    (card,) = [c for c in week(()) if c.kind is CardKind.INCIDENT]
    assert card.severity.value == "critical"
    assert Evidence(EvidenceKind.CHANGE, "w#2") in card.evidence
    assert facts(card)[FactKey.SHIPPED_RISKIEST_SCORE] == 68
    assert all(c.kind is not CardKind.INCIDENT for c in week(("large_change",)))
