"""What one delivery run did: an outcome per subscriber and channel, and its terminal lines."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CHANNELS", "DeliveryOutcome", "DeliveryReport", "ordered", "report_lines"]

CHANNELS = ("slack", "email")


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    """What happened to one delivery in this run.

    ``status``: ``sent``; ``found`` (an earlier attempt had reached Slack, now recorded);
    ``failed`` (``detail`` says why in one sentence); ``skipped`` (sent before, in flight
    elsewhere, waiting to retry, or this replica lost the lead); ``unconfigured``
    (``detail`` names the setting). ``attempt`` counts this delivery's attempts so far
    (0 when none was made in this run).
    """

    subscriber: str
    channel: str
    week: str
    status: str
    detail: str = ""
    attempt: int = 0


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """Every outcome of one ``deliver`` run, in subscriber then channel order."""

    outcomes: tuple[DeliveryOutcome, ...] = ()

    @property
    def failures(self) -> tuple[DeliveryOutcome, ...]:
        """The deliveries that failed in this run."""
        return tuple(o for o in self.outcomes if o.status == "failed")

    @property
    def delivered(self) -> tuple[DeliveryOutcome, ...]:
        """The deliveries this run sent or found sent."""
        return tuple(o for o in self.outcomes if o.status in ("sent", "found"))


def report_lines(report: DeliveryReport) -> list[str]:
    """One line per delivery, then a total, for the terminal."""
    lines = [
        f"  {o.subscriber} {o.channel}: {o.status}" + (f" — {o.detail}" if o.detail else "")
        for o in report.outcomes
    ]
    weeks = ", ".join(sorted({o.week for o in report.outcomes})) or "no week"
    total = sum(1 for o in report.outcomes if o.status != "unconfigured")
    lines.append(f"Sent {len(report.delivered)} of {total} deliveries for {weeks}.")
    return lines


def ordered(outcomes: list[DeliveryOutcome], keys: list[str]) -> tuple[DeliveryOutcome, ...]:
    """``outcomes`` in the order of the subscriber ``keys``, then of ``CHANNELS``."""
    rank = {k: i for i, k in enumerate(keys)}
    return tuple(
        sorted(outcomes, key=lambda o: (rank.get(o.subscriber, 0), CHANNELS.index(o.channel)))
    )
