"""The ``[sources.linear]`` settings: which teams, and which labels make a bug or an incident.

The API key is never here: ``token_env`` names the environment variable that
holds it (``RISKBRIEF_LINEAR_API_KEY`` by default), a personal API key sent as
Linear asks, ``Authorization: <key>``. This module imports nothing of the
project, so ``data.config`` can hold it.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "DEFAULT_API_URL",
    "DEFAULT_SEVERITIES",
    "TOKEN_ENV",
    "LinearSourceConfig",
]

DEFAULT_API_URL = "https://api.linear.app/graphql"
TOKEN_ENV = "RISKBRIEF_LINEAR_API_KEY"
_TEAM = re.compile(r"^[A-Z][A-Z0-9]{0,6}$")
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
# Linear's priorities (0 none, 1 urgent … 4 low) as incident severities.
DEFAULT_SEVERITIES: dict[int, str] = {1: "sev1", 2: "sev2", 3: "sev3", 4: "sev4"}


class LinearSourceConfig(BaseModel):
    """A Linear workspace's teams whose issues say which changes fix bugs and what broke.

    ``teams`` are team keys (``ENG``: the prefix of ``ENG-123``). An issue is a
    bug when it carries one of ``bug_labels`` (Linear has no issue types;
    labels are how workspaces type issues), an incident with one of
    ``incident_labels``. An incident's service is a label naming a
    ``[[services]]`` key, else ``services[team key]``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    api_url: str = Field(default=DEFAULT_API_URL, description="Linear's GraphQL endpoint")
    teams: tuple[str, ...] = Field(
        default=(), description='team keys (the prefix of `ENG-123`), e.g. `["ENG"]`'
    )
    since: date | None = Field(
        default=None, description="how far back the first sync reads (else `first_sync_days`)"
    )
    lag_minutes: int = Field(
        default=5, ge=0, le=1440, description="re-read this much before the saved watermark"
    )
    bug_labels: tuple[str, ...] = Field(
        default=("Bug",), description="labels that make an issue a bug (any case)"
    )
    incident_labels: tuple[str, ...] = Field(
        default=("Incident",), description="labels that make an issue an incident"
    )
    severities: dict[int, str] = Field(
        default_factory=lambda: dict(DEFAULT_SEVERITIES),
        description="an incident's priority (1 urgent … 4 low) -> severity",
    )
    services: dict[str, str] = Field(
        default_factory=dict,
        description="team key -> service key, for incidents no label places",
    )
    page_size: int = Field(default=50, ge=1, le=250, description="issues per page")
    token_env: str = Field(
        default=TOKEN_ENV, description="the variable holding the personal API key"
    )

    @field_validator("api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("is not a URL such as https://api.linear.app/graphql")
        return value.strip()

    @field_validator("teams")
    @classmethod
    def _teams(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for team in value:
            if not _TEAM.match(team):
                raise ValueError(
                    f"{team!r} is not a Linear team key; write the prefix of the team's "
                    "issue identifiers, e.g. ENG"
                )
        if len(set(value)) != len(value):
            raise ValueError("names a team twice")
        return value

    @field_validator("token_env")
    @classmethod
    def _token_env(cls, value: str) -> str:
        if not _ENV_NAME.match(value):
            raise ValueError("is not an environment variable name such as RISKBRIEF_LINEAR_API_KEY")
        return value

    def has_label(self, labels: tuple[str, ...], wanted: tuple[str, ...]) -> bool:
        """Whether one of ``labels`` is one of ``wanted`` (any case)."""
        lowered = {w.strip().casefold() for w in wanted}
        return any(label.strip().casefold() in lowered for label in labels)

    def reports_incidents(self) -> bool:
        """Whether these settings read incidents, so that a service without one had none."""
        return bool(self.incident_labels)
