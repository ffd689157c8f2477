"""A fake OpenID Connect provider on 127.0.0.1, speaking the code flow with PKCE.

It serves what OpenID Connect Core 1.0, Discovery 1.0, RFC 6749 and RFC 7636 document:

- ``/.well-known/openid-configuration``: the discovery document;
- ``/jwks``: the public RSA keys (made with ``cryptography``), each with a ``kid``;
  ``rotate_keys`` makes a new one and signs with it from then on;
- ``GET /authorize``: checks ``client_id`` and ``redirect_uri`` (a mismatch is a
  400 page, never a redirect), ``response_type=code``, ``scope`` with ``openid``
  and an S256 ``code_challenge``; then approves at once as ``user`` and answers
  ``302`` to ``redirect_uri`` with ``code`` and ``state``;
- ``POST /token``: a form with ``grant_type=authorization_code``, a code used once,
  the same ``redirect_uri``, a ``code_verifier`` whose S256 is the challenge, and
  the client's authentication (``client_secret_basic`` when it has a secret, else
  ``client_id`` in the form); answers an RS256 ID token.

Tokens are signed by hand with ``cryptography`` (RFC 7515's signing input, RSASSA-PKCS1-v1_5
with SHA-256), not with the JOSE library riskbrief verifies them with, so a flaw shared by
both sides cannot hide itself. Knobs make it misbehave (see
``FakeOidcProvider``'s attributes); ``server.requests`` records every request.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from fakes.http import Answer, FakeServer, FakeService, Request

__all__ = ["FakeOidcProvider", "FakeUser", "SigningKey"]

_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64_int(value: int) -> str:
    return _b64(value.to_bytes((value.bit_length() + 7) // 8, "big"))


@dataclass(frozen=True, slots=True)
class FakeUser:
    """The account the provider signs in as; ``email`` ``None`` leaves the claim out."""

    subject: str = "00u-ada"
    email: str | None = "Ada.Lovelace@Example.com"
    email_verified: bool | None = True
    name: str | None = "Ada Lovelace"


@dataclass(frozen=True, slots=True)
class SigningKey:
    """An RSA key pair and its ``kid``."""

    kid: str
    private: rsa.RSAPrivateKey

    @staticmethod
    def generate(kid: str) -> SigningKey:
        """A fresh 2048-bit key."""
        return SigningKey(kid, rsa.generate_private_key(public_exponent=65537, key_size=2048))

    def jwk(self) -> dict[str, str]:
        """The public half as a JWK."""
        numbers = self.private.public_key().public_numbers()
        return {
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": self.kid,
            "n": _b64_int(numbers.n),
            "e": _b64_int(numbers.e),
        }

    def public_pem(self) -> bytes:
        """The public half as PEM (what an HS256 confusion attack uses as its secret)."""
        return self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


@dataclass(slots=True)
class _Grant:
    client_id: str
    redirect_uri: str
    challenge: str
    nonce: str | None
    user: FakeUser


@dataclass(slots=True)
class FakeOidcProvider(FakeService):
    """An OpenID Connect provider over real HTTP; use it as a context manager.

    Knobs, read at each request (set them between steps):

    - ``user``: who ``/authorize`` signs in; ``deny``: answer ``error=access_denied``;
    - ``discovery_issuer``: the ``issuer`` the discovery document names (default: its own);
    - ``token_issuer``, ``audience`` (a string or a list), ``azp``: the ID token's claims;
    - ``lifetime``: seconds from ``iat`` to ``exp`` (negative: already expired);
      ``clock``: the provider's time;
    - ``nonce``: ``"echo"`` the one asked for, ``"missing"``, or ``"wrong"``;
    - ``at_hash``: ``"missing"``, or ``"echo"`` the access token's hash, or ``"wrong"``;
    - ``tamper``: flip a byte of the signature;
    - ``algorithm``: ``"RS256"``, or ``"HS256"`` keyed with the public PEM, or ``"none"``;
    - ``sign_with``: a key to sign with that the JWKS does not publish;
    - ``extra_claims``: merged into the ID token last.
    """

    client_id: str = "riskbrief"
    client_secret: str | None = "s3cret/+&"
    redirect_uri: str = "http://127.0.0.1:9/auth/callback"
    user: FakeUser = field(default_factory=FakeUser)
    deny: bool = False
    discovery_issuer: str | None = None
    token_issuer: str | None = None
    audience: str | list[str] | None = None
    azp: str | None = None
    lifetime: int = 300
    clock: Callable[[], float] = time.time
    nonce: Literal["echo", "missing", "wrong"] = "echo"
    at_hash: Literal["echo", "missing", "wrong"] = "missing"
    tamper: bool = False
    algorithm: Literal["RS256", "HS256", "none"] = "RS256"
    sign_with: SigningKey | None = None
    extra_claims: dict[str, Any] = field(default_factory=dict)
    keys: list[SigningKey] = field(default_factory=list)
    server: FakeServer = field(default_factory=FakeServer)
    _grants: dict[str, _Grant] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if not self.keys:
            self.keys.append(SigningKey.generate("key-1"))
        add = self.server.add
        add("GET", r"/\.well-known/openid-configuration", self._discovery)
        add("GET", r"/jwks", self._jwks)
        add("GET", r"/authorize", self._authorize)
        add("POST", r"/token", self._token)

    # -- lifecycle -------------------------------------------------------------------

    @property
    def issuer(self) -> str:
        """``http://127.0.0.1:<port>``: the provider's issuer identifier."""
        return self.server.url

    def rotate_keys(self, *, keep_old: bool = False) -> SigningKey:
        """Make a new signing key with a new ``kid``; the JWKS drops the old unless ``keep_old``."""
        key = SigningKey.generate(f"key-{len(self.keys) + 1}-{secrets.token_hex(4)}")
        with self._lock:
            self.keys = [*self.keys, key] if keep_old else [key]
        return key

    def requests_to(self, pattern: str) -> list[Request]:
        """Recorded requests whose path matches ``pattern``."""
        return self.server.requests_to(pattern)

    # -- endpoints -------------------------------------------------------------------

    def _discovery(self, request: Request, match: re.Match[str]) -> Answer:
        base = self.issuer
        return Answer(
            body={
                "issuer": self.discovery_issuer or base,
                "authorization_endpoint": f"{base}/authorize",
                "token_endpoint": f"{base}/token",
                "jwks_uri": f"{base}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": (
                    ["client_secret_basic"] if self.client_secret else ["none"]
                ),
                "scopes_supported": ["openid", "email", "profile"],
            }
        )

    def _jwks(self, request: Request, match: re.Match[str]) -> Answer:
        with self._lock:
            keys = list(self.keys)
        return Answer(body={"keys": [k.jwk() for k in keys]})

    def _authorize(self, request: Request, match: re.Match[str]) -> Answer:
        q = request.query
        # RFC 6749, 4.1.2.1: with an unknown client or redirect URI, never redirect.
        if q.get("client_id") != self.client_id:
            return Answer(400, raw=b"unknown client_id", headers={"Content-Type": "text/plain"})
        if q.get("redirect_uri") != self.redirect_uri:
            return Answer(400, raw=b"redirect_uri mismatch", headers={"Content-Type": "text/plain"})
        state = q.get("state")

        def back(**params: str) -> Answer:
            if state is not None:
                params["state"] = state
            parts = urlsplit(self.redirect_uri)
            query = "&".join(x for x in (parts.query, urlencode(params)) if x)
            location = urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
            return Answer(302, headers={"Location": location})

        if q.get("response_type") != "code":
            return back(error="unsupported_response_type")
        if "openid" not in q.get("scope", "").split():
            return back(error="invalid_scope")
        if not q.get("code_challenge") or q.get("code_challenge_method") != "S256":
            return back(error="invalid_request", error_description="PKCE S256 required")
        if self.deny:
            return back(error="access_denied", error_description="The user said no")
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._grants[code] = _Grant(
                client_id=self.client_id,
                redirect_uri=self.redirect_uri,
                challenge=q["code_challenge"],
                nonce=q.get("nonce"),
                user=self.user,
            )
        return back(code=code)

    def _token(self, request: Request, match: re.Match[str]) -> Answer:
        form = dict(parse_qsl(request.body.decode("utf-8")))
        client = self._client_of(request, form)
        if client is None:
            return Answer(
                401,
                {"error": "invalid_client"},
                headers={"WWW-Authenticate": 'Basic realm="fake-oidc"'},
            )
        if form.get("grant_type") != "authorization_code":
            return Answer(400, {"error": "unsupported_grant_type"})
        with self._lock:
            # Single use: a code is gone once presented, right or wrong (RFC 6749, 4.1.2).
            grant = self._grants.pop(form.get("code", ""), None)
        if grant is None or grant.client_id != client:
            return Answer(400, {"error": "invalid_grant"})
        if form.get("redirect_uri") != grant.redirect_uri:
            return Answer(400, {"error": "invalid_grant"})
        verifier = form.get("code_verifier", "")
        if not _VERIFIER.fullmatch(verifier):
            return Answer(400, {"error": "invalid_grant"})
        challenge = _b64(hashlib.sha256(verifier.encode("ascii")).digest())
        if not hmac.compare_digest(challenge, grant.challenge):
            return Answer(400, {"error": "invalid_grant"})
        access_token = secrets.token_urlsafe(24)
        return Answer(
            body={
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 3600,
                "scope": "openid email profile",
                "id_token": self._id_token(grant, access_token),
            },
            headers={"Cache-Control": "no-store"},
        )

    def _client_of(self, request: Request, form: dict[str, str]) -> str | None:
        """The authenticated client's id, or ``None``."""
        auth = request.headers.get("authorization", "")
        if self.client_secret is None:
            if auth:
                return None
            return form.get("client_id") if form.get("client_id") == self.client_id else None
        if not auth.startswith("Basic "):
            return None
        try:
            pair = base64.b64decode(auth[len("Basic ") :], validate=True).decode("utf-8")
        except ValueError:
            return None
        raw_id, _, raw_secret = pair.partition(":")
        # RFC 6749, 2.3.1: both halves are form-encoded before Base64.
        client_id, secret = unquote(raw_id), unquote(raw_secret)
        if client_id != self.client_id or not hmac.compare_digest(secret, self.client_secret):
            return None
        return client_id

    # -- the ID token ----------------------------------------------------------------

    def _id_token(self, grant: _Grant, access_token: str) -> str:
        now = int(self.clock())
        claims: dict[str, Any] = {
            "iss": self.token_issuer or self.issuer,
            "sub": grant.user.subject,
            "aud": self.audience if self.audience is not None else grant.client_id,
            "iat": now,
            "exp": now + self.lifetime,
            "auth_time": now,
        }
        if self.azp is not None:
            claims["azp"] = self.azp
        if self.nonce == "echo" and grant.nonce is not None:
            claims["nonce"] = grant.nonce
        elif self.nonce == "wrong":
            claims["nonce"] = secrets.token_urlsafe(16)
        if self.at_hash != "missing":
            # Core 1.0, 3.1.3.6: the left half of the access token's SHA-256, base64url.
            hashed = access_token if self.at_hash == "echo" else access_token + "x"
            claims["at_hash"] = _b64(hashlib.sha256(hashed.encode("ascii")).digest()[:16])
        if grant.user.email is not None:
            claims["email"] = grant.user.email
        if grant.user.email_verified is not None:
            claims["email_verified"] = grant.user.email_verified
        if grant.user.name is not None:
            claims["name"] = grant.user.name
        claims.update(self.extra_claims)
        with self._lock:
            key = self.sign_with or self.keys[-1]
        token = self._sign(claims, key)
        if self.tamper:
            head, body, signature = token.split(".")
            raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
            raw[len(raw) // 2] ^= 0x01
            token = f"{head}.{body}.{_b64(bytes(raw))}"
        return token

    def _sign(self, claims: dict[str, Any], key: SigningKey) -> str:
        header = {"alg": self.algorithm, "typ": "JWT", "kid": key.kid}
        signing_input = _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(claims).encode())
        data = signing_input.encode("ascii")
        if self.algorithm == "RS256":
            signature = key.private.sign(data, padding.PKCS1v15(), hashes.SHA256())
        elif self.algorithm == "HS256":
            # The key-confusion forgery: the public key's PEM as the HMAC secret.
            signature = hmac.new(key.public_pem(), data, hashlib.sha256).digest()
        else:
            signature = b""
        return signing_input + "." + _b64(signature)
