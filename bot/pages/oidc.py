"""Sign-in to the web view with an organisation's OpenID Connect provider.

The authorization code flow with PKCE (S256), ``state`` and ``nonce``, as OpenID
Connect Core 1.0 and RFC 7636 describe it:

- ``begin`` reads the provider's discovery document (once per instance), and
  returns the URL to send the browser to plus a ``Pending``: the secrets the
  browser must carry back, which the caller keeps in an itsdangerous-signed
  cookie (signed, so a browser cannot choose its own ``next`` or ``state``);
- ``finish`` takes the query the provider redirected back with, checks its
  ``state``, exchanges the code (with the PKCE verifier) at the token endpoint
  and validates the ID token, returning who signed in.

The provider's discovery document and keys are ``bot.pages.provider``'s; the ID
token's checks ``bot.pages.id_token``'s; who signed in ``bot.pages.identity``'s.
Every failure is a ``SignInError`` whose message is one sentence saying what to do;
none echoes a code or a token.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import re
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import quote

import httpx

from bot.pages.id_token import IdTokenCheck, same
from bot.pages.identity import Identity, SignInError, identity_of
from bot.pages.provider import Endpoints, Provider
from data.http.client import http_client
from data.http.retry import host_of
from scoring.errors import ConfigError

__all__ = [
    "Identity",
    "OidcConfig",
    "OidcSignIn",
    "Pending",
    "SignInError",
    "safe_next",
]

# A person is waiting at the browser: a provider that takes longer has failed them already.
_TIMEOUT = 10.0
# An OAuth error code is ASCII without quotes or backslashes (RFC 6749, 4.1.2.1); anything
# else a crafted redirect put in the query is not repeated to the user.
_ERROR_CODE = re.compile(r"[A-Za-z0-9_.\-]{1,64}")


def safe_next(path: str) -> str | None:
    """``path`` when it is a path on this site to return to after sign-in, else ``None``.

    A sign-in link can carry anything; returning to ``//evil.example`` or
    ``/\\evil.example`` (both of which browsers read as another host) or to a full
    URL would make riskbrief an open redirect.
    """
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return None
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in path):
        return None
    return path


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class OidcConfig:
    """The provider and how riskbrief is registered with it.

    ``client_secret`` ``None`` is a public client: PKCE alone protects the code.
    ``issuer`` must be HTTPS, except on a loopback address (a provider on this machine).
    """

    issuer: str
    client_id: str
    client_secret: str | None
    redirect_uri: str
    scopes: tuple[str, ...] = ("openid", "email", "profile")

    def __post_init__(self) -> None:
        url = httpx.URL(self.issuer)
        # Over plain HTTP anyone on the path could serve their own keys and sign anyone in.
        if url.scheme != "https" and not (url.scheme == "http" and _loopback(url.host)):
            raise ConfigError(
                f"The OpenID Connect issuer {self.issuer!r} is not an https:// URL; "
                "set it to the issuer URL your identity provider documents."
            )
        if not self.client_id:
            raise ConfigError(
                "The OpenID Connect client ID is empty; set it to the ID the identity "
                "provider gave riskbrief when you registered it."
            )
        if "openid" not in self.scopes:
            raise ConfigError(
                "The OpenID Connect scopes lack 'openid'; add it, or the provider sends no "
                "ID token."
            )


@dataclass(frozen=True, slots=True)
class Pending:
    """What the browser carries between ``begin`` and ``finish``; ``next`` is where to return."""

    state: str
    nonce: str
    code_verifier: str
    next: str = "/"

    def __post_init__(self) -> None:
        if safe_next(self.next) is None:
            raise SignInError(
                "The page to return to after signing in is not on this site; sign in again "
                "from a riskbrief page."
            )

    def to_dict(self) -> dict[str, str]:
        """The fields as strings, for the caller's signed cookie."""
        return {
            "state": self.state,
            "nonce": self.nonce,
            "code_verifier": self.code_verifier,
            "next": self.next,
        }

    @staticmethod
    def from_dict(d: Mapping[str, object]) -> Pending:
        """The ``Pending`` ``to_dict`` made; a missing or odd field is a ``SignInError``."""
        values = {}
        for name in ("state", "nonce", "code_verifier", "next"):
            value = d.get(name)
            if not isinstance(value, str) or not value:
                raise SignInError(
                    "This browser holds no sign-in in progress (the cookie is missing or "
                    "expired); sign in again."
                )
            values[name] = value
        return Pending(**values)


def _token(nbytes: int = 32) -> str:
    # 32 random bytes: 43 URL-safe characters, the shortest code verifier RFC 7636 allows.
    return secrets.token_urlsafe(nbytes)


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class OidcSignIn:
    """Signs people in with one provider; safe to share between threads.

    ``client`` is used as given (tests point it anywhere); by default a client on
    the process's shared TLS context. ``now`` is the clock the ID token's times are
    checked against.
    """

    def __init__(
        self,
        config: OidcConfig,
        *,
        client: httpx.Client | None = None,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self._client = client if client is not None else http_client(timeout=_TIMEOUT)
        self._provider = Provider(config.issuer, self._client)
        self._id_token = IdTokenCheck(config.issuer, config.client_id, self._provider.key, now)

    # -- the two steps ---------------------------------------------------------------

    def begin(self, next_path: str = "/") -> tuple[str, Pending]:
        """The provider's authorization URL to redirect to, and what to keep until ``finish``.

        A ``next_path`` that is not a path on this site becomes ``/``.
        """
        provider = self._provider.endpoints()
        pending = Pending(
            state=_token(),
            nonce=_token(),
            code_verifier=_token(),
            next=safe_next(next_path) or "/",
        )
        url = httpx.URL(provider.authorization_endpoint).copy_merge_params(
            {
                "response_type": "code",
                "client_id": self.config.client_id,
                "redirect_uri": self.config.redirect_uri,
                "scope": " ".join(self.config.scopes),
                "state": pending.state,
                "nonce": pending.nonce,
                "code_challenge": _challenge(pending.code_verifier),
                "code_challenge_method": "S256",
            }
        )
        return str(url), pending

    def finish(self, pending: Pending, query: Mapping[str, str]) -> Identity:
        """Who signed in, from the query the provider redirected back with."""
        # The state first: an answer to someone else's sign-in (a forged link) is
        # refused before anything in it, even an error, is believed.
        if not same(query.get("state", ""), pending.state):
            raise SignInError(
                "The answer from the identity provider does not belong to the sign-in this "
                "browser started; sign in again."
            )
        error = query.get("error")
        if error is not None:
            code = error if _ERROR_CODE.fullmatch(error) else "an error"
            raise SignInError(
                f"The identity provider refused the sign-in ({code}); sign in again, and if "
                "it is refused again ask your administrator to give you access to riskbrief."
            )
        code = query.get("code", "")
        if not code:
            raise SignInError("The identity provider sent no sign-in code back; sign in again.")
        provider = self._provider.endpoints()
        id_token = self._exchange(provider, code, pending.code_verifier)
        return identity_of(self._id_token.claims(id_token, pending.nonce))

    def _exchange(self, provider: Endpoints, code: str, verifier: str) -> str:
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.config.redirect_uri,
            "code_verifier": verifier,
        }
        headers = {"Accept": "application/json"}
        secret = self.config.client_secret
        if secret is None:
            form["client_id"] = self.config.client_id
        else:
            # client_secret_basic: RFC 6749, 2.3.1 form-encodes both before Base64.
            pair = f"{quote(self.config.client_id, safe='')}:{quote(secret, safe='')}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        host = host_of(provider.token_endpoint)
        # Sent once, never retried: the code is single-use, a second try can only fail.
        try:
            response = self._client.post(provider.token_endpoint, data=form, headers=headers)
        except httpx.HTTPError:
            raise SignInError(
                f"riskbrief could not reach the identity provider at {host}; check that it "
                "is up and that this server can reach it, then sign in again."
            ) from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code != 200 or not isinstance(body, dict):
            error = body.get("error") if isinstance(body, dict) else None
            if error == "invalid_client":
                raise SignInError(
                    f"The identity provider at {host} does not accept riskbrief's client ID "
                    "and secret; check both in riskbrief's settings."
                )
            shown = error if isinstance(error, str) and _ERROR_CODE.fullmatch(error) else None
            detail = f" ({shown})" if shown else f" (HTTP {response.status_code})"
            raise SignInError(
                f"The identity provider at {host} would not exchange the sign-in code{detail}; "
                "sign in again."
            )
        id_token = body.get("id_token")
        if not isinstance(id_token, str) or not id_token:
            raise SignInError(
                f"The identity provider at {host} sent no ID token; check that riskbrief's "
                "scopes include 'openid'."
            )
        return id_token
