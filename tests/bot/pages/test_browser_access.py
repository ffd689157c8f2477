"""Who sees what, in Debian's Chromium: a link taken from a briefing's email opens its
subscriber's page and scope, and a sign-in goes through the (fake) OpenID Connect provider."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import TYPE_CHECKING, Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

import pytest
from sqlmodel import select

from bot.composition.compose import compose_all
from bot.pages.app import SESSION_COOKIE, PagesApp, PagesConfig
from bot.pages.links import BriefingLinks, LinkSigner
from bot.pages.signin import ProviderSignIn
from briefing.week import IsoWeek
from data.store.engine import session_scope
from data.store.tables import Subscriber
from fakes.oidc_provider import FakeOidcProvider, FakeUser
from tests.samples import SampleTemplate

if TYPE_CHECKING:
    from playwright.sync_api import Browser

KEY = "a-key-for-these-tests-only"


@dataclass
class Site:
    """The web view with links and sign-in, on a local port, beside its fake provider."""

    base: str
    email_html: str
    week: str
    provider: FakeOidcProvider


@pytest.fixture(scope="module")
def site(scored_sample: SampleTemplate, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The scored sample served with signed links and sign-in, and the commerce lead's email
    of the week composed with links into it."""
    from bot.runtime.server import HttpServer

    loaded = scored_sample.copy(tmp_path_factory.mktemp("pages-access") / "s.db")
    now = datetime.combine(loaded.as_of, time(23, 59, 59), UTC)
    # The provider must send people back to this server, whose port is known once it listens.
    mounted: dict[str, WSGIApplication] = {}

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        return mounted["pages"](environ, start_response)

    server = HttpServer(app, "127.0.0.1", 0, threads=4)
    base = server.url + "/web"
    with FakeOidcProvider(redirect_uri=base + "/signin/callback") as provider:
        signin = ProviderSignIn(
            issuer=provider.issuer,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            redirect_uri=provider.redirect_uri,
        )
        signer = LinkSigner([KEY])
        mounted["pages"] = PagesApp(
            loaded.engine,
            loaded.org,
            PagesConfig(signer=signer, signin=signin),
            clock=lambda: now,
        )
        week = IsoWeek.last_complete(now, "Europe/Berlin")
        with session_scope(loaded.engine) as session:
            lead = session.exec(select(Subscriber).where(Subscriber.key == "commerce-lead")).one()
            composed = compose_all(
                session, loaded.org, [(lead, week)], links=BriefingLinks(base, signer)
            )
        thread = threading.Thread(target=server.run, name="pages-access", daemon=True)
        thread.start()
        try:
            yield Site(base, composed[0].email.html, week.id, provider)
        finally:
            server.stop()
            thread.join(10)
            loaded.engine.dispose()


def _heading(page: Any) -> str:
    return str(page.locator("h1").first.inner_text())


def test_a_link_from_the_email_opens_the_subscribers_page(browser: Browser, site: Site) -> None:
    """The email's week link opens that week in Commerce's scope with the token gone from the
    address; a page outside the scope is then not found."""
    week_link = re.search(r'href="([^"]*/web/week/[^"]*)"', site.email_html)
    assert week_link is not None
    context = browser.new_context()
    page = context.new_page()
    answer = page.goto(week_link.group(1).replace("&amp;", "&"))
    assert answer is not None
    assert answer.status == 200
    assert "t=" not in page.url
    assert _heading(page) == f"Commerce: week {site.week}"
    cookie = next(c for c in context.cookies() if c["name"] == SESSION_COOKIE)
    assert cookie["httpOnly"]
    outside = page.goto(f"{site.base}/service/identity")
    assert outside is not None
    assert outside.status == 404
    assert _heading(page) == "Not found"
    context.close()


def test_signing_in_through_the_provider_opens_the_page_asked_for(
    browser: Browser, site: Site
) -> None:
    """A visitor without a link is sent to the provider and back, signed in as the subscriber
    with that email, on the page first asked for."""
    site.provider.user = FakeUser(email="lena.hoffmann@acme.example")
    context = browser.new_context()
    page = context.new_page()
    answer = page.goto(f"{site.base}/team/commerce")
    assert answer is not None
    assert answer.status == 200
    assert page.url == f"{site.base}/team/commerce"
    assert _heading(page) == "Commerce (team)"
    assert site.provider.requests_to("/authorize")
    assert page.goto(f"{site.base}/team/platform").status == 404  # type: ignore[union-attr]
    context.close()


def test_a_stranger_is_told_there_is_nothing_for_them(browser: Browser, site: Site) -> None:
    """An email no briefing goes to signs in and is told so, with nothing shown."""
    site.provider.user = FakeUser(email="visitor@elsewhere.example")
    context = browser.new_context()
    page = context.new_page()
    answer = page.goto(f"{site.base}/")
    assert answer is not None
    assert answer.status == 403
    assert "No briefing goes to visitor@elsewhere.example" in page.content()
    context.close()


def test_the_sign_out_button_ends_the_session_for_good(browser: Browser, site: Site) -> None:
    """The Sign out button at the foot of a page signs out (a POST the page's own CSP lets
    through), and the same cookie sent again by another browser then opens nothing."""
    week_link = re.search(r'href="([^"]*/web/week/[^"]*)"', site.email_html)
    assert week_link is not None
    context = browser.new_context()
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if m.type == "error" else None)
    answer = page.goto(week_link.group(1).replace("&amp;", "&"))
    assert answer is not None
    assert answer.status == 200
    cookie = next(c for c in context.cookies() if c["name"] == SESSION_COOKIE)
    other = browser.new_context()
    other.add_cookies([cookie])  # type: ignore[list-item]
    asked = f"{site.base}/team/commerce"
    assert other.request.get(asked, max_redirects=0).status == 200
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    assert _heading(page) == "Signed out"
    assert "You are signed out" in page.content()
    assert not [c for c in context.cookies() if c["name"] == SESSION_COOKIE]
    # Sent again, the cookie is no session: the visitor is sent to sign in, as a stranger is.
    again = other.request.get(asked, max_redirects=0)
    assert again.status == 303
    assert "/signin" in again.headers["location"]
    assert violations == []
    other.close()
    context.close()
