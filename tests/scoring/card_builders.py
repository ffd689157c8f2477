"""Builders of weeks for the card-rule tables: each rule can be driven on its own.

Changes made here carry no drivers and no CODEOWNERS data unless asked, so a
table row that aims at one rule does not set off another by accident.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from scoring.card_terms import Card, CardFact, FactKey
from scoring.card_thresholds import CardRules
from scoring.cards import build_cards
from scoring.risk import Band
from scoring.weekly import ScoredDeploy, WeekAggregate, WeekChange, WeekIncident

__all__ = [
    "MONDAY",
    "RULES",
    "FactName",
    "at",
    "cards",
    "change",
    "deploys",
    "facts",
    "incident",
    "mix",
    "severities",
    "spread",
]

# The Monday 00:00 that starts "this week"; week -1 is the week before.
MONDAY = datetime(2026, 11, 16, tzinfo=UTC)
RULES = CardRules()
_SCORES = {Band.SAFE: 10, Band.MODERATE: 40, Band.HIGH: 70, Band.CRITICAL: 85}


def at(week: int, hours: float = 0.0) -> datetime:
    """``hours`` after the Monday ``week`` weeks after this week's."""
    return MONDAY + timedelta(weeks=week, hours=hours)


def change(key: str, service: str | None, band: Band, week: int = 0, **kw: object) -> WeekChange:
    """One scored change merged in ``week``; ``kw`` sets any other field."""
    fields: dict[str, object] = {
        "team": f"team-{service}" if service else None,
        "merged_at": at(week, 1 + sum(map(ord, key)) % 100),
    }
    fields.update(kw)
    return WeekChange(
        key=key,
        title=f"Change {key}",
        service=service,
        score=_SCORES[band],
        band=band,
        **fields,  # type: ignore[arg-type]
    )


def mix(
    service: str,
    total: int,
    high_risk: int,
    week: int = 0,
    *,
    band: Band = Band.HIGH,
    **kw: object,
) -> list[WeekChange]:
    """``total`` changes of ``service``: the first ``high_risk`` in ``band``, the rest safe."""
    return [
        change(f"{service}#{week}.{n}", service, band if n < high_risk else Band.SAFE, week, **kw)
        for n in range(total)
    ]


def spread(total: int, high_risk: int, week: int = 0, **kw: object) -> list[WeekChange]:
    """``total`` changes over services of three (too small to concentrate), ``high_risk`` high risk,
    one a service before any service has two (high-risk changes piled into a few services would
    be a concentration in them).

    Each service also has its own team of three changes, too few for an improvement card.
    """
    services = -(-total // 3)
    return [
        change(
            f"s{n // 3}#{week}.{n}",
            f"s{n // 3}",
            Band.HIGH if (n % 3) * services + n // 3 < high_risk else Band.SAFE,
            week,
            **kw,
        )
        for n in range(total)
    ]


def deploys(
    service: str, total: int, failed: int, week: int = 0, band: Band = Band.SAFE
) -> list[ScoredDeploy]:
    """``total`` deploys of ``service`` in ``week``, the first ``failed`` of them failed."""
    return [
        ScoredDeploy(
            f"deploy:{service}:{week}.{n}",
            service,
            at(week, 2 + n),
            _SCORES[band],
            band,
            succeeded=n >= failed,
        )
        for n in range(total)
    ]


def incident(
    key: str,
    service: str,
    opened_at: datetime,
    minutes: float | None,
    deploy: ScoredDeploy | None = None,
    shipped: tuple[WeekChange, ...] = (),
) -> WeekIncident:
    """An incident open ``minutes`` (``None``: still open), linked to ``deploy`` if given, which
    shipped ``shipped``."""
    return WeekIncident(
        key,
        service,
        f"Incident {key}",
        opened_at,
        None if minutes is None else opened_at + timedelta(minutes=minutes),
        deploy.key if deploy else None,
        deploy.band if deploy else None,
        deploy.finished_at if deploy else None,
        deploy.score if deploy else None,
        deploy.gates if deploy else (),
        shipped,
    )


def cards(this: WeekAggregate, last: WeekAggregate, rules: CardRules = RULES) -> tuple[Card, ...]:
    """The cards of this week against last week."""
    return build_cards(this, last, rules)


def severities(
    this: WeekAggregate, last: WeekAggregate, rules: CardRules = RULES
) -> dict[str, str]:
    """Card id → severity name, for comparing against a table row."""
    return {c.id: c.severity.value for c in build_cards(this, last, rules)}


# A fact as a test names it: by key, a driver fact by its key and the signal it counts.
FactName = FactKey | tuple[FactKey, str]


def facts(card: Card) -> dict[FactName, float]:
    """A card's facts by key; a driver fact by its key and signal, ``(DRIVEN_BY, "size")``."""
    return {_name(f): f.value for f in card.facts}


def _name(fact: CardFact) -> FactName:
    return (fact.key, fact.signal) if fact.key is FactKey.DRIVEN_BY and fact.signal else fact.key
