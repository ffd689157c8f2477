"""A briefing built from the store compares a thin last week with the weeks before it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from briefing.build import Recipient, build_payload
from briefing.deterministic import write_deterministic
from briefing.week import IsoWeek
from data.config import parse_org_config
from data.store.engine import session_scope
from scoring.card_terms import CardKind, FactKey
from tests.data.rows import T0, base, incident

_ORG = (
    '[[repositories]]\nname = "acme/shop"\n'
    '[[services]]\nkey = "payments"\nrepository = "acme/shop"\npaths = ["p/**"]\n'
)


def _mttr_card(engine: Engine, plan: dict[int, list[float]]) -> tuple[dict[FactKey, float], str]:
    """The MTTR card's facts and paragraph in a store holding ``plan``'s incidents (weeks ago:
    minutes to resolve each), briefed for the week four weeks after ``T0``."""
    this_monday = T0 + timedelta(weeks=4)
    with session_scope(engine) as s:
        _, payments, _, _ = base(s)
        for weeks_ago, minutes in plan.items():
            monday = this_monday - timedelta(weeks=weeks_ago)
            for i, m in enumerate(minutes):
                incident(s, payments, f"INC-{weeks_ago}.{i}", monday + timedelta(hours=i), m)
    org = parse_org_config(_ORG)
    with Session(engine) as session:
        payload = build_payload(
            session, org, Recipient("em", "Em", "UTC"), IsoWeek.of(this_monday.date())
        )
    [card] = [c for c in payload.cards if c.kind is CardKind.MTTR]
    paragraph = write_deterministic(payload).paragraph(card.id)
    assert paragraph is not None
    return {f.key: f.value for f in card.facts}, paragraph


def test_the_briefing_reads_the_eight_weeks_before_for_a_thin_last_week(engine: Engine) -> None:
    """Incidents of the eight weeks before reach the MTTR card, which names them as its baseline."""
    facts, paragraph = _mttr_card(engine, {0: [200, 260, 330], 1: [40], 2: [45], 7: [50], 9: [600]})
    # Seven weeks ago (50 min) is inside the eight-week baseline, nine weeks ago (600) outside.
    assert (facts[FactKey.MTTR_BASELINE], facts[FactKey.BASELINE_WEEKS]) == (45, 8)
    assert "against a median of 45 min over the 8 weeks before" in paragraph


def test_a_young_store_says_how_many_weeks_it_compared_with(engine: Engine) -> None:
    """A store whose first incident opened three weeks ago compares a thin last week with those
    three weeks and says so, not "over the 8 weeks before"."""
    facts, paragraph = _mttr_card(engine, {0: [200, 260, 330], 1: [40], 2: [45], 3: [50]})
    assert (facts[FactKey.MTTR_BASELINE], facts[FactKey.BASELINE_WEEKS]) == (45, 3)
    assert "against a median of 45 min over the 3 weeks before" in paragraph
