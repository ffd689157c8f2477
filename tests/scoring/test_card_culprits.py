"""An incident card carries its incident's likeliest culprits, ranked as `/risk incident` ranks."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from scoring.band import Band
from scoring.card_rules.incidents import card_culprits
from scoring.card_terms import CardKind
from scoring.culprits import ClueKind, CulpritTrace, IncidentAt, LaterFix, Shipped, rank_culprits
from scoring.weekly import aggregate
from tests.scoring.card_builders import at, cards, deploys, incident, spread


def _shipped(key: str, hours_before: float, score: int, band: Band, deploy: str) -> Shipped:
    opened = at(0, 4.5)
    return Shipped(
        key=key,
        title=f"Change {key} <!channel>",
        url=f"https://example.test/{key}",
        repository="acme/platform",
        merged_at=opened - timedelta(hours=hours_before + 1),
        shipped_at=opened - timedelta(hours=hours_before),
        deploy=deploy,
        score=score,
        band=band,
        files=frozenset({f"{key}.py"}),
    )


def _trace(deploy: str, confirmed: frozenset[str] = frozenset()) -> CulpritTrace:
    opened = at(0, 4.5)
    shipped = (
        _shipped("acme/platform#1", 0.5, 40, Band.MODERATE, deploy),
        _shipped("acme/platform#2", 0.5, 90, Band.CRITICAL, deploy),
        _shipped("acme/platform#3", 30, 20, Band.SAFE, "deploy:earlier"),
        _shipped("acme/platform#4", 60, 10, Band.SAFE, "deploy:earliest"),
    )
    revert = LaterFix(
        "acme/platform#9",
        "acme/platform",
        opened + timedelta(hours=1),
        frozenset(),
        "acme/platform#1",
    )
    return CulpritTrace(IncidentAt("INC-7", "checkout", opened), shipped, (revert,), confirmed)


def test_the_incident_card_names_the_top_three_as_the_ranking_orders_them() -> None:
    """The card's culprits are `rank_culprits`' top three, each with the clues that earned points,
    its title as data and the change that reverted it."""
    (deploy,) = deploys("checkout", 1, 0, band=Band.HIGH)
    trace = _trace(deploy.key)
    inc = incident("INC-7", "checkout", at(0, 4.5), 90, deploy)
    (card,) = cards(
        aggregate(spread(30, 0), [deploy], [replace(inc, culprits=trace)]),
        aggregate(spread(30, 0, -1)),
    )
    assert card.kind is CardKind.INCIDENT
    ranked = rank_culprits(trace.incident, trace.shipped, trace.fixes)
    assert [c.key for c in card.culprits] == [s.change.key for s in ranked[:3]]
    first = card.culprits[0]
    assert first.key == "acme/platform#1"
    assert first.reasons == (ClueKind.REVERTED, ClueKind.RISK, ClueKind.TIME)
    assert first.reverted_by == "acme/platform#9"
    assert first.title == "Change acme/platform#1 <!channel>"
    assert not any(c.confirmed for c in card.culprits)


def test_a_change_the_team_confirmed_comes_first_and_says_so() -> None:
    """The team's word puts a candidate ahead of the points, marked confirmed."""
    (deploy,) = deploys("checkout", 1, 0, band=Band.HIGH)
    inc = incident("INC-7", "checkout", at(0, 4.5), 90, deploy)
    traced = replace(inc, culprits=_trace(deploy.key, frozenset({"acme/platform#3"})))
    named = card_culprits(traced)
    assert [(c.key, c.confirmed) for c in named] == [
        ("acme/platform#3", True),
        ("acme/platform#1", False),
        ("acme/platform#2", False),
    ]


def test_a_week_read_without_culprits_makes_a_card_without_them() -> None:
    """An incident with no trace (a trend's week) carries no culprits; the card is unchanged."""
    (deploy,) = deploys("checkout", 1, 0, band=Band.HIGH)
    inc = incident("INC-7", "checkout", at(0, 4.5), 90, deploy)
    (card,) = cards(aggregate(spread(30, 0), [deploy], [inc]), aggregate(spread(30, 0, -1)))
    assert card.culprits == ()
