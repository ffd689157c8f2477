"""A briefing as stored for a subscriber's week, and each send of it on a channel."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from data.channels import ChannelName
from data.store.tables.columns import Words, json_column, utc_column

__all__ = ["Briefing", "Delivery", "DeliveryStatus"]


class DeliveryStatus(StrEnum):
    """Where a delivery row stands: in flight, sent, or failed and waiting for a retry."""

    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"


class Briefing(SQLModel, table=True):
    """A subscriber's briefing for one ISO week: the payload, the narrative and what it cost."""

    __table_args__ = (sa.UniqueConstraint("subscriber_id", "week", name="uq_briefing_week"),)

    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int = Field(foreign_key="subscriber.id", index=True)
    week: str  # ISO week, e.g. "2026-W46"
    payload: dict[str, Any] = json_column(dict, nullable=False)
    narrative: dict[str, Any] = json_column(dict, nullable=False)
    narrative_source: str = "deterministic"
    model: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0
    cost_usd: float = 0.0
    created_at: datetime = utc_column()


class Delivery(SQLModel, table=True):
    """One send of a briefing on one channel; the unique key makes it happen at most once."""

    __table_args__ = (
        sa.UniqueConstraint("subscriber_id", "week", "channel", name="uq_delivery_once"),
        sa.CheckConstraint("status IN ('claimed', 'sent', 'failed')", name="ck_delivery_status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int = Field(foreign_key="subscriber.id", index=True)
    briefing_id: int | None = Field(default=None, foreign_key="briefing.id")
    week: str
    channel: ChannelName = Field(sa_column=sa.Column(Words(ChannelName), nullable=False))
    status: DeliveryStatus = Field(
        default=DeliveryStatus.CLAIMED,
        sa_column=sa.Column(Words(DeliveryStatus), nullable=False),
    )
    attempts: int = 0
    last_error: str | None = None
    external_id: str | None = None  # what the channel named the sent message (Slack ts...)
    # Where the latest attempt sent (a Slack channel id, an email address, a Teams
    # webhook's host), so that a retry looks for an earlier attempt's message where it went.
    destination: str | None = None
    claimed_at: datetime = utc_column()
    # When the latest attempt began: a claim whose attempt is old has crashed and is retried.
    attempted_at: datetime | None = utc_column(nullable=True)
    sent_at: datetime | None = utc_column(nullable=True)
    # The scheduler's term that claimed the latest attempt (``None`` for a send by hand):
    # a claim of an ended term has lost its sender and is retried at once.
    term: int | None = None
