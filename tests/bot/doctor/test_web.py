"""The doctor's web view line: off, on with links, sign-in with a provider that answers or not."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.doctor.web import check_web_view
from bot.settings import Settings
from fakes.oidc_provider import FakeOidcProvider

KEYS = "k" * 32


@pytest.fixture
def provider() -> Iterator[FakeOidcProvider]:
    """A fake OpenID Connect provider on 127.0.0.1."""
    with FakeOidcProvider() as fake:
        yield fake


def test_off_until_keys_are_set() -> None:
    """Without keys the line is skipped and says what turns the web view on."""
    found = check_web_view(Settings())
    assert found.status == "skip"
    assert "RISKBRIEF_WEB_KEYS" in found.detail


def test_an_address_without_keys_or_short_keys_fail_with_the_fix() -> None:
    """An address with no keys, or a key too short to sign with, fails naming what to set."""
    no_keys = check_web_view(Settings(web_url="https://rb.example/web"))
    assert no_keys.status == "fail"
    assert no_keys.fix is not None
    assert "RISKBRIEF_WEB_KEYS" in no_keys.fix
    short = check_web_view(Settings(web_keys="short"))
    assert short.status == "fail"
    assert short.fix is not None
    assert "16 characters" in short.fix


def test_on_with_links_and_no_sign_in() -> None:
    """Keys and an address: on, briefings linking to it for the configured days."""
    found = check_web_view(
        Settings(web_keys=KEYS, web_url="https://rb.example/web", web_link_days=14)
    )
    assert found.status == "pass"
    assert "https://rb.example/web" in found.detail
    assert "14 days" in found.detail


def test_sign_in_passes_when_the_provider_answers(provider: FakeOidcProvider) -> None:
    """Sign-in with a provider whose discovery document answers passes and names the callback."""
    settings = Settings(
        web_keys=KEYS,
        web_url="http://127.0.0.1:9/web",
        oidc_issuer=provider.issuer,
        oidc_client_id="riskbrief",
    )
    found = check_web_view(settings)
    assert found.status == "pass", found.line()
    assert "http://127.0.0.1:9/web/signin/callback" in found.detail


def test_sign_in_fails_when_the_provider_calls_itself_otherwise(
    provider: FakeOidcProvider,
) -> None:
    """A provider whose document names another issuer (a wrong URL) fails with the fix."""
    provider.discovery_issuer = "https://elsewhere.example"
    settings = Settings(
        web_keys=KEYS,
        web_url="http://127.0.0.1:9/web",
        oidc_issuer=provider.issuer,
        oidc_client_id="riskbrief",
    )
    found = check_web_view(settings)
    assert found.status == "fail"
    assert "elsewhere.example" in found.detail
