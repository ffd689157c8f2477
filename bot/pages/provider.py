"""The organisation's OpenID Connect provider as the code flow reads it: its discovery
document (OpenID Connect Discovery 1.0) and its signing keys (a joserfc ``KeySet``), each
fetched once per instance, the keys again when a token names a key not seen yet (a rotation).

Ours rather than authlib's: authlib reads discovery documents and key sets only in its
web-framework integrations (``base_client``'s ``OAuth2Mixin``/``OpenIDMixin``, behind a
Flask, Django or Starlette app), which neither check that the document names the issuer
it was fetched for nor fail in a sentence a person can act on.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import httpx2
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from bot.pages.identity import SignInError
from data.http.retry import host_of

__all__ = ["Endpoints", "Provider", "unreachable"]


def unreachable(url: str) -> SignInError:
    """The one sentence of a provider at ``url`` that does not answer at all."""
    return SignInError(
        f"riskbrief could not reach the identity provider at {host_of(url)}; check that it "
        "is up and that this server can reach it, then sign in again."
    )


@dataclass(frozen=True, slots=True)
class Endpoints:
    """The parts of the discovery document the code flow uses."""

    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


class Provider:
    """One issuer's discovery document and keys, read through ``client``; safe to share
    between threads."""

    def __init__(self, issuer: str, client: httpx2.Client) -> None:
        self.issuer = issuer
        self._client = client
        self._lock = threading.Lock()
        self._endpoints: Endpoints | None = None
        self._keys: KeySet | None = None

    def _get_json(self, url: str, what: str) -> dict[str, Any]:
        """The JSON object at ``url``; ``what`` names it in the one sentence of a failure."""
        # No retries: the person can press the button again, and a sign-in page that
        # hangs for a minute of backoffs is worse than one sentence now.
        host = host_of(url)
        try:
            response = self._client.get(url, headers={"Accept": "application/json"})
        except httpx2.HTTPError:
            raise unreachable(url) from None
        if response.status_code != 200:
            raise SignInError(
                f"The identity provider at {host} answered HTTP {response.status_code} for its "
                f"{what}; check the issuer URL in riskbrief's settings, then sign in again."
            )
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise SignInError(
                f"The identity provider at {host} sent a {what} that is not a JSON object; "
                "check the issuer URL in riskbrief's settings, then sign in again."
            )
        return body

    def endpoints(self) -> Endpoints:
        """The endpoints of the discovery document, read on first use."""
        with self._lock:
            if self._endpoints is not None:
                return self._endpoints
        issuer, host = self.issuer, host_of(self.issuer)
        # OpenID Connect Discovery 1.0, 4: the path is appended to the issuer without its slash.
        document = self._get_json(
            issuer.rstrip("/") + "/.well-known/openid-configuration", "discovery document"
        )
        # Discovery 1.0, 4.3: the document must name exactly the issuer it was fetched for,
        # or another tenant's document (and keys) could stand in for this one's.
        if document.get("issuer") != issuer:
            raise SignInError(
                f"The identity provider at {host} names a different issuer than the one "
                "configured; set riskbrief's issuer to exactly the 'issuer' of its discovery "
                "document."
            )
        fields = {}
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            value = document.get(name)
            if not isinstance(value, str) or not value:
                raise SignInError(
                    f"The identity provider at {host} lists no {name} in its discovery "
                    "document; check that the issuer URL is an OpenID Connect provider."
                )
            fields[name] = value
        endpoints = Endpoints(**fields)
        with self._lock:
            self._endpoints = endpoints
        return endpoints

    def keys(self, *, fresh: bool = False) -> KeySet:
        """The provider's signing keys: those fetched before, unless ``fresh``."""
        with self._lock:
            if self._keys is not None and not fresh:
                return self._keys
        jwks_uri = self.endpoints().jwks_uri
        body = self._get_json(jwks_uri, "signing keys (JWKS)")
        try:
            keys = KeySet.import_key_set(body)  # type: ignore[arg-type]
        except (JoseError, KeyError, TypeError, ValueError):
            raise SignInError(
                f"The identity provider at {host_of(jwks_uri)} publishes signing "
                "keys riskbrief cannot read; ask your administrator to check the provider."
            ) from None
        with self._lock:
            self._keys = keys
        return keys
