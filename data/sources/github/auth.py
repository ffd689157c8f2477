"""Where a GitHub request's ``Authorization`` header comes from; App tokens are in ``app_auth``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import httpx

__all__ = ["Auth", "TokenAuth"]


class Auth(Protocol):
    """Where the ``Authorization`` header comes from (a token, or a GitHub App installation)."""

    def authorization(self, http: httpx.Client, base_url: str) -> str:
        """The value of the ``Authorization`` header for the next request."""
        ...


@dataclass(frozen=True, slots=True)
class TokenAuth:
    """A personal access token or Actions' ``GITHUB_TOKEN``."""

    token: str

    def authorization(self, http: httpx.Client, base_url: str) -> str:
        """``Bearer <token>``."""
        return f"Bearer {self.token}"

    def __repr__(self) -> str:
        return "TokenAuth(token=***)"
