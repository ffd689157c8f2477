"""`riskbrief doctor`'s lines for Argo CD, against its fake: one line per application."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fakes.argocd_server import FakeArgoCD
from tests.bot.doctor.conftest import doctor

TOKEN = "argocd-doctor-token-0123456789"


@pytest.fixture
def argocd(store: Path) -> Iterator[FakeArgoCD]:
    """Argo CD with checkout-prod synced and search-prod never synced, both mapped."""
    with FakeArgoCD(TOKEN) as fake:
        fake.app("checkout-prod").synced("a" * 40, datetime(2026, 11, 16, 9, 0, tzinfo=UTC))
        fake.app("search-prod")
        toml = store.parent / "riskbrief.toml"
        toml.write_text(
            toml.read_text(encoding="utf-8") + f'\n[sources.argocd]\nurl = "{fake.url}"\n'
            'applications = [{ name = "checkout-prod", service = "checkout" }, '
            '{ name = "search-prod", service = "search" }]\n',
            encoding="utf-8",
        )
        yield fake


def _argocd_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if " argocd: " in line]


def test_each_application_is_one_line_and_one_never_synced_says_what_to_do(
    argocd: FakeArgoCD, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The synced application passes with its history and newest deploy; the other fails with
    a fix; the token is never printed."""
    monkeypatch.setenv("ARGOCD_AUTH_TOKEN", TOKEN)
    result = doctor()
    lines = _argocd_lines(result.stdout)
    assert [line.split()[0] for line in lines] == ["pass", "fail"]
    assert "checkout-prod (checkout): 1 sync in its history" in lines[0]
    assert "aaaaaaaaaaaa at 2026-11-16 09:00 UTC" in lines[0]
    assert "search-prod (search) has no sync in its history" in lines[1]
    assert "Fix: sync search-prod once in Argo CD" in lines[1]
    assert TOKEN not in result.output
    assert len(argocd.server.requests) == 2


@pytest.mark.usefixtures("argocd")
def test_a_refused_token_is_one_line_naming_its_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A token Argo CD does not take is one failing line, not one per application."""
    monkeypatch.setenv("ARGOCD_AUTH_TOKEN", "not-the-token")
    (line,) = _argocd_lines(doctor().stdout)
    assert line.split()[0] == "fail"
    assert "refused the token in ARGOCD_AUTH_TOKEN" in line


def test_an_application_mapped_to_no_service_is_one_line(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A service riskbrief.toml lacks fails the line with the sentence a sync would end in."""
    toml = store.parent / "riskbrief.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8") + '\n[sources.argocd]\nurl = "http://127.0.0.1:9"\n'
        'applications = [{ name = "shop-prod", service = "shop" }]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("ARGOCD_AUTH_TOKEN", TOKEN)
    (line,) = _argocd_lines(doctor().stdout)
    assert line.split()[0] == "fail"
    assert "applications[0].service 'shop' is not a [[services]] key" in line
