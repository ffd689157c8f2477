"""The reads of deliveries: a Slack message's, the oldest claim and the unfinished by status."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine

from data.store.engine import session_scope
from data.store.reads.deliveries import oldest_claim, slack_delivery, unfinished_counts
from data.store.tables import ChannelName, Delivery, DeliveryStatus, Subscriber
from tests.data.rows import T0


def _deliveries(engine: Engine) -> None:
    """Two claims in flight, a failed delivery and a sent Slack message, each of its own week."""
    with session_scope(engine) as s:
        lead = Subscriber(key="lead", name="Lead")
        s.add(lead)
        s.flush()
        assert lead.id is not None
        rows = [
            (ChannelName.SLACK, DeliveryStatus.CLAIMED, 30, None),
            (ChannelName.EMAIL, DeliveryStatus.CLAIMED, 10, None),
            (ChannelName.EMAIL, DeliveryStatus.FAILED, 5, None),
            (ChannelName.SLACK, DeliveryStatus.SENT, 60, "1700000000.000100"),
        ]
        for n, (channel, status, minutes, ts) in enumerate(rows):
            s.add(
                Delivery(
                    subscriber_id=lead.id,
                    week=f"2026-W{40 + n}",
                    channel=channel,
                    status=status,
                    external_id=ts,
                    claimed_at=T0,
                    attempted_at=T0 + timedelta(minutes=minutes),
                )
            )


def test_slack_delivery_by_message(engine: Engine) -> None:
    """The delivery that sent a Slack message is found by its ts; an unknown ts finds none."""
    _deliveries(engine)
    with session_scope(engine) as s:
        found = slack_delivery(s, "1700000000.000100")
        assert found is not None
        assert found.week == "2026-W43"
        assert slack_delivery(s, "1700000000.000999") is None


def test_oldest_claim_and_unfinished_counts(engine: Engine) -> None:
    """The oldest attempt still claimed is read, and the claimed and failed are counted apart."""
    _deliveries(engine)
    with session_scope(engine) as s:
        oldest = oldest_claim(s)
        assert oldest is not None
        assert oldest.replace(tzinfo=None) == (T0 + timedelta(minutes=10)).replace(tzinfo=None)
        assert unfinished_counts(s) == {DeliveryStatus.CLAIMED: 2, DeliveryStatus.FAILED: 1}


def test_an_empty_store_has_no_claim(engine: Engine) -> None:
    """With no delivery, there is no oldest claim and nothing unfinished."""
    with session_scope(engine) as s:
        assert oldest_claim(s) is None
        assert unfinished_counts(s) == {}
