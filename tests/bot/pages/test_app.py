"""The web view end to end through its WSGI application: pages, scope, links, sign-in, headers."""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from typing import Any, NoReturn
from urllib.parse import parse_qsl, quote, urlsplit

import httpx
import pytest
import time_machine
from sqlalchemy import func
from sqlmodel import col, select
from werkzeug.test import Client, TestResponse

from bot.answers.access import Access, Grant, TokenTable
from bot.answers.records.change import change_risk, file_owners
from bot.answers.records.trend import week_rows
from bot.pages.app import SESSION_COOKIE, PagesApp, PagesConfig
from bot.pages.links import LinkSigner
from bot.pages.signin import ProviderSignIn
from bot.pages.viewer import subscriber_access
from data.scope import Scope
from data.store.engine import session_scope
from data.store.tables import Change, Delivery, Deploy, Person, Service, Subscriber
from fakes.oidc_provider import FakeOidcProvider, FakeUser
from scoring.errors import NotFoundError
from tests.samples import LoadedSample

KEY = "k" * 32
OLD_KEY = "o" * 32


def _now(scored: LoadedSample) -> datetime:
    return datetime.combine(scored.as_of, time(23, 59), tzinfo=UTC)


def _app(scored: LoadedSample, **config: Any) -> PagesApp:
    settings = {"signer": LinkSigner([KEY]), **config}
    return PagesApp(
        scored.engine,
        scored.org,
        PagesConfig(**settings),
        clock=lambda: _now(scored),
    )


def _client(scored: LoadedSample, **config: Any) -> Client:
    return Client(_app(scored, **config))


def _week(scored: LoadedSample) -> str:
    iso = (scored.as_of - timedelta(days=7)).isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def _change_of(scored: LoadedSample, *, service: str, inside: bool) -> str:
    """A scored change touching ``service`` (inside), or touching none of the services of the
    team ``service`` belongs to (not inside)."""
    team = next(t for t in scored.org.teams if service in t.services)
    whole = Access.organisation(scored.org)
    with session_scope(scored.engine) as session:
        rows = week_rows(session, scored.org, whole, None, _week(scored))
        for c in rows.changes:
            touched = {f.service for f in file_owners(session, whole, c.key)}
            if inside and service in touched:
                return c.key
            if not inside and not touched & set(team.services):
                return c.key
    raise AssertionError("the sample has changes on both sides")


def _path(key: str) -> str:
    return "/web/change/" + quote(key, safe="/@:")


def test_every_page_answers_in_the_open_view(scored: LoadedSample) -> None:
    """Each page of the demo answers 200 with its heading, and an unknown path answers 404."""
    client = _client(scored, open=True)
    change = _change_of(scored, service="checkout", inside=True)
    pages = {
        "/web/": "Whole organisation",
        f"/web/week/{_week(scored)}": _week(scored),
        f"/web/rows/{_week(scored)}": "Changes",
        _path(change): change,
        "/web/service/checkout?weeks=26": "Checkout",
        "/web/team/commerce": "Commerce",
        "/web/agents": "AI agents",
        "/web/ranking": "Record, the 90 days to",
        "/web/search?q=checkout": "Checkout",
    }
    for path, heading in pages.items():
        got = client.get(path)
        assert got.status_code == 200, (path, got.text[:500])
        assert heading in got.text, path
    assert client.get("/web/no-such-page").status_code == 404


def test_a_page_outside_the_scope_is_byte_for_byte_not_found(scored: LoadedSample) -> None:
    """A change of another team's service reads exactly as a change that does not exist."""
    client = _client(scored)
    follow_link(client, LinkSigner([KEY]).link_token("commerce-lead"))
    outside = client.get(_path(_change_of(scored, service="checkout", inside=False)))
    missing = client.get(_path("acme/nothing#999999"))
    inside = client.get(_path(_change_of(scored, service="checkout", inside=True)))
    assert inside.status_code == 200
    assert (outside.status_code, outside.data) == (missing.status_code, missing.data)
    assert outside.status_code == 404
    assert client.get("/web/service/identity").data == missing.data
    assert client.get("/web/team/platform").data == missing.data


def _found(got: TestResponse, kind: str) -> list[str]:
    """The keys a search page lists under ``kind`` (``change``, ``change by <login>``)."""
    assert got.status_code == 200, got.text[:500]
    return re.findall(
        rf'<span class="kind">{re.escape(kind)}</span> <a href="[^"]*">([^<]*?): ', got.text
    )


def test_search_finds_no_change_outside_the_scope(scored: LoadedSample) -> None:
    """A change of another team's service searched by its key is not listed; one in scope is."""
    client = _client(scored)
    follow_link(client, LinkSigner([KEY]).link_token("commerce-lead"))
    outside = _change_of(scored, service="checkout", inside=False)
    inside = _change_of(scored, service="checkout", inside=True)
    assert _found(client.get("/web/search?q=" + quote(outside, safe="")), "change") == []
    assert _found(client.get("/web/search?q=" + quote(inside, safe="")), "change") == [inside]
    assert _found(_client(scored, open=True).get("/web/search?q=" + quote(outside)), "change") == [
        outside
    ]


def test_search_lists_a_deploy_only_within_the_scope(scored: LoadedSample) -> None:
    """A deploy searched by its key is listed when its service is in scope, and not otherwise."""
    with session_scope(scored.engine) as session:
        latest = {}
        for service in ("checkout", "search"):
            row = session.exec(select(Service).where(Service.key == service)).one()
            deploy = session.exec(
                select(Deploy)
                .where(Deploy.service_id == row.id)
                .order_by(col(Deploy.finished_at).desc())
            ).first()
            assert deploy is not None
            latest[service] = deploy.key
    client = _client(scored)
    follow_link(client, LinkSigner([KEY]).link_token("commerce-lead"))

    def listed(key: str) -> list[str]:
        got = client.get("/web/search?q=" + quote(key, safe=""))
        assert got.status_code == 200, got.text[:500]
        return re.findall(r'<span class="kind">deploy</span> <a href="[^"]*">([^<]*)</a>', got.text)

    assert listed(latest["checkout"]) == [latest["checkout"]]
    assert listed(latest["search"]) == []


def test_search_lists_those_of_a_persons_changes_whose_pages_open(scored: LoadedSample) -> None:
    """A login lists, newest first, exactly those of the person's 50 latest changes whose own
    page the viewer may open, leaving out the ones outside the scope."""
    with session_scope(scored.engine) as session:
        access = subscriber_access(session, scored.org, "commerce-lead")
        assert access is not None
        # Someone with changes on both sides of the scope, so leaving out is seen.
        for person in session.exec(select(Person).order_by(col(Person.login))):
            latest = session.exec(
                select(Change.key)
                .where(Change.author_id == person.id)
                .order_by(col(Change.merged_at).desc())
                .limit(50)
            ).all()
            opens = []
            for key in latest:
                with contextlib.suppress(NotFoundError):
                    opens.append(change_risk(session, scored.org, access, key).key)
            if 0 < len(opens) < len(latest):
                login = person.login
                break
        else:
            raise AssertionError("the sample has an author on both sides of the scope")
    client = _client(scored)
    follow_link(client, LinkSigner([KEY]).link_token("commerce-lead"))
    assert _found(client.get("/web/search?q=" + quote(login)), f"change by {login}") == opens


def follow_link(client: Client, token: str, path: str = "/web/") -> TestResponse:
    """Open a briefing's link: the token becomes a session cookie and leaves the address."""
    got = client.get(f"{path}?t={token}&scope=")
    assert got.status_code == 303, got.text
    assert "t=" not in got.headers["Location"]
    assert client.get_cookie(SESSION_COOKIE, path="/web") is not None
    return got


def test_a_link_opens_its_subscribers_scope_and_changes_nothing(scored: LoadedSample) -> None:
    """A link (as a mail scanner would fetch it, twice) opens the subscriber's scope and writes
    nothing to the store."""
    with session_scope(scored.engine) as session:
        before = (
            session.exec(select(func.count()).select_from(Delivery)).one(),
            session.exec(select(func.count()).select_from(Change)).one(),
        )
    token = LinkSigner([KEY]).link_token("platform-lead")
    for _ in range(2):
        client = _client(scored)
        follow_link(client, token, f"/web/week/{_week(scored)}")
        page = client.get(f"/web/week/{_week(scored)}")
        assert page.status_code == 200
        assert "Identity, Infrastructure" in page.text
    with session_scope(scored.engine) as session:
        after = (
            session.exec(select(func.count()).select_from(Delivery)).one(),
            session.exec(select(func.count()).select_from(Change)).one(),
        )
    assert after == before


def test_a_forged_expired_or_orphaned_link_opens_nothing(scored: LoadedSample) -> None:
    """A token signed with another key, one past its days, or one of a removed subscriber is
    refused in one sentence, and no session is set."""
    forged = LinkSigner(["x" * 32]).link_token("vp-engineering")
    with time_machine.travel(datetime.now(UTC) - timedelta(days=31)):
        expired = LinkSigner([KEY]).link_token("vp-engineering")
    with session_scope(scored.engine) as session:
        row = session.exec(select(Subscriber).where(Subscriber.key == "discovery-lead")).one()
        row.active = False
        session.add(row)
    orphaned = LinkSigner([KEY]).link_token("discovery-lead")
    for token in (forged, expired, orphaned, "garbage"):
        client = _client(scored)
        got = client.get(f"/web/?t={token}")
        assert got.status_code == 401, token
        assert "expired or is not valid" in got.text
        assert client.get_cookie(SESSION_COOKIE, path="/web") is None
    # Without a link, sign-in or token, nothing opens either.
    assert _client(scored).get("/web/").status_code == 401


def test_keys_rotate_by_putting_a_new_one_first(scored: LoadedSample) -> None:
    """A link signed with the old key still opens while it is listed, and not once dropped."""
    old = LinkSigner([OLD_KEY]).link_token("commerce-lead")
    assert (
        _client(scored, signer=LinkSigner([KEY, OLD_KEY])).get(f"/web/?t={old}").status_code == 303
    )
    assert _client(scored, signer=LinkSigner([KEY])).get(f"/web/?t={old}").status_code == 401
    new = LinkSigner([KEY, OLD_KEY]).link_token("commerce-lead")
    assert _client(scored, signer=LinkSigner([KEY])).get(f"/web/?t={new}").status_code == 303


def test_every_answer_carries_the_headers_that_keep_tokens_in(scored: LoadedSample) -> None:
    """Pages, refusals and not-found all send a script-free CSP, no referrer and no caching."""
    client = _client(scored, open=True)
    for path in ("/web/", "/web/nothing", "/web/?t=bad"):
        got = client.get(path)
        csp = got.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp
        assert "script" not in csp
        assert "unsafe" not in csp
        assert got.headers["Referrer-Policy"] == "no-referrer"
        assert got.headers["Cache-Control"] == "no-store"
    assert client.post("/web/").status_code == 405


def test_outside_text_is_escaped_in_pages_and_csv(scored: LoadedSample) -> None:
    """A title that is markup shows as text, and one a spreadsheet would run is quoted in CSV."""
    key = _change_of(scored, service="checkout", inside=True)
    with session_scope(scored.engine) as session:
        row = session.exec(select(Change).where(Change.key == key)).one()
        row.title = '=HYPERLINK("http://evil")<script>alert(1)</script>'
        session.add(row)
    client = _client(scored, open=True)
    page = client.get(_path(key))
    assert "<script>alert(1)" not in page.text
    assert "&lt;script&gt;alert(1)" in page.text
    got = client.get(f"/web/rows/{_week(scored)}?csv=changes")
    assert got.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(got.text)))
    titles = [r["Title"] for r in rows if r["Change"] == key]
    assert titles == ["'" + row.title]


def test_tables_sort_by_their_header_links(scored: LoadedSample) -> None:
    """Sorting the changes by score, up and down, orders the CSV the same way."""
    client = _client(scored, open=True)
    base = f"/web/rows/{_week(scored)}?csv=changes&sort=changes.score"
    up = [int(r["Score"]) for r in csv.DictReader(io.StringIO(client.get(base + "&dir=asc").text))]
    down = [
        int(r["Score"]) for r in csv.DictReader(io.StringIO(client.get(base + "&dir=desc").text))
    ]
    assert len(up) > 3
    assert up == sorted(up)
    assert down == sorted(down, reverse=True)


def test_a_week_page_counts_link_to_the_rows_they_count(scored: LoadedSample) -> None:
    """The week's high-risk share links to exactly its high and very high changes."""
    client = _client(scored, open=True)
    page = client.get(f"/web/week/{_week(scored)}")
    assert f"/web/rows/{_week(scored)}?band=high_risk" in page.text
    got = client.get(f"/web/rows/{_week(scored)}?band=high_risk&csv=changes")
    bands = {r["Band"] for r in csv.DictReader(io.StringIO(got.text))}
    assert bands
    assert bands <= {"high", "very high"}


def test_an_mcp_token_opens_its_scope_for_scripts(scored: LoadedSample) -> None:
    """A bearer token reads the pages in its subscriber's scope; a wrong one is refused."""
    scopes = {
        None: Access.organisation(scored.org),
        "commerce-lead": Access.of(
            scored.org, Scope(("commerce",), ()), "Europe/Berlin", "commerce-lead"
        ),
    }
    tokens = TokenTable([Grant("t" * 20, "commerce-lead")], scopes)
    client = _client(scored, tokens=tokens)
    header = {"Authorization": "Bearer " + "t" * 20}
    assert client.get("/web/team/commerce", headers=header).status_code == 200
    assert client.get("/web/service/identity", headers=header).status_code == 404
    assert client.get("/web/", headers={"Authorization": "Bearer wrong"}).status_code == 401


@pytest.fixture
def provider() -> Iterator[FakeOidcProvider]:
    """The fake OpenID Connect provider, sending people back to the web view's callback."""
    with FakeOidcProvider(redirect_uri="http://riskbrief.test/web/signin/callback") as fake:
        yield fake


def _sign_in(
    scored: LoadedSample, provider: FakeOidcProvider, email: str, **config: Any
) -> tuple[Client, TestResponse]:
    """Sign in through the fake provider as ``email``: the web view's redirect, the provider's
    authorization over HTTP, and the callback."""
    provider.user = FakeUser(email=email)
    signin = ProviderSignIn(
        issuer=provider.issuer,
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        redirect_uri=provider.redirect_uri,
    )
    client = _client(scored, signin=signin, **config)
    first = client.get("/web/team/commerce")
    assert first.status_code == 303
    start = client.get(first.headers["Location"])
    assert start.status_code == 303
    with httpx.Client(trust_env=False) as browser:
        back = browser.get(start.headers["Location"])
    assert back.status_code == 302, back.text
    query = urlsplit(back.headers["location"]).query
    done = client.get("/web/signin/callback?" + query)
    assert dict(parse_qsl(query)).get("state")
    return client, done


def test_signing_in_opens_the_scope_of_the_subscriber_with_that_email(
    scored: LoadedSample, provider: FakeOidcProvider
) -> None:
    """A signed-in email that is a subscriber's sees their scope, back on the page asked for."""
    client, done = _sign_in(scored, provider, "Lena.Hoffmann@acme.example")
    assert done.status_code == 303
    assert done.headers["Location"] == "/web/team/commerce"
    assert client.get("/web/team/commerce").status_code == 200
    assert client.get("/web/service/identity").status_code == 404


def test_an_admin_sees_all_and_a_stranger_nothing(
    scored: LoadedSample, provider: FakeOidcProvider
) -> None:
    """An email of RISKBRIEF_WEB_ADMINS sees the whole organisation; an unknown one gets 403."""
    client, _ = _sign_in(
        scored, provider, "cto@acme.example", admins=frozenset({"cto@acme.example"})
    )
    assert client.get("/web/service/identity").status_code == 200
    _, refused = _sign_in(scored, provider, "someone@elsewhere.example")
    assert refused.status_code == 403
    assert "No briefing goes to someone@elsewhere.example" in refused.text


def test_a_token_for_another_audience_signs_nobody_in(
    scored: LoadedSample, provider: FakeOidcProvider
) -> None:
    """An ID token minted for another client ends the sign-in in one sentence, with no session."""
    provider.audience = "another-client"
    client, done = _sign_in(scored, provider, "lena.hoffmann@acme.example")
    assert done.status_code == 401
    assert "Traceback" not in done.text
    assert client.get_cookie(SESSION_COOKIE, path="/web") is None


def test_a_page_that_fails_says_so_in_one_sentence(
    scored: LoadedSample, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error inside a view is a 500 page with one sentence and the usual headers, no trace."""
    from bot.pages import views

    def broken(_ctx: object) -> NoReturn:
        raise RuntimeError("boom /secret/path")

    monkeypatch.setattr(
        views,
        "VIEWS",
        tuple(replace(v, page=broken) if v.name == "ranking" else v for v in views.VIEWS),
    )
    got = _client(scored, open=True).get("/web/ranking")
    assert got.status_code == 500
    assert "could not be made" in got.text
    assert "boom" not in got.text
    assert "Traceback" not in got.text
    assert got.headers["Referrer-Policy"] == "no-referrer"


def test_the_ranking_page_says_when_its_outcomes_are_too_few_to_judge_by(
    scored: LoadedSample,
) -> None:
    """The sample's few changes that went wrong make the page say its figures are mostly
    chance, beside the record line of the briefings' footer."""
    from bot.answers.access import Access
    from bot.answers.records.ranking import store_ranking
    from data.store.engine import session_scope

    with session_scope(scored.engine) as session:
        bad = store_ranking(session, scored.org, Access.organisation(scored.org)).bad
    text = _client(scored, open=True).get("/web/ranking").text
    assert 0 < bad < 30
    assert f"A small sample: with {bad} changes that went wrong (under 30)" in text
    assert "Record, the 90 days to" in text


def test_a_page_declared_once_is_routed_and_linked(
    scored: LoadedSample, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ``PageSpec`` added to ``VIEWS`` alone answers at its routes, with its values, and links
    build to it by its name; a name the web view keeps for itself is refused at start."""
    from bot.pages import views
    from bot.pages.page import Page, PageContext

    def hello(ctx: PageContext, who: str = "everyone") -> Page:
        link = ctx.url("hello", who="Ann Lee")
        return Page("message.html", "Hello", {"title": f"Hello {who}", "sentence": link})

    page = views.PageSpec("hello", ("/hello", "/hello/<who>"), hello)
    monkeypatch.setattr(views, "VIEWS", (*views.VIEWS, page))
    client = _client(scored, open=True)
    named = client.get("/web/hello/Sam")
    assert named.status_code == 200
    assert "Hello Sam" in named.text
    assert "/web/hello/Ann%20Lee" in named.text
    assert "Hello everyone" in client.get("/web/hello").text
    monkeypatch.setattr(views, "VIEWS", (*views.VIEWS, replace(page, name="signin")))
    with pytest.raises(ValueError, match="signin"):
        _client(scored, open=True)
