"""The ``[sources.pagerduty]`` settings: which PagerDuty services map onto which service keys.

Below the source (``data.sources.pagerduty``: its spec, client and sync) and importing
nothing of the project but the other settings models, so that ``data.config`` reads
``[sources.pagerduty]`` without reaching the source's code.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["DEFAULT_PAGERDUTY_URL", "PagerDutySourceConfig"]

DEFAULT_PAGERDUTY_URL = "https://api.pagerduty.com"


class PagerDutySourceConfig(BaseModel):
    """PagerDuty incidents; ``services`` maps a PagerDuty service id (``PXXXXXX``) to a key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    services: dict[str, str] = Field(
        default_factory=dict,
        description='PagerDuty service id -> service key, e.g. `{ PABC123 = "checkout" }`',
    )
    since: date | None = Field(
        default=None, description="how far back the first sync reads (else `first_sync_days`)"
    )

    def reports_incidents(self) -> bool:
        """Always: PagerDuty is an incident tool."""
        return True
