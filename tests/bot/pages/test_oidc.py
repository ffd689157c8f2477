"""Sign-in with OpenID Connect against a fake provider over real HTTP on 127.0.0.1."""

from __future__ import annotations

import base64
import hashlib
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from itsdangerous import URLSafeTimedSerializer

from bot.pages.oidc import Identity, OidcConfig, OidcSignIn, Pending, SignInError
from fakes.oidc_provider import FakeOidcProvider, FakeUser, SigningKey
from scoring.errors import ConfigError, RiskbriefError


@pytest.fixture
def provider() -> Iterator[FakeOidcProvider]:
    """The fake provider, serving until the test ends."""
    with FakeOidcProvider() as fake:
        yield fake


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    """One plain client, for riskbrief's side and the 'browser' alike."""
    with httpx.Client(timeout=5.0, trust_env=False) as client:
        yield client


def _config(provider: FakeOidcProvider, **changes: object) -> OidcConfig:
    config = OidcConfig(
        issuer=provider.issuer,
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        redirect_uri=provider.redirect_uri,
    )
    return replace(config, **changes)  # type: ignore[arg-type]


def _browse(http: httpx.Client, url: str) -> dict[str, str]:
    """What a browser does with the authorization URL: follow it to the redirect's query."""
    answer = http.get(url)
    assert answer.status_code == 302, answer.text
    return dict(parse_qsl(urlsplit(answer.headers["location"]).query))


def _sign_in(signin: OidcSignIn, http: httpx.Client, next_path: str = "/") -> Identity:
    url, pending = signin.begin(next_path)
    return signin.finish(pending, _browse(http, url))


def _refusal(provider: FakeOidcProvider, http: httpx.Client) -> str:
    """The sentence a sign-in ends in against ``provider`` as its knobs stand."""
    signin = OidcSignIn(_config(provider))
    with pytest.raises(SignInError) as caught:
        _sign_in(signin, http)
    return str(caught.value)


def test_the_code_flow_with_pkce_signs_in_end_to_end(
    provider: FakeOidcProvider, http: httpx.Client
) -> None:
    """Begin, the provider's redirect, a signed cookie's round trip and finish give the user."""
    signin = OidcSignIn(_config(provider))
    url, pending = signin.begin("/prs/42?tab=risk")
    cookie = URLSafeTimedSerializer("k", salt="oidc").dumps(pending.to_dict())
    carried = Pending.from_dict(URLSafeTimedSerializer("k", salt="oidc").loads(cookie))
    assert carried == pending
    assert carried.next == "/prs/42?tab=risk"

    identity = signin.finish(carried, _browse(http, url))

    assert identity == Identity(
        subject="00u-ada",
        email="ada.lovelace@example.com",
        email_verified=True,
        name="Ada Lovelace",
    )
    (authorize,) = provider.requests_to("/authorize")
    verifier = pending.code_verifier
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    assert authorize.query["code_challenge"] == digest.decode()
    assert authorize.query["code_challenge_method"] == "S256"
    assert authorize.query["nonce"] == pending.nonce
    assert authorize.query["scope"] == "openid email profile"
    (token,) = provider.requests_to("/token")
    form = dict(parse_qsl(token.body.decode()))
    assert form["code_verifier"] == verifier
    assert "client_id" not in form  # client_secret_basic: the id goes in the header
    # RFC 6749, 2.3.1: both halves form-encoded before Base64 ("s3cret/+&" has three to encode).
    basic = token.headers["authorization"].removeprefix("Basic ")
    assert base64.b64decode(basic).decode() == "riskbrief:s3cret%2F%2B%26"


def test_an_access_token_hash_that_does_not_match_is_refused(
    provider: FakeOidcProvider, http: httpx.Client
) -> None:
    """An ID token whose at_hash is not its access token's fails; the right one signs in."""
    provider.at_hash = "wrong"
    assert "failed the access token hash check" in _refusal(provider, http)
    provider.at_hash = "echo"
    assert _sign_in(OidcSignIn(_config(provider)), http).subject == "00u-ada"


def test_a_public_client_sends_its_id_in_the_form_and_no_secret(http: httpx.Client) -> None:
    """With no client secret the token request carries client_id in the form, no Basic auth."""
    with FakeOidcProvider(client_secret=None) as provider:
        identity = _sign_in(OidcSignIn(_config(provider)), http)
        (token,) = provider.requests_to("/token")
    assert identity.email == "ada.lovelace@example.com"
    assert dict(parse_qsl(token.body.decode()))["client_id"] == provider.client_id
    assert "authorization" not in token.headers


def test_a_wrong_client_secret_is_named_as_such(
    provider: FakeOidcProvider, http: httpx.Client
) -> None:
    """A secret the provider refuses ends in a sentence pointing at the client settings."""
    signin = OidcSignIn(_config(provider, client_secret="wrong"))
    with pytest.raises(SignInError, match="client ID and secret"):
        _sign_in(signin, http)


def test_the_pkce_verifier_is_checked(provider: FakeOidcProvider, http: httpx.Client) -> None:
    """A code presented with another verifier than the challenge's is refused."""
    signin = OidcSignIn(_config(provider))
    url, pending = signin.begin()
    query = _browse(http, url)
    forged = replace(pending, code_verifier=pending.code_verifier[::-1] + "x")
    with pytest.raises(SignInError, match=r"would not exchange the sign-in code \(invalid_grant\)"):
        signin.finish(forged, query)
    assert len(provider.requests_to("/token")) == 1


def test_a_code_is_used_once(provider: FakeOidcProvider, http: httpx.Client) -> None:
    """Finishing twice with the same answer fails the second time: the provider spent the code."""
    signin = OidcSignIn(_config(provider))
    url, pending = signin.begin()
    query = _browse(http, url)
    signin.finish(pending, query)
    with pytest.raises(SignInError, match="invalid_grant"):
        signin.finish(pending, query)


def test_a_state_that_does_not_match_is_refused_before_the_token_request(
    provider: FakeOidcProvider, http: httpx.Client
) -> None:
    """An answer carrying another sign-in's state is refused and its code never exchanged."""
    signin = OidcSignIn(_config(provider))
    url, pending = signin.begin()
    query = _browse(http, url)
    with pytest.raises(SignInError, match="does not belong to the sign-in this browser started"):
        signin.finish(pending, {**query, "state": "someone-elses"})
    with pytest.raises(SignInError, match="does not belong"):
        signin.finish(pending, {k: v for k, v in query.items() if k != "state"})
    assert provider.requests_to("/token") == []


def test_a_token_for_another_audience_is_refused(
    provider: FakeOidcProvider, http: httpx.Client
) -> None:
    """An ID token issued to another client fails the audience check."""
    provider.audience = "another-app"
    assert "failed the audience check" in _refusal(provider, http)


def test_several_audiences_need_an_azp_naming_this_client(
    provider: FakeOidcProvider, http: httpx.Client
) -> None:
    """With several audiences the token must carry azp equal to our client id."""
    provider.audience = [provider.client_id, "another-app"]
    assert "failed the authorized party check" in _refusal(provider, http)
    provider.azp = "another-app"
    assert "failed the authorized party check" in _refusal(provider, http)
    provider.azp = provider.client_id
    assert _sign_in(OidcSignIn(_config(provider)), http).subject == "00u-ada"


def test_an_expired_token_is_refused_past_the_leeway_only(
    provider: FakeOidcProvider, http: httpx.Client
) -> None:
    """A token expired 2 minutes ago fails; one expired 30 s ago is within the minute's leeway."""
    provider.clock = lambda: 1_800_000_000.0
    provider.lifetime = 300
    late = OidcSignIn(_config(provider), now=lambda: 1_800_000_000.0 + 420)
    with pytest.raises(SignInError, match="failed the expiry check"):
        _sign_in(late, http)
    just = OidcSignIn(_config(provider), now=lambda: 1_800_000_000.0 + 330)
    assert _sign_in(just, http).subject == "00u-ada"


def test_a_token_issued_in_the_future_is_refused(
    provider: FakeOidcProvider, http: httpx.Client
) -> None:
    """A token whose iat is past now plus the leeway fails (the provider's clock is far ahead)."""
    provider.clock = lambda: 1_800_000_000.0
    early = OidcSignIn(_config(provider), now=lambda: 1_800_000_000.0 - 120)
    with pytest.raises(SignInError, match="failed the issued-at check"):
        _sign_in(early, http)


def test_a_tampered_signature_is_refused(provider: FakeOidcProvider, http: httpx.Client) -> None:
    """An ID token with one bit of its signature flipped fails the signature check."""
    provider.tamper = True
    assert "failed the signature check" in _refusal(provider, http)


@pytest.mark.parametrize("algorithm", ["HS256", "none"])
def test_no_symmetric_or_unsigned_token_is_accepted(
    provider: FakeOidcProvider, http: httpx.Client, algorithm: str
) -> None:
    """An HS256 token keyed with the public key, or an unsigned one, fails the algorithm check."""
    provider.algorithm = algorithm  # type: ignore[assignment]
    assert "failed the signing algorithm check" in _refusal(provider, http)


def test_a_discovery_document_naming_another_issuer_is_refused(
    provider: FakeOidcProvider,
) -> None:
    """A discovery document whose issuer is not the configured one stops the sign-in at begin."""
    provider.discovery_issuer = "https://evil.example"
    signin = OidcSignIn(_config(provider))
    with pytest.raises(SignInError, match="names a different issuer"):
        signin.begin()
    assert provider.requests_to("/authorize") == []


def test_a_token_from_another_issuer_is_refused(
    provider: FakeOidcProvider, http: httpx.Client
) -> None:
    """An ID token whose iss is not the configured issuer fails the issuer check."""
    provider.token_issuer = "https://evil.example"
    assert "failed the issuer check" in _refusal(provider, http)


@pytest.mark.parametrize("nonce", ["wrong", "missing"])
def test_a_wrong_or_missing_nonce_is_refused(
    provider: FakeOidcProvider, http: httpx.Client, nonce: str
) -> None:
    """An ID token whose nonce is not the one this sign-in sent, or has none, is refused."""
    provider.nonce = nonce  # type: ignore[assignment]
    assert "failed the nonce check" in _refusal(provider, http)


def test_an_unverified_email_is_refused(provider: FakeOidcProvider, http: httpx.Client) -> None:
    """An account whose email the provider has not verified cannot sign in."""
    provider.user = FakeUser(email_verified=False)
    assert "has not verified this account's email" in _refusal(provider, http)
    provider.user = FakeUser(email_verified=None)
    assert "has not verified this account's email" in _refusal(provider, http)


def test_an_account_without_email_is_refused(
    provider: FakeOidcProvider, http: httpx.Client
) -> None:
    """An ID token without an email claim cannot sign in, and the sentence says what to release."""
    provider.user = FakeUser(email=None)
    assert "release the 'email' claim" in _refusal(provider, http)


def test_the_providers_error_is_a_sentence(provider: FakeOidcProvider, http: httpx.Client) -> None:
    """error=access_denied from /authorize ends in one sentence and no token request."""
    provider.deny = True
    message = _refusal(provider, http)
    assert message.startswith("The identity provider refused the sign-in (access_denied);")
    assert message.count(".") == 1
    assert provider.requests_to("/token") == []


def test_an_unreachable_provider_is_named() -> None:
    """A provider nobody answers at ends in a sentence naming its host, not a traceback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = OidcConfig(
        issuer=f"http://127.0.0.1:{port}",
        client_id="riskbrief",
        client_secret=None,
        redirect_uri="http://127.0.0.1:9/auth/callback",
    )
    with pytest.raises(SignInError) as caught:
        OidcSignIn(config).begin()
    assert str(caught.value) == (
        f"riskbrief could not reach the identity provider at 127.0.0.1:{port}; check that it "
        "is up and that this server can reach it, then sign in again."
    )
    assert caught.value.__cause__ is None
    assert isinstance(caught.value, RiskbriefError)


def test_a_provider_gone_before_the_code_is_exchanged_is_named(http: httpx.Client) -> None:
    """A provider that stops answering between its redirect and the token request ends in the
    same one sentence naming its host, from the code's exchange."""
    with FakeOidcProvider() as provider:
        signin = OidcSignIn(_config(provider))
        url, pending = signin.begin()
        query = _browse(http, url)
        host = provider.issuer.removeprefix("http://")
    with pytest.raises(SignInError) as caught:
        signin.finish(pending, query)
    assert str(caught.value).startswith(
        f"riskbrief could not reach the identity provider at {host};"
    )
    assert caught.value.__cause__ is None


def test_a_rotated_key_is_fetched_once_and_discovery_is_cached(
    provider: FakeOidcProvider, http: httpx.Client
) -> None:
    """After the provider rotates its key, the new kid makes the JWKS be fetched again, once."""
    signin = OidcSignIn(_config(provider))
    _sign_in(signin, http)
    _sign_in(signin, http)
    assert len(provider.requests_to("/jwks")) == 1
    provider.rotate_keys()
    assert _sign_in(signin, http).subject == "00u-ada"
    assert len(provider.requests_to("/jwks")) == 2
    _sign_in(signin, http)
    assert len(provider.requests_to("/jwks")) == 2
    assert len(provider.requests_to(r"/\.well-known/openid-configuration")) == 1


def test_sign_ins_finished_at_once_each_get_their_own_person(
    provider: FakeOidcProvider, http: httpx.Client
) -> None:
    """Eight people's sign-ins finished on eight threads at once each come back as that person."""
    signin = OidcSignIn(_config(provider))
    started = []
    for i in range(8):
        provider.user = FakeUser(subject=f"00u-{i}", email=f"p{i}@example.com")
        url, pending = signin.begin()
        started.append((pending, _browse(http, url)))
    with ThreadPoolExecutor(max_workers=8) as pool:
        subjects = list(pool.map(lambda s: signin.finish(*s).subject, started))
    assert subjects == [f"00u-{i}" for i in range(8)]


def test_a_key_the_provider_does_not_publish_is_refused(
    provider: FakeOidcProvider, http: httpx.Client
) -> None:
    """A token signed with a key absent from the JWKS fails even after fetching it again."""
    provider.sign_with = SigningKey.generate("key-1")  # same kid, other key
    assert "failed the signature check" in _refusal(provider, http)
    provider.sign_with = SigningKey.generate("unpublished")
    signin = OidcSignIn(_config(provider))
    with pytest.raises(SignInError, match="failed the signing key check"):
        _sign_in(signin, http)
    assert len(provider.requests_to("/jwks")) == 3


@pytest.mark.parametrize("target", ["//evil.example/x", "/\\evil.example", "https://evil.example"])
def test_next_stays_on_this_site(provider: FakeOidcProvider, target: str) -> None:
    """A next path off this site becomes / at begin, and a cookie carrying one is refused."""
    _, pending = OidcSignIn(_config(provider)).begin(target)
    assert pending.next == "/"
    with pytest.raises(SignInError, match="not on this site"):
        Pending.from_dict({**pending.to_dict(), "next": target})


def test_a_missing_cookie_field_is_a_sentence() -> None:
    """A cookie without the sign-in's fields is refused with a sentence to sign in again."""
    with pytest.raises(SignInError, match="sign in again"):
        Pending.from_dict({"state": "s", "nonce": "n"})


def test_an_http_issuer_off_this_machine_is_a_config_error() -> None:
    """A plain-HTTP issuer that is not loopback is refused when the settings are read."""
    with pytest.raises(ConfigError, match="not an https:// URL"):
        OidcConfig("http://idp.example", "riskbrief", None, "https://rb.example/auth/callback")
    assert OidcConfig("https://idp.example", "rb", None, "https://rb.example/cb").scopes == (
        "openid",
        "email",
        "profile",
    )
