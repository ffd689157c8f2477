"""The ``[sources.argocd]`` settings: which Argo CD server, and which applications deploy which
service.

The token itself is never here: ``token_env`` names the environment variable that holds it
(``ARGOCD_AUTH_TOKEN`` by default, the name Argo CD's own CLI reads). This module imports
nothing of the project, so ``data.config`` can hold it.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["TOKEN_ENV", "ArgoCDAppConfig", "ArgoCDSourceConfig"]

TOKEN_ENV = "ARGOCD_AUTH_TOKEN"
# An application's name is a Kubernetes object name (RFC 1123 subdomain).
_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")


class ArgoCDAppConfig(BaseModel):
    """One Argo CD application whose syncs are deploys of one riskbrief service."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=_NAME.pattern, description="the Argo CD application's name")
    service: str = Field(min_length=1, description="the `[[services]]` key it deploys")
    project: str | None = Field(
        default=None,
        min_length=1,
        description="its Argo CD project; with it, an unknown application is told apart from "
        "one the token may not read",
    )


class ArgoCDSourceConfig(BaseModel):
    """An Argo CD server and the applications whose sync history is read as deploys."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Required; an empty default so that a missing one is told in the validator's words.
    url: str = Field(
        default="",
        validate_default=True,
        description="the Argo CD server's address, e.g. `https://argocd.example.com` (required)",
    )
    token_env: str = Field(
        default=TOKEN_ENV,
        pattern=r"^[A-Z_][A-Z0-9_]*$",
        description="the environment variable holding an Argo CD API token (Bearer)",
    )
    applications: tuple[ArgoCDAppConfig, ...] = Field(
        default=(),
        validate_default=True,
        description="each application and the service it deploys, e.g. `[{ name = "
        '"checkout-prod", service = "checkout" }]`, optional `project` (at least one)',
    )

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value:
            raise ValueError(
                "is required: the Argo CD server's address, e.g. https://argocd.example.com"
            )
        if not re.match(r"^https?://\S+$", value):
            raise ValueError(f"must start with https:// (got {value[:60]!r})")
        return value.rstrip("/")

    @field_validator("applications")
    @classmethod
    def _applications(cls, value: tuple[ArgoCDAppConfig, ...]) -> tuple[ArgoCDAppConfig, ...]:
        if not value:
            raise ValueError(
                'needs at least one application, e.g. applications = [{ name = "checkout-prod", '
                'service = "checkout" }]'
            )
        names = [a.name for a in value]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"names {twice[0]!r} twice; each application once")
        return value
