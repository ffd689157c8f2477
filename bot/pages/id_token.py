"""The checks an ID token must pass before anyone is signed in by it (OpenID Connect Core
1.0, 3.1.3.7): its signature with joserfc against the provider's keys (RS256 or ES256
only, so neither ``none`` nor an HMAC keyed with the public key is accepted), then its
claims with authlib's ``CodeIDToken``: ``iss``, ``sub``, ``aud`` (and ``azp``), ``exp`` and
``iat`` with 60 s of leeway on the injected clock, ``nonce`` and, when sent, ``at_hash``."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import (
    ClaimError,
    DecodeError,
    InvalidKeyIdError,
    JoseError,
    UnsupportedAlgorithmError,
)
from joserfc.jwk import KeySet

from bot.pages.identity import SignInError
from data.http.retry import host_of

__all__ = ["IdTokenCheck", "same"]

# Public-key algorithms only: with HS256 allowed, a token "signed" with the provider's
# public key as the HMAC secret would verify; ``none`` would need no signature at all.
_ALGORITHMS = ["RS256", "ES256"]
# Clocks of the provider and this server differ by a few seconds; a minute is the usual allowance.
_LEEWAY = 60
# The check a JOSE failure is named by in the one sentence of a refusal; any other is the
# signature's (a bad one, or a key whose type does not fit the algorithm).
_JOSE_CHECKS: dict[type[JoseError], str] = {
    DecodeError: "format",
    UnsupportedAlgorithmError: "signing algorithm",
    InvalidKeyIdError: "signing key",
}
# The claims' names as a person reads them there (an expired token's claim is ``exp``).
_CLAIM_NAMES = {
    "iss": "issuer",
    "sub": "subject",
    "aud": "audience",
    "exp": "expiry",
    "iat": "issued-at",
    "nbf": "not-before",
    "nonce": "nonce",
    "azp": "authorized party",
    "at_hash": "access token hash",
}


def same(a: str, b: str) -> bool:
    """Whether two secrets are equal, compared in constant time."""
    # Constant time, so the time a wrong guess takes says nothing about the right one.
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


@dataclass(frozen=True, slots=True)
class IdTokenCheck:
    """What an ID token is checked against: who issued it, for whom, by which keys, when.

    ``keys(fresh)`` is the provider's key set, fetched again when ``fresh``.
    """

    issuer: str
    client_id: str
    keys: Callable[[bool], KeySet]
    now: Callable[[], float]

    def claims(self, answer: Mapping[str, Any], nonce: str) -> dict[str, Any]:
        """The claims of the ID token in the token endpoint's ``answer`` once every check
        holds; a ``SignInError`` naming the first that does not."""
        id_token, access_token = answer["id_token"], answer.get("access_token")
        try:
            try:
                token = jwt.decode(id_token, self.keys(False), algorithms=_ALGORITHMS)
            except InvalidKeyIdError:
                # A kid not seen yet: the provider has likely rotated its keys. Fetch them
                # once more, once per sign-in, so a forged kid cannot make us fetch in a loop.
                token = jwt.decode(id_token, self.keys(True), algorithms=_ALGORITHMS)
            claims = CodeIDToken(
                token.claims,
                token.header,
                options={
                    "iss": {"essential": True, "value": self.issuer},
                    "aud": {"essential": True, "value": self.client_id},
                },
                params={
                    "nonce": nonce,
                    "client_id": self.client_id,
                    # Checked against at_hash when the token carries one.
                    "access_token": access_token if isinstance(access_token, str) else None,
                },
            )
            claims.validate(now=int(self.now()), leeway=_LEEWAY)
        except ClaimError as error:
            # Several missing claims are named together ("iss,sub"); the first is enough.
            raise self._refused(_CLAIM_NAMES.get(error.claim.split(",")[0], "claims")) from None
        except JoseError as error:
            raise self._refused(_JOSE_CHECKS.get(type(error), "signature")) from None
        except (TypeError, ValueError):
            # A claim of the wrong shape that a check above could not read (a list for at_hash).
            raise self._refused("format") from None
        return dict(claims)

    def _refused(self, check: str) -> SignInError:
        return SignInError(
            f"The ID token from the identity provider at {host_of(self.issuer)} failed the "
            f"{check} check; sign in again, and if it fails again ask your administrator to "
            "check riskbrief's registration with the provider."
        )
