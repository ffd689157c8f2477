"""The web view against OWASP ASVS level 1 and its own docs (issue 50): links that resolve,
sessions revoked on the server, the cookie's prefix behind https, caching as documented, and
a bounded search."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import col, select
from werkzeug.test import Client

from bot.pages.app import SESSION_COOKIE, PagesApp, PagesConfig
from bot.pages.endpoint import pages_endpoint
from bot.pages.links import LinkSigner
from bot.pages.signin import ProviderSignIn
from bot.settings import Settings
from data.store.engine import session_scope
from data.store.tables import Change, RiskScoreRow
from data.store.web_sessions import is_revoked, revoke_session
from fakes.oidc_provider import FakeOidcProvider, FakeUser
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


def _signed_in(client: Client, subscriber: str = "commerce-lead") -> tuple[str, str]:
    """Open a briefing's link as ``subscriber``: the session cookie's value, and the sign-out
    form's token from the page it lands on."""
    token = LinkSigner([KEY]).link_token(subscriber)
    assert client.get(f"/web/?t={token}").status_code == 303
    cookie = client.get_cookie(SESSION_COOKIE, path="/web")
    assert cookie is not None
    page = client.get("/web/team/commerce")
    assert page.status_code == 200
    form = re.search(
        r'<form class="signout" method="post" action="/web/signout">'
        r'<input type="hidden" name="csrf" value="([^"]+)">',
        page.text,
    )
    assert form is not None, page.text[-800:]
    return cookie.value, form.group(1)


def _replay(scored: LoadedSample, cookie: str) -> Client:
    """Another browser (on another replica of the same store) sending ``cookie`` as its own."""
    client = _client(scored)
    client.set_cookie(SESSION_COOKIE, cookie, path="/web")
    return client


def test_signing_out_revokes_the_session_on_every_replica(scored: LoadedSample) -> None:
    """After signing out, the very same cookie value, sent again to this or another replica,
    opens no page; before, it opened them."""
    client = _client(scored)
    cookie, csrf = _signed_in(client)
    assert _replay(scored, cookie).get("/web/team/commerce").status_code == 200
    out = client.post("/web/signout", data={"csrf": csrf})
    assert out.status_code == 200
    assert "You are signed out" in out.text
    assert client.get_cookie(SESSION_COOKIE, path="/web") is None
    for path in ("/web/", "/web/team/commerce", f"/web/change/{quote(_pull_request(scored))}"):
        assert _replay(scored, cookie).get(path).status_code == 401, path
    # A new link opens a new session: the link itself lasts its days, as before.
    assert _signed_in(_client(scored))[0] != cookie


def test_signing_out_is_only_a_post_from_the_pages_own_form(scored: LoadedSample) -> None:
    """A GET, a POST without the form's token or with another session's, and a POST the
    browser says came from another site all leave the session open."""
    client = _client(scored)
    cookie, csrf = _signed_in(client)
    _, other = _signed_in(_client(scored))
    assert client.get("/web/signout").status_code == 405
    refused: list[tuple[dict[str, str], dict[str, str]]] = [
        ({}, {}),
        ({"csrf": other}, {}),
        ({"csrf": "garbage"}, {}),
        ({"csrf": csrf}, {"Sec-Fetch-Site": "cross-site"}),
        ({"csrf": csrf}, {"Sec-Fetch-Site": "same-site"}),
        ({"csrf": csrf}, {"Origin": "https://evil.example"}),
    ]
    for data, headers in refused:
        got = client.post("/web/signout", data=data, headers=headers)
        assert got.status_code == 403, (data, headers)
        assert "did not come from a riskbrief page" in got.text
    assert _replay(scored, cookie).get("/web/team/commerce").status_code == 200
    # The page's own form, as a browser sends it (no-referrer: its Origin is null).
    same = {"Sec-Fetch-Site": "same-origin", "Origin": "null"}
    assert client.post("/web/signout", data={"csrf": csrf}, headers=same).status_code == 200
    assert _replay(scored, cookie).get("/web/team/commerce").status_code == 401


def test_behind_https_the_session_cookie_is_secure_and_prefixed(scored: LoadedSample) -> None:
    """With RISKBRIEF_WEB_URL on https, the session cookie is named
    ``__Secure-riskbrief_session`` and set ``Secure``, and it is the one that opens pages; on
    plain http it keeps its plain name."""
    token = LinkSigner([KEY]).link_token("commerce-lead")
    for url, name in (
        ("https://rb.example/web", "__Secure-riskbrief_session"),
        ("http://127.0.0.1:8765/web", SESSION_COOKIE),
    ):
        settings = Settings(web_keys=KEY, web_url=url)
        app = pages_endpoint(settings, scored.engine, scored.org)
        assert app is not None
        client = Client(app)
        base = url.removesuffix("/web")
        got = client.get(f"/web/?t={token}", base_url=base)
        header = next(h for h in got.headers.getlist("Set-Cookie") if "session" in h)
        assert header.startswith(name + "="), header
        assert ("; Secure" in header) is url.startswith("https:")
        assert "HttpOnly" in header
        cookie = client.get_cookie(name, domain=urlsplit(base).hostname or "", path="/web")
        assert cookie is not None
        assert client.get("/web/team/commerce", base_url=base).status_code == 200


def test_a_signed_out_session_is_kept_until_it_expires_on_each_store(engine: Engine) -> None:
    """SQLite and PostgreSQL both record a sign-out once (twice is no error), and forget it
    once its cookie would have expired anyway."""
    now = datetime(2026, 11, 26, 12, tzinfo=UTC)
    revoke_session(engine, "first", now + timedelta(hours=12), now)
    revoke_session(engine, "first", now + timedelta(hours=12), now)
    with session_scope(engine) as session:
        assert is_revoked(session, "first")
        assert not is_revoked(session, "second")
    later = now + timedelta(hours=13)
    revoke_session(engine, "second", later + timedelta(hours=12), later)
    with session_scope(engine) as session:
        assert not is_revoked(session, "first")
        assert is_revoked(session, "second")


def test_a_search_is_bounded_and_a_long_one_is_never_echoed(scored: LoadedSample) -> None:
    """A search of 200 characters is searched; one of 201 is refused in one sentence, and a
    100 kB one too, neither written back into the page."""
    client = _client(scored, open=True)
    longest = "checkout" + "x" * 192
    got = client.get("/web/search?q=" + longest)
    assert got.status_code == 200
    assert f'value="{longest}"' in got.text
    assert 'maxlength="200"' in got.text
    over = client.get("/web/search?q=" + longest + "y")
    assert over.status_code == 400
    assert "A search is at most 200 characters and this one has 201" in over.text
    assert longest not in over.text
    huge = "z" * 100_000
    refused = client.get("/web/search?q=" + huge)
    assert refused.status_code in (400, 414)
    assert len(refused.data) < 5000
    assert "z" * 300 not in refused.text


def test_no_page_writes_a_huge_query_back_into_its_links(scored: LoadedSample) -> None:
    """Every page writes its query into its permalink, sort and CSV links: one of 100 kB is
    refused in one sentence rather than written back dozens of times."""
    client = _client(scored, open=True)
    got = client.get("/web/agents?junk=" + "z" * 100_000)
    assert got.status_code == 414
    assert "at most 2048 characters" in got.text
    assert len(got.data) < 5000
    assert client.get("/web/agents?junk=" + "z" * 1000).status_code == 200


def _documented_headers() -> tuple[dict[str, str], str, str]:
    """docs/web.md's Headers: those every answer carries, then the pages' and the
    stylesheet's ``Cache-Control``."""
    doc = (Path(__file__).parents[3] / "docs" / "web.md").read_text(encoding="utf-8")
    bullet = doc.split("- **Headers.**", 1)[1].split("\n- ", 1)[0].split("\n\n", 1)[0]
    bullet = " ".join(bullet.split())
    every, _, caching = bullet.partition("Cache-Control")
    named = dict(re.findall(r"`([A-Za-z-]+): ([^`]+)`", every))
    pages = re.search(r"Pages, CSV, refusals and not-found carry `Cache-Control: ([^`]+)`", bullet)
    sheet = re.search(r"the stylesheet alone[^`]*`Cache-Control: ([^`]+)`", bullet)
    assert named, caching
    assert pages is not None, bullet
    assert sheet is not None, bullet
    return named, pages.group(1), sheet.group(1)


def test_every_answer_carries_the_headers_docs_web_md_names(scored: LoadedSample) -> None:
    """Pages, CSV, refusals, not-found and the stylesheet carry the headers docs/web.md says,
    and each the caching it says: none for what a viewer may see, an hour for the stylesheet."""
    every, pages, sheet = _documented_headers()
    assert set(every) >= {"Content-Security-Policy", "Referrer-Policy", "X-Frame-Options"}
    client = _client(scored, open=True)
    answers = {
        "/web/": 200,
        "/web/agents?csv=agents": 200,
        "/web/nothing": 404,
        "/web/search?q=" + "x" * 201: 400,
        "/web/static/site.css": 200,
    }
    for path, status in answers.items():
        got = client.get(path)
        assert got.status_code == status, path
        for name, value in every.items():
            assert got.headers[name] == value, (path, name)
        cached = sheet if path.endswith(".css") else pages
        assert got.headers["Cache-Control"] == cached, path
    assert client.get("/web/static/site.css").mimetype == "text/css"


def test_behind_https_signing_in_goes_through_prefixed_cookies(scored: LoadedSample) -> None:
    """Behind https the sign-in's own cookie is ``__Secure-riskbrief_signin`` too, and the
    sign-in through the provider ends in a ``__Secure-`` session that opens the page."""
    with FakeOidcProvider(redirect_uri="https://riskbrief.test/web/signin/callback") as provider:
        provider.user = FakeUser(email="lena.hoffmann@acme.example")
        signin = ProviderSignIn(
            issuer=provider.issuer,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            redirect_uri=provider.redirect_uri,
        )
        client = _client(scored, signin=signin, secure_cookies=True)
        base = "https://riskbrief.test"
        first = client.get("/web/team/commerce", base_url=base)
        start = client.get(first.headers["Location"], base_url=base)
        assert start.status_code == 303
        pending = start.headers["Set-Cookie"]
        assert pending.startswith("__Secure-riskbrief_signin=")
        assert "; Secure" in pending
        with httpx.Client(trust_env=False) as browser:
            back = browser.get(start.headers["Location"])
        assert back.status_code == 302, back.text
        query = urlsplit(back.headers["location"]).query
        done = client.get("/web/signin/callback?" + query, base_url=base)
    assert done.status_code == 303, done.text
    assert done.headers["Location"] == "/web/team/commerce"
    names = [h.split("=", 1)[0] for h in done.headers.getlist("Set-Cookie")]
    assert "__Secure-riskbrief_session" in names
    assert client.get("/web/team/commerce", base_url=base).status_code == 200
