"""The ``[sources.opsgenie]`` settings: which Opsgenie services map onto which service keys.

Below the source (``data.sources.opsgenie``: its spec, client and sync) and importing
nothing of the project but the other settings models, so that ``data.config`` reads
``[sources.opsgenie]`` without reaching the source's code.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["DEFAULT_OPSGENIE_URL", "OpsgenieSourceConfig"]

DEFAULT_OPSGENIE_URL = "https://api.opsgenie.com"


class OpsgenieSourceConfig(BaseModel):
    """Opsgenie incidents; ``services`` maps an Opsgenie service id or tag to a service key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    services: dict[str, str] = Field(
        default_factory=dict, description="Opsgenie service id or tag -> service key"
    )
    since: date | None = Field(
        default=None, description="how far back the first sync reads (else `first_sync_days`)"
    )

    def reports_incidents(self) -> bool:
        """Always: Opsgenie is an incident tool."""
        return True
