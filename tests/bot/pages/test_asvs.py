"""The web view against OWASP ASVS level 1 and its own docs (issue 50): links that resolve,
sessions revoked on the server, the cookie's prefix behind https, caching as documented, and
a bounded search."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time
from html import unescape
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from sqlmodel import col, select
from werkzeug.test import Client

from bot.pages.app import PagesApp, PagesConfig
from bot.pages.links import LinkSigner
from data.store.engine import session_scope
from data.store.tables import Change, RiskScoreRow
from tests.samples import LoadedSample

KEY = "k" * 32


def _client(scored: LoadedSample, **config: Any) -> Client:
    now = datetime.combine(scored.as_of, time(23, 59), tzinfo=UTC)
    settings = {"signer": LinkSigner([KEY]), **config}
    return Client(PagesApp(scored.engine, scored.org, PagesConfig(**settings), clock=lambda: now))


def _pull_request(scored: LoadedSample) -> str:
    """A scored pull request's key: one with a ``#`` in it."""
    with session_scope(scored.engine) as session:
        key = session.exec(
            select(Change.key)
            .join(RiskScoreRow, col(RiskScoreRow.subject_key) == col(Change.key))
            .where(col(Change.key).contains("#"), RiskScoreRow.subject_kind == "change")
            .order_by(col(Change.merged_at).desc())
        ).first()
    assert key is not None
    return key


def _links(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'(?:href|action)="([^"]*)"', html)]


def test_every_link_on_a_pull_requests_page_resolves(scored: LoadedSample) -> None:
    """Each link of a pull request's change page (sort, CSV, permalink and the rest) opens a
    page of the web view, none of them cut at the key's ``#`` into a 404."""
    client = _client(scored, open=True)
    key = _pull_request(scored)
    page_url = "/web/change/" + quote(key, safe="/@:")
    page = client.get(page_url)
    assert page.status_code == 200, page.text[:300]
    own = [urljoin(page_url, h) for h in _links(page.text) if not h.startswith(("http", "#"))]
    assert any("csv=" in link for link in own)
    assert any("sort=" in link for link in own)
    for link in own:
        parts = urlsplit(link)
        assert "#" not in parts.path, link
        got = client.get(parts.path + ("?" + parts.query if parts.query else ""))
        assert got.status_code == 200, (link, got.status_code)


def test_a_briefings_link_to_a_pull_request_lands_on_its_page(scored: LoadedSample) -> None:
    """A link's redirect that takes the token away keeps the key's ``#`` encoded, so the
    browser lands on the change's page, not on a 404."""
    client = _client(scored)
    key = _pull_request(scored)
    path = "/web/change/" + quote(key, safe="/@:")
    token = LinkSigner([KEY]).link_token("vp-engineering")
    got = client.get(f"{path}?t={token}&sort=files.path")
    assert got.status_code == 303
    assert got.headers["Location"] == f"{path}?sort=files.path"
    assert client.get(got.headers["Location"]).status_code == 200
