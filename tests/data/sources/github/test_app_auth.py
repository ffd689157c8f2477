"""GitHub App auth: a signed JWT exchanged for an installation token, cached and refreshed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from data.sources.github.app_auth import AppAuth, app_auth, load_private_key
from fakes.github_rest import FakeApp, FakeGitHubRest
from scoring.errors import ConfigError, SourceError

APP_ID = "424242"
INSTALLATION = "99"


class Clock:
    """A clock the test moves by hand (seconds since the epoch)."""

    def __init__(self, now: float = 1_780_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def pem(key: rsa.RSAPrivateKey) -> str:
    """``key`` as PKCS#8 PEM text, as GitHub hands it out."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    """The App's private key, generated for this test module."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def clock() -> Clock:
    """The shared clock of the fake and the auth."""
    return Clock()


@pytest.fixture
def fake(key: rsa.RSAPrivateKey, clock: Clock) -> Iterator[FakeGitHubRest]:
    """A fake GitHub that knows the App and its public key."""
    with FakeGitHubRest(tokens=(), clock=clock) as server:
        server.enable_app(FakeApp(APP_ID, INSTALLATION, key.public_key()))
        server.add_deployment("acme/shop", 1, "production", datetime(2026, 3, 1, tzinfo=UTC))
        yield server


def get(fake: FakeGitHubRest, auth: AppAuth) -> int:
    """One REST GET as the App; its status."""
    client = fake.client(auth)
    try:
        return client.get("repos/acme/shop/deployments").status
    finally:
        client.close()


def test_token_is_minted_cached_and_refreshed(
    fake: FakeGitHubRest, key: rsa.RSAPrivateKey, clock: Clock
) -> None:
    """One token serves requests until 5 minutes before it expires; then a new one is minted."""
    auth = app_auth(APP_ID, pem(key), INSTALLATION, clock=clock)
    assert fake.app is not None
    assert get(fake, auth) == 200
    assert get(fake, auth) == 200
    clock.now += 3600 - 301  # 5 minutes and a second before expiry: still cached
    assert get(fake, auth) == 200
    assert fake.app.minted == ["ghs_fake1"]
    clock.now += 2  # now inside the last 5 minutes
    assert get(fake, auth) == 200
    assert fake.app.minted == ["ghs_fake1", "ghs_fake2"]
    assert auth.minted == 2
    exchanges = fake.requests_to(r"/app/installations/99/access_tokens")
    assert [r.method for r in exchanges] == ["POST", "POST"]
    deployments = fake.requests_to(r"/repos/acme/shop/deployments")
    assert [r.headers["authorization"] for r in deployments] == [
        "Bearer ghs_fake1",
        "Bearer ghs_fake1",
        "Bearer ghs_fake1",
        "Bearer ghs_fake2",
    ]


def test_jwt_claims(fake: FakeGitHubRest, key: rsa.RSAPrivateKey, clock: Clock) -> None:
    """The JWT is RS256-signed by the App's key, issued 60 s back, lives ≤ 10 min, iss = app id."""
    auth = app_auth(APP_ID, pem(key), INSTALLATION, clock=clock)
    get(fake, auth)
    assert fake.app is not None
    (claims,) = fake.app.jwts
    assert claims["iss"] == APP_ID
    assert claims["iat"] == int(clock.now) - 60
    assert claims["exp"] - claims["iat"] <= 600
    assert claims["exp"] > clock.now


def test_key_from_a_path_and_from_escaped_text(
    fake: FakeGitHubRest, key: rsa.RSAPrivateKey, clock: Clock, tmp_path: Path
) -> None:
    """The key may be a .pem file's path or PEM text with literal \\n, as env files hold it."""
    path = tmp_path / "app.pem"
    path.write_text(pem(key))
    for value in (str(path), pem(key).replace("\n", "\\n")):
        assert get(fake, app_auth(APP_ID, value, INSTALLATION, clock=clock)) == 200


BAD_KEYS = [
    "not a key",
    "/nonexistent/app.pem",
    "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
]


@pytest.mark.parametrize("value", BAD_KEYS)
def test_bad_key_is_one_sentence(value: str) -> None:
    """A key that is neither a readable .pem path nor RSA PEM text is one sentence naming it."""
    with pytest.raises(ConfigError) as caught:
        load_private_key(value)
    message = str(caught.value)
    assert message.startswith("GITHUB_APP_PRIVATE_KEY is not an RSA private key")
    assert message.count(". ") == 0


def test_non_rsa_key_is_refused() -> None:
    """An EC key (GitHub Apps use RSA) is refused with the same sentence."""
    ec_key = ec.generate_private_key(ec.SECP256R1())
    text = ec_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    with pytest.raises(ConfigError, match="GITHUB_APP_PRIVATE_KEY"):
        load_private_key(text)


def test_missing_setting_is_named() -> None:
    """A missing App setting is one sentence naming it."""
    with pytest.raises(ConfigError, match=r"^GITHUB_APP_INSTALLATION_ID is not set"):
        app_auth(APP_ID, "key", None)


def test_key_of_another_app_is_refused(fake: FakeGitHubRest, clock: Clock) -> None:
    """A JWT GitHub cannot verify is one sentence naming GITHUB_APP_ID and the key."""
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    auth = app_auth(APP_ID, pem(other), INSTALLATION, clock=clock)
    with pytest.raises(SourceError) as caught:
        get(fake, auth)
    assert str(caught.value).startswith("GitHub refused the GitHub App's signed token (401)")
    assert "GITHUB_APP_PRIVATE_KEY" in str(caught.value)


def test_unknown_installation_is_named(
    fake: FakeGitHubRest, key: rsa.RSAPrivateKey, clock: Clock
) -> None:
    """An installation GitHub does not know is one sentence naming GITHUB_APP_INSTALLATION_ID."""
    auth = app_auth(APP_ID, pem(key), "12345", clock=clock)
    with pytest.raises(SourceError, match="GITHUB_APP_INSTALLATION_ID"):
        get(fake, auth)


def test_repr_hides_the_token(fake: FakeGitHubRest, key: rsa.RSAPrivateKey, clock: Clock) -> None:
    """The auth's repr never shows the installation token or the key."""
    auth = app_auth(APP_ID, pem(key), INSTALLATION, clock=clock)
    get(fake, auth)
    assert "ghs_" not in repr(auth)
    assert "PRIVATE" not in repr(auth)
