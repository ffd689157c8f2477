"""What one delivery run did: an outcome per subscriber and channel, and its terminal lines."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.delivery.registry import CHANNELS
from data.store.tables import ChannelName

__all__ = [
    "CHANNELS",
    "DeliveryOutcome",
    "DeliveryReport",
    "OutcomeStatus",
    "ordered",
    "report_lines",
]


class OutcomeStatus(StrEnum):
    """What happened to one delivery in one run (see ``DeliveryOutcome``)."""

    SENT = "sent"
    FOUND = "found"
    FAILED = "failed"
    SKIPPED = "skipped"
    UNCONFIGURED = "unconfigured"

    @property
    def delivered(self) -> bool:
        """True when the briefing is with the reader: sent now, or found sent earlier."""
        return self in (OutcomeStatus.SENT, OutcomeStatus.FOUND)


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    """What happened to one delivery in this run.

    ``status``: ``sent``; ``found`` (an earlier attempt had reached the channel, now recorded);
    ``failed`` (``detail`` says why in one sentence); ``skipped`` (sent before, in flight
    elsewhere, waiting to retry, or this replica lost the lead); ``unconfigured``
    (``detail`` names the setting). ``attempt`` counts this delivery's attempts so far
    (0 when none was made in this run).
    """

    subscriber: str
    channel: ChannelName
    week: str
    status: OutcomeStatus
    detail: str = ""
    attempt: int = 0


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """Every outcome of one ``deliver`` run, in subscriber then channel order."""

    outcomes: tuple[DeliveryOutcome, ...] = ()

    @property
    def failures(self) -> tuple[DeliveryOutcome, ...]:
        """The deliveries that failed in this run."""
        return tuple(o for o in self.outcomes if o.status == OutcomeStatus.FAILED)

    @property
    def delivered(self) -> tuple[DeliveryOutcome, ...]:
        """The deliveries this run sent or found sent."""
        return tuple(o for o in self.outcomes if o.status.delivered)


def report_lines(report: DeliveryReport) -> list[str]:
    """One line per delivery, then a total, for the terminal."""
    lines = [
        f"  {o.subscriber} {o.channel}: {o.status}" + (f" — {o.detail}" if o.detail else "")
        for o in report.outcomes
    ]
    weeks = ", ".join(sorted({o.week for o in report.outcomes})) or "no week"
    total = sum(1 for o in report.outcomes if o.status != OutcomeStatus.UNCONFIGURED)
    lines.append(f"Sent {len(report.delivered)} of {total} deliveries for {weeks}.")
    return lines


def ordered(outcomes: list[DeliveryOutcome], keys: list[str]) -> tuple[DeliveryOutcome, ...]:
    """``outcomes`` in the order of the subscriber ``keys``, then of ``CHANNELS``."""
    rank = {k: i for i, k in enumerate(keys)}
    return tuple(
        sorted(outcomes, key=lambda o: (rank.get(o.subscriber, 0), CHANNELS.index(o.channel)))
    )
