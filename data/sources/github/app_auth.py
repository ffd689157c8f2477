"""Authenticating as a GitHub App installation instead of with a personal token.

The App signs a short JWT with its private key (RS256; ``iat`` 60 s in the
past against clock drift, ``exp`` at most 10 minutes after ``iat``, ``iss`` the
App id) and exchanges it at ``POST /app/installations/{id}/access_tokens`` for
an installation token. That token is used until 5 minutes before its
``expires_at`` and then replaced, so a long sync never sends an expired one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import structlog
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from joserfc import jwt
from joserfc.jwk import RSAKey

from data.sources.times import parse_time
from scoring.errors import ConfigError, SourceError

__all__ = ["REFRESH_MARGIN_SECONDS", "AppAuth", "app_auth", "load_private_key"]

log = structlog.get_logger(__name__)

# An installation token is replaced this long before it expires.
REFRESH_MARGIN_SECONDS = 300.0
# The JWT's iat is set this far in the past, as GitHub recommends against clock drift.
_IAT_SKEW_SECONDS = 60
# exp is 9 minutes ahead (10 after iat): GitHub refuses one more than 10 minutes ahead.
_JWT_LIFETIME_SECONDS = 540

_BAD_KEY = (
    "GITHUB_APP_PRIVATE_KEY is not an RSA private key in PEM format nor the path of a "
    "readable .pem file; paste the key GitHub generated for the App or give the file's path."
)


def load_private_key(value: str) -> RSAPrivateKey:
    """The App's RSA key from PEM text (``\\n`` escapes allowed) or from a path to a .pem file."""
    text = value.strip()
    if "-----BEGIN" not in text:
        path = Path(text).expanduser()
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError, ValueError):
            raise ConfigError(_BAD_KEY) from None
    elif "\\n" in text and "\n" not in text:
        text = text.replace("\\n", "\n")
    try:
        key = serialization.load_pem_private_key(text.strip().encode(), password=None)
    except (ValueError, TypeError):
        raise ConfigError(_BAD_KEY) from None
    if not isinstance(key, RSAPrivateKey):
        raise ConfigError(_BAD_KEY)
    return key


@dataclass(slots=True)
class AppAuth:
    """An ``Auth`` that answers with a cached installation token of a GitHub App.

    ``clock`` is a seam for tests (seconds since the epoch).
    """

    app_id: str
    installation_id: str
    private_key: RSAPrivateKey = field(repr=False)
    clock: Callable[[], float] = time.time
    _token: str | None = field(default=None, repr=False)
    _expires_at: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # How many installation tokens were minted, for the sync log and tests.
    minted: int = 0

    def app_jwt(self) -> str:
        """A fresh JWT signed with the App's key."""
        now = int(self.clock())
        claims = {
            "iat": now - _IAT_SKEW_SECONDS,
            "exp": now + _JWT_LIFETIME_SECONDS,
            "iss": self.app_id,
        }
        return jwt.encode({"alg": "RS256"}, claims, RSAKey.import_key(self.private_key))

    def authorization(self, http: httpx.Client, base_url: str) -> str:
        """``Bearer <installation token>``, minting a new token when the cached one is due."""
        with self._lock:
            if self._token is None or self.clock() >= self._expires_at - REFRESH_MARGIN_SECONDS:
                self._token, self._expires_at = self._exchange(http, base_url)
                self.minted += 1
            return f"Bearer {self._token}"

    def _exchange(self, http: httpx.Client, base_url: str) -> tuple[str, float]:
        url = f"{base_url.rstrip('/')}/app/installations/{self.installation_id}/access_tokens"
        headers = {
            "Authorization": f"Bearer {self.app_jwt()}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": "riskbrief",
        }
        try:
            response = http.post(url, headers=headers)
        except httpx.HTTPError as exc:
            raise SourceError(
                f"GitHub at {base_url} cannot be reached to mint a GitHub App token "
                f"({type(exc).__name__}); check GITHUB_API_URL and the network."
            ) from None
        status = response.status_code
        if status == 401:
            raise SourceError(
                "GitHub refused the GitHub App's signed token (401); check that GITHUB_APP_ID "
                "and GITHUB_APP_PRIVATE_KEY belong to the same App and the clock is right."
            )
        if status in (403, 404):
            raise SourceError(
                f"GitHub has no installation {self.installation_id} of App {self.app_id} "
                f"({status}); check GITHUB_APP_INSTALLATION_ID and that the App is installed."
            )
        if status >= 400:
            raise SourceError(
                f"GitHub answered {status} when minting a GitHub App installation token; "
                "the next sync retries."
            )
        try:
            body = response.json()
            token = body["token"]
            expires = parse_time(body["expires_at"], "expires_at", naive_is_utc=True)
        except (ValueError, KeyError, TypeError):
            raise SourceError(
                "GitHub's answer to the GitHub App token request has no token and expiry; "
                "check GITHUB_API_URL points at GitHub's REST API."
            ) from None
        if not isinstance(token, str) or not token:
            raise SourceError(
                "GitHub's answer to the GitHub App token request has an empty token; "
                "check GITHUB_API_URL points at GitHub's REST API."
            )
        log.info("github_app_token_minted", installation=self.installation_id)
        return token, expires.timestamp()

    def __repr__(self) -> str:
        return f"AppAuth(app_id={self.app_id!r}, installation_id={self.installation_id!r})"


def app_auth(
    app_id: str | None,
    private_key: str | None,
    installation_id: str | None,
    *,
    clock: Callable[[], float] = time.time,
) -> AppAuth:
    """An ``AppAuth`` from the three settings, or one sentence naming the one that is missing."""
    for name, value in (
        ("GITHUB_APP_ID", app_id),
        ("GITHUB_APP_PRIVATE_KEY", private_key),
        ("GITHUB_APP_INSTALLATION_ID", installation_id),
    ):
        if not value or not value.strip():
            raise ConfigError(
                f"{name} is not set; a GitHub App needs GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY "
                "and GITHUB_APP_INSTALLATION_ID (or set GITHUB_TOKEN instead)."
            )
    return AppAuth(
        str(app_id).strip(),
        str(installation_id).strip(),
        load_private_key(str(private_key)),
        clock=clock,
    )
