"""Sign-in to the web view with an organisation's OpenID Connect provider.

The authorization code flow with PKCE (S256), ``state`` and ``nonce``, as OpenID
Connect Core 1.0 and RFC 7636 describe it, by authlib's OAuth 2.0 client for httpx:

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
import ipaddress
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import quote

import httpx2
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import OAuth2Client, OAuthError

from bot.pages.id_token import IdTokenCheck, same
from bot.pages.identity import Identity, SignInError, identity_of
from bot.pages.provider import Provider, unreachable
from data.http.client import tls_context
from data.http.retry import host_of
from scoring.errors import ConfigError

__all__ = ["Identity", "OidcConfig", "OidcSignIn", "Pending", "SignInError", "safe_next"]

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
        url = httpx2.URL(self.issuer)
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
        return asdict(self)

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


def _secret_basic(client: Any, _method: str, uri: str, headers: Any, body: str) -> Any:
    """authlib's ``client_secret_basic``, but with both halves form-encoded before Base64 as
    RFC 6749, 2.3.1 says (authlib sends them raw, so a secret with ``+`` or ``%`` would be
    read as another by a provider that decodes them, and one outside Latin-1 fails)."""
    pair = f"{quote(client.client_id, safe='')}:{quote(client.client_secret, safe='')}"
    headers["Authorization"] = "Basic " + base64.b64encode(pair.encode("ascii")).decode("ascii")
    return uri, headers, body


class OidcSignIn:
    """Signs people in with one provider; safe to share between threads.

    ``now`` is the clock the ID token's times are checked against.
    """

    def __init__(self, config: OidcConfig, *, now: Callable[[], float] = time.time) -> None:
        self.config = config
        # The discovery document and keys are read through one client for the instance's
        # life; each sign-in's OAuth exchange gets its own (``_oauth``).
        self._provider = Provider(config.issuer, httpx2.Client(**self._http()))
        self._id_token = IdTokenCheck(
            config.issuer, config.client_id, lambda fresh: self._provider.keys(fresh=fresh), now
        )

    @staticmethod
    def _http() -> dict[str, Any]:
        return {"verify": tls_context(), "timeout": _TIMEOUT}

    def _oauth(self) -> Any:
        """authlib's client for one sign-in: it keeps the token it fetched on itself, so a
        client shared between threads could hand one sign-in another's token."""
        oauth = OAuth2Client(
            client_id=self.config.client_id,
            client_secret=self.config.client_secret,
            scope=list(self.config.scopes),
            redirect_uri=self.config.redirect_uri,
            code_challenge_method="S256",
            **self._http(),
        )
        oauth.register_client_auth_method(("client_secret_basic", _secret_basic))
        return oauth

    def begin(self, next_path: str = "/") -> tuple[str, Pending]:
        """The provider's authorization URL to redirect to, and what to keep until ``finish``.

        A ``next_path`` that is not a path on this site becomes ``/``.
        """
        endpoint = self._provider.endpoints().authorization_endpoint
        pending = Pending(
            state=generate_token(48),
            nonce=generate_token(48),
            code_verifier=generate_token(48),
            next=safe_next(next_path) or "/",
        )
        with self._oauth() as oauth:
            url, _ = oauth.create_authorization_url(
                endpoint,
                state=pending.state,
                code_verifier=pending.code_verifier,
                nonce=pending.nonce,
            )
        return str(url), pending

    def finish(self, pending: Pending, query: Mapping[str, str]) -> Identity:
        """Who signed in, from the query the provider redirected back with."""
        # Ours, not authlib's parse_authorization_code_response: the state comes first, so
        # an answer to someone else's sign-in (a forged link) is refused before anything in
        # it, even an error, is believed.
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
        token = self._exchange(self._provider.endpoints().token_endpoint, code, pending)
        return identity_of(self._id_token.claims(token, pending.nonce))

    def _exchange(self, url: str, code: str, pending: Pending) -> dict[str, Any]:
        """The token endpoint's answer, with an ID token (a string) in it."""
        host = host_of(url)
        # Sent once, never retried: the code is single-use, a second try can only fail.
        try:
            with self._oauth() as oauth:
                token = oauth.fetch_token(url, code=code, code_verifier=pending.code_verifier)
        except httpx2.HTTPStatusError as error:
            detail = f" (HTTP {error.response.status_code})"
        except httpx2.HTTPError:
            raise unreachable(url) from None
        except OAuthError as error:
            if error.error == "invalid_client":
                raise SignInError(
                    f"The identity provider at {host} does not accept riskbrief's client ID "
                    "and secret; check both in riskbrief's settings."
                ) from None
            shown = error.error if _ERROR_CODE.fullmatch(str(error.error)) else None
            detail = f" ({shown})" if shown else ""
        except (TypeError, ValueError):  # a 2xx whose body is not a JSON object, or odd in it
            detail = ""
        else:
            id_token = token.get("id_token")
            if not isinstance(id_token, str) or not id_token:
                raise SignInError(
                    f"The identity provider at {host} sent no ID token; check that riskbrief's "
                    "scopes include 'openid'."
                )
            return dict(token)
        raise SignInError(
            f"The identity provider at {host} would not exchange the sign-in code{detail}; "
            "sign in again."
        )
