"""The ``[sources.datadog]`` settings: which Datadog site, and the SLO of each service.

The keys themselves are never here: ``api_key_env`` and ``app_key_env`` name the
environment variables that hold them. This module imports nothing of the project, so
``data.config`` can hold it.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["API_KEY_ENV", "APP_KEY_ENV", "DEFAULT_DATADOG_URL", "DatadogSourceConfig"]

DEFAULT_DATADOG_URL = "https://api.datadoghq.com"
API_KEY_ENV = "DD_API_KEY"
APP_KEY_ENV = "DD_APP_KEY"
_ENV = r"^[A-Z_][A-Z0-9_]*$"


class DatadogSourceConfig(BaseModel):
    """Datadog's SLOs: ``slos`` maps a service key to the id of the SLO whose budget it spends."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = Field(
        default=DEFAULT_DATADOG_URL,
        pattern=r"^https?://\S+$",
        description="the API address of your Datadog site, e.g. `https://api.datadoghq.eu`",
    )
    slos: dict[str, str] = Field(
        default_factory=dict,
        description='service key -> the id of its SLO, e.g. `{ checkout = "e4c1…" }`',
    )
    timeframe: Literal["7d", "30d", "90d"] = Field(
        default="30d",
        description="the SLO's rolling window whose remaining budget is read (one of its "
        "thresholds' timeframes)",
    )
    step_hours: int = Field(
        default=6,
        ge=1,
        le=168,
        description="how often the budget is sampled (one history request per SLO and "
        "sample): a spent budget's start and end are known to this many hours",
    )
    api_key_env: str = Field(
        default=API_KEY_ENV,
        pattern=_ENV,
        description="the environment variable holding a Datadog API key",
    )
    app_key_env: str = Field(
        default=APP_KEY_ENV,
        pattern=_ENV,
        description="the environment variable holding an application key with `slos_read`",
    )
    since: date | None = Field(
        default=None, description="how far back the first sync reads (else `first_sync_days`)"
    )

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return value.rstrip("/")
