"""The checks an ID token must pass before anyone is signed in by it (OpenID Connect Core
1.0, 3.1.3.7), with joserfc, the JOSE library authlib 1.9 depends on and points to
(``authlib.jose`` is deprecated there in favour of it): the signature against the
provider's keys (RS256 or ES256 only, so neither ``none`` nor an HMAC keyed with the
public key is accepted), ``iss``, ``aud`` (and ``azp``), ``exp`` and ``iat`` with 60 s of
leeway on the injected clock, and ``nonce``."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from joserfc import jwt
from joserfc.errors import ClaimError, ExpiredTokenError, JoseError
from joserfc.jwk import Key
from joserfc.jws import extract_compact

from bot.pages.identity import SignInError
from data.http.retry import host_of

__all__ = ["IdTokenCheck", "same"]

# Public-key algorithms only: with HS256 allowed, a token "signed" with the provider's
# public key as the HMAC secret would verify; ``none`` would need no signature at all.
_ALGORITHMS = ("RS256", "ES256")
# Clocks of the provider and this server differ by a few seconds; a minute is the usual allowance.
_LEEWAY = 60
# The claims' names as a person reads them in the one sentence of a refusal.
_CLAIM_NAMES = {
    "iss": "issuer",
    "sub": "subject",
    "aud": "audience",
    "exp": "expiry",
    "iat": "issued-at",
    "nonce": "nonce",
}


def same(a: str, b: str) -> bool:
    """Whether two secrets are equal, compared in constant time."""
    # Constant time, so the time a wrong guess takes says nothing about the right one.
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


@dataclass(frozen=True, slots=True)
class IdTokenCheck:
    """What an ID token is checked against: who issued it, for whom, by which keys, when."""

    issuer: str
    client_id: str
    key: Callable[[str | None], Key | None]
    now: Callable[[], float]

    def claims(self, id_token: str, nonce: str) -> dict[str, Any]:
        """The token's claims once every check holds; a ``SignInError`` naming the first
        that does not."""
        host = host_of(self.issuer)

        def refused(check: str) -> SignInError:
            return SignInError(
                f"The ID token from the identity provider at {host} failed the {check} check; "
                "sign in again, and if it fails again ask your administrator to check "
                "riskbrief's registration with the provider."
            )

        try:
            header = extract_compact(id_token.encode("ascii")).headers()
        except (JoseError, UnicodeError, ValueError):
            raise refused("format") from None
        alg = header.get("alg")
        if alg not in _ALGORITHMS:
            raise refused("signing algorithm")
        kid = header.get("kid")
        key = self.key(kid if isinstance(kid, str) else None)
        if key is None:
            raise refused("signing key")
        try:
            token = jwt.decode(id_token, key, algorithms=[alg])
        except (JoseError, ValueError):
            # A bad signature, or a key whose type does not fit the algorithm.
            raise refused("signature") from None
        claims = token.claims
        registry = jwt.JWTClaimsRegistry(
            now=lambda: int(self.now()),
            leeway=_LEEWAY,
            iss={"essential": True, "value": self.issuer},
            sub={"essential": True},
            aud={"essential": True, "value": self.client_id},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        try:
            registry.validate(claims)
        except ExpiredTokenError:
            raise refused("expiry") from None
        except ClaimError as error:
            raise refused(_CLAIM_NAMES.get(error.claim.split(",")[0], "claims")) from None
        # Core 1.0, 3.1.3.7: with several audiences the token must say it was issued to us.
        aud = claims["aud"]
        azp = claims.get("azp")
        several = isinstance(aud, list) and len(aud) > 1
        if (several or azp is not None) and not (
            isinstance(azp, str) and same(azp, self.client_id)
        ):
            raise refused("authorized party")
        return claims
