"""The card of deploys shipped while their service had spent its error budget."""

from __future__ import annotations

from scoring.card_terms import CardKind, EvidenceKind, FactKey, Severity
from scoring.risk import Band
from scoring.weekly import ScoredDeploy, aggregate
from tests.scoring.card_builders import at, cards, deploys, facts, spread


def _spent(service: str, hour: float, gates: tuple[str, ...] = ("error_budget",)) -> ScoredDeploy:
    """A very-high-risk deploy of ``service`` that the error-budget gate lifted."""
    return ScoredDeploy(
        f"deploy:{service}:{hour}", service, at(0, hour), 72, Band.CRITICAL, True, gates
    )


def test_a_deploy_of_a_spent_budget_is_a_warning_card_in_an_otherwise_quiet_week() -> None:
    """One such deploy makes one warning naming its service and the deploy, whatever last week
    held."""
    this = aggregate(spread(30, 0), [*deploys("search", 3, 0), _spent("search", 9)])
    [card] = cards(this, aggregate(spread(30, 0, -1)))
    assert (card.kind, card.severity, card.subject) == (
        CardKind.SPENT_BUDGET,
        Severity.WARNING,
        "search",
    )
    assert [e.key for e in card.evidence_of(EvidenceKind.DEPLOY)] == ["deploy:search:9"]
    assert facts(card) == {FactKey.SPENT_BUDGET_DEPLOYS: 1, FactKey.SPENT_BUDGET_SERVICES: 1}


def test_deploys_of_several_services_are_one_card_in_the_order_they_finished() -> None:
    """Three deploys of two services: one card, no single subject, its deploys in time order."""
    this = aggregate(
        spread(30, 0), [_spent("search", 12), _spent("checkout", 3), _spent("search", 5)]
    )
    [card] = [
        c for c in cards(this, aggregate(spread(30, 0, -1))) if c.kind is CardKind.SPENT_BUDGET
    ]
    assert card.subject is None
    assert [e.key for e in card.evidence] == [
        "deploy:checkout:3",
        "deploy:search:5",
        "deploy:search:12",
    ]
    assert facts(card) == {FactKey.SPENT_BUDGET_DEPLOYS: 3, FactKey.SPENT_BUDGET_SERVICES: 2}


def test_a_deploy_gated_otherwise_or_not_at_all_makes_no_such_card() -> None:
    """A deploy lifted by an active incident, or a very high one with no gate, is not one."""
    this = aggregate(
        spread(30, 0),
        [_spent("search", 9, ("active_incident",)), _spent("checkout", 10, ())],
    )
    made = cards(this, aggregate(spread(30, 0, -1)))
    assert all(c.kind is not CardKind.SPENT_BUDGET for c in made)
