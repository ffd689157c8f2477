"""The reads of stored briefings: a subscriber's week, the one a delivery sent, newest first."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from data.store.engine import session_scope
from data.store.reads.briefings import briefing_of, briefing_sent, briefings_newest_first
from data.store.tables import Briefing, ChannelName, Delivery, DeliveryStatus, Subscriber
from tests.data.rows import T0


def _briefings(s: Session, *weeks: str) -> tuple[int, dict[str, int]]:
    """A subscriber with a briefing of each of ``weeks``: its id and the briefings' ids by week."""
    lead = Subscriber(key="lead", name="Lead")
    s.add(lead)
    s.flush()
    assert lead.id is not None
    rows = {
        w: Briefing(subscriber_id=lead.id, week=w, payload={}, narrative={}, created_at=T0)
        for w in weeks
    }
    s.add_all(rows.values())
    s.flush()
    return lead.id, {w: b.id for w, b in rows.items() if b.id is not None}


def test_briefing_of_is_the_subscribers_week(engine: Engine) -> None:
    """The briefing of the week asked for is read; a week without one reads as none."""
    with session_scope(engine) as s:
        lead, ids = _briefings(s, "2026-W45", "2026-W46")
    with session_scope(engine) as s:
        found = briefing_of(s, lead, "2026-W46")
        assert found is not None
        assert found.id == ids["2026-W46"]
        assert briefing_of(s, lead, "2026-W47") is None


def test_briefing_sent_is_the_one_a_delivery_named(engine: Engine) -> None:
    """The week's briefing a delivery sent is read; a week whose delivery named none reads none."""
    with session_scope(engine) as s:
        lead, ids = _briefings(s, "2026-W45", "2026-W46")
        for week, briefing in (("2026-W45", None), ("2026-W46", ids["2026-W45"])):
            s.add(
                Delivery(
                    subscriber_id=lead,
                    briefing_id=briefing,
                    week=week,
                    channel=ChannelName.SLACK,
                    status=DeliveryStatus.SENT,
                    claimed_at=T0,
                )
            )
    with session_scope(engine) as s:
        sent = briefing_sent(s, lead, "2026-W46")
        assert sent is not None
        assert sent.id == ids["2026-W45"]
        assert briefing_sent(s, lead, "2026-W45") is None


def test_briefings_newest_first(engine: Engine) -> None:
    """A subscriber's briefings are read newest week first; another subscriber has none."""
    with session_scope(engine) as s:
        lead, _ = _briefings(s, "2026-W46", "2026-W44", "2026-W45")
    with session_scope(engine) as s:
        weeks = [b.week for b in briefings_newest_first(s, lead)]
        assert weeks == ["2026-W46", "2026-W45", "2026-W44"]
        assert list(briefings_newest_first(s, lead + 1)) == []
