"""The fake OpenID Connect provider refuses what a real one refuses."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from fakes.oidc_provider import FakeOidcProvider

_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"  # RFC 7636, appendix B


@pytest.fixture
def provider() -> Iterator[FakeOidcProvider]:
    """The fake provider, serving until the test ends."""
    with FakeOidcProvider(client_secret=None) as fake:
        yield fake


def _authorize(provider: FakeOidcProvider, **changes: str) -> httpx.Response:
    params = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": provider.redirect_uri,
        "scope": "openid email",
        "state": "st",
        "nonce": "no",
        "code_challenge": _CHALLENGE,
        "code_challenge_method": "S256",
        **changes,
    }
    return httpx.get(f"{provider.issuer}/authorize", params=params, trust_env=False)


def _query(answer: httpx.Response) -> dict[str, str]:
    assert answer.status_code == 302
    return dict(parse_qsl(urlsplit(answer.headers["location"]).query))


def test_an_unregistered_redirect_uri_is_a_page_not_a_redirect(provider: FakeOidcProvider) -> None:
    """A redirect_uri other than the registered one gets a 400, never a 302 to it."""
    answer = _authorize(provider, redirect_uri="https://evil.example/cb")
    assert answer.status_code == 400
    assert "location" not in answer.headers


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"scope": "email"}, "invalid_scope"),
    ],
)
def test_authorize_refusals_come_back_as_redirects(
    provider: FakeOidcProvider, changes: dict[str, str], error: str
) -> None:
    """A plain challenge, another response type or no openid scope comes back as an error."""
    query = _query(_authorize(provider, **changes))
    assert query["error"] == error
    assert query["state"] == "st"
    assert "code" not in query


def test_the_rfc_7636_example_verifier_redeems_its_code(provider: FakeOidcProvider) -> None:
    """RFC 7636's own verifier and challenge pair redeems; without client_id it is refused."""
    code = _query(_authorize(provider))["code"]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": provider.redirect_uri,
        "code_verifier": "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
    }
    refused = httpx.post(f"{provider.issuer}/token", data=form, trust_env=False)
    assert refused.status_code == 401
    assert refused.json() == {"error": "invalid_client"}
    code = _query(_authorize(provider))["code"]
    answer = httpx.post(
        f"{provider.issuer}/token",
        data={**form, "code": code, "client_id": provider.client_id},
        trust_env=False,
    )
    assert answer.status_code == 200
    assert answer.json()["id_token"].count(".") == 2
