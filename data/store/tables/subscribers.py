"""Who receives the briefing, its scope, and where each is reached."""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import relationship
from sqlmodel import Field, Relationship, SQLModel

from data.channels import ChannelName, address_of
from data.store.tables.columns import Words, json_column

__all__ = ["Subscriber", "SubscriberAddress", "SubscriberOrigin"]


class SubscriberOrigin(StrEnum):
    """Who owns a subscriber row: ``riskbrief.toml`` or the reader's ``/risk subscribe``.

    A config subscriber is replaced or retired when the file changes; a Slack one is
    left alone by a config sync, and superseded when the file declares the same member.
    """

    CONFIG = "config"
    SLACK = "slack"


class SubscriberAddress(SQLModel, table=True):
    """A subscriber's address on one channel whose address is not a column of ``subscriber``.

    ``channel`` is a ``ChannelName`` value, unchecked text as ``delivery.channel`` is, so a
    new channel stores its addresses here without a migration.
    """

    __tablename__ = "subscriber_address"
    __table_args__ = (
        sa.UniqueConstraint("subscriber_id", "channel", name="uq_subscriber_address"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int | None = Field(default=None, foreign_key="subscriber.id", index=True)
    channel: str
    # May be a secret (a Teams webhook URL is its own credential): never logged whole.
    address: str


class Subscriber(SQLModel, table=True):
    """A manager who receives the weekly briefing, and the scope it covers."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True)
    name: str
    # The two addresses that are also who the subscriber is: the Slack member ``/risk``
    # answers, and the email ``/risk subscribe`` sets. Other channels' are ``addresses``.
    slack_user_id: str | None = None
    email: str | None = None
    timezone: str = "UTC"
    # The organisation's teams (and services) the briefing covers: its scope.
    teams: list[str] = json_column(list, nullable=False)
    services: list[str] = json_column(list, nullable=False)
    active: bool = True
    origin: SubscriberOrigin = Field(
        default=SubscriberOrigin.CONFIG,
        sa_column=sa.Column(Words(SubscriberOrigin), nullable=False),
    )
    # Loaded with the row (one more query per batch of rows), so that a row read in a
    # session that has ended still answers ``address_on``; replaced whole by ``sync_org``.
    # (A relationship of its own: SQLModel cannot read this module's string annotations.)
    addresses: list[SubscriberAddress] = Relationship(
        sa_relationship=relationship(
            SubscriberAddress, lazy="selectin", cascade="all, delete-orphan", uselist=True
        )
    )

    def address_on(self, channel: ChannelName) -> str | None:
        """Where this subscriber is reached on ``channel``, or ``None`` when they are not."""
        declared = address_of(channel)
        if declared.identity:
            found: str | None = getattr(self, declared.key)
            return found
        return next((a.address for a in self.addresses if a.channel == channel), None)

    def give_address(self, channel: ChannelName, address: str | None) -> None:
        """Reach this subscriber at ``address`` on ``channel`` from now on; ``None``: not at all."""
        declared = address_of(channel)
        if declared.identity:
            setattr(self, declared.key, address)
            return
        held = next((a for a in self.addresses if a.channel == channel), None)
        if held is not None and not address:
            # Deleted at the flush: the relationship's cascade removes orphans.
            self.addresses.remove(held)
        elif held is not None and address:
            # Updated, not replaced: a delete and an insert of one (subscriber, channel)
            # in one flush would meet the unique key in the wrong order.
            held.address = address
        elif address:
            self.addresses.append(SubscriberAddress(channel=channel, address=address))
