"""The ``[sources.codecov]`` settings: which Codecov, which git host and repositories.

The token itself is never here: ``token_env`` names the environment variable
that holds it (``RISKBRIEF_CODECOV_TOKEN`` by default). This module imports
nothing of the project, so ``data.config`` can hold it.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["DEFAULT_BASE_URL", "TOKEN_ENV", "CodecovSourceConfig"]

DEFAULT_BASE_URL = "https://api.codecov.io"
TOKEN_ENV = "RISKBRIEF_CODECOV_TOKEN"
_SERVICES = ("github", "gitlab", "bitbucket", "github_enterprise", "gitlab_enterprise")
_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


class CodecovSourceConfig(BaseModel):
    """Where Codecov is and what to read from it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    base_url: str = Field(
        default=DEFAULT_BASE_URL, description="Codecov's API address (self-hosted Codecov's own)"
    )
    service: str = Field(
        default="github",
        description="the git host as Codecov names it: `github`, `gitlab`, `bitbucket`, "
        "`github_enterprise` or `gitlab_enterprise`",
    )
    repositories: tuple[str, ...] = Field(
        default=(),
        description="`owner/name` of each repository; empty: every `[[repositories]]` "
        "entry named so",
    )
    branch: str | None = Field(
        default=None,
        description="the branch whose commits' totals are read; unset: each repository's "
        "default branch",
    )
    token_env: str = Field(
        default=TOKEN_ENV,
        pattern=r"^[A-Z_][A-Z0-9_]*$",
        description="the environment variable holding the token",
    )

    @field_validator("service")
    @classmethod
    def _service(cls, value: str) -> str:
        if value not in _SERVICES:
            raise ValueError(f"must be one of {', '.join(_SERVICES)}")
        return value

    @field_validator("repositories")
    @classmethod
    def _repositories(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            if not _REPO.match(name):
                raise ValueError(f"has {name[:60]!r}, which is not owner/name")
        return value

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("must start with https://")
        return value.rstrip("/")
