"""Briefings' links into the web view: signed for their subscriber, in every channel, and
opening the right page in the right scope."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time
from html import escape
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from click.testing import CliRunner
from werkzeug.test import Client

from bot.cli import main
from bot.pages.app import PagesApp, PagesConfig
from bot.pages.links import DEMO_KEY, DEMO_WEB_URL, BriefingLinks, LinkSigner
from briefing.narrative import Narrative
from briefing.payload import BriefingPayload
from briefing.render import render_email, render_slack
from briefing.render.msteams import render_msteams
from data.config import load_org_config
from data.store.engine import make_engine

AS_OF = "2026-11-23"
_DAY = datetime.combine(datetime.fromisoformat(AS_OF).date(), time(23, 59), tzinfo=UTC)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One `riskbrief demo` run, pinned to its day."""
    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(main, ["demo", "--out", str(out), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    return out


def _links(text: str) -> list[str]:
    return re.findall(re.escape(DEMO_WEB_URL) + r"[^\s\"'<>|]+", text)


def test_every_channel_links_the_week_and_changes_for_its_subscriber(demo: Path) -> None:
    """Slack, email and Teams each link the week's page and the changes, every token naming
    the briefing's own subscriber."""
    signer = LinkSigner([DEMO_KEY], clock=_DAY.timestamp)
    for key in ("commerce-lead", "platform-lead"):
        slack = (demo / f"{key}.slack.json").read_text()
        email = (demo / f"{key}.email.html").read_text().replace("&amp;", "&")
        for text in (slack, email):
            links = _links(text)
            assert any("/week/" in link for link in links), key
            # The platform lead's week is quiet: one line, no change listed.
            if key == "commerce-lead":
                assert any("/change/" in link for link in links), key
            for link in links:
                token = dict([urlsplit(link).query.split("=", 1)])["t"]
                assert signer.link_subscriber(token) == key


def test_without_the_web_address_briefings_link_the_code_host(demo: Path) -> None:
    """A payload given no links renders no web view link in any channel."""
    import json

    from sqlmodel import select

    from data.store.engine import session_scope
    from data.store.tables import Briefing

    engine = make_engine(f"sqlite:///{demo / 'demo.db'}")
    with session_scope(engine) as session:
        stored = session.exec(select(Briefing)).first()
        assert stored is not None
        payload = BriefingPayload.model_validate(stored.payload)
        narrative = Narrative.model_validate(stored.narrative)
    engine.dispose()
    assert payload.details_url is not None
    assert payload.plan is not None
    plan = payload.plan.model_copy(
        update={"items": tuple(i.model_copy(update={"url": None}) for i in payload.plan.items)}
    )
    plain = payload.model_copy(
        update={
            "details_url": None,
            "top_changes": tuple(c.model_copy(update={"url": None}) for c in payload.top_changes),
            "plan": plan,
        }
    )
    for rendered in (
        json.dumps(render_slack(plain, narrative).blocks),
        render_email(plain, narrative).html,
        json.dumps(render_msteams(plain, narrative).card),
    ):
        assert DEMO_WEB_URL not in rendered
    relinked = BriefingLinks("https://rb.example/web", LinkSigner(["n" * 20])).apply(plain)
    teams = json.dumps(render_msteams(relinked, narrative).card)
    assert "https://rb.example/web/week/" in teams


def test_a_link_from_a_demo_email_opens_that_subscribers_page(demo: Path) -> None:
    """The commerce lead's email link opens the week in Commerce's scope, where a change of
    another team's service is not found."""
    org = load_org_config(demo / "riskbrief.toml")
    engine = make_engine(f"sqlite:///{demo / 'demo.db'}")
    signer = LinkSigner([DEMO_KEY], clock=_DAY.timestamp)
    client = Client(PagesApp(engine, org, PagesConfig(open=True, signer=signer), lambda: _DAY))
    html = (demo / "commerce-lead.email.html").read_text().replace("&amp;", "&")
    week = next(link for link in _links(html) if "/week/" in link)
    target = urlsplit(week)
    opened = client.get(f"{target.path}?{target.query}")
    assert opened.status_code == 303
    page = client.get(opened.headers["Location"])
    assert page.status_code == 200
    assert "<h1>Commerce: week 2026-W47</h1>" in page.text
    # Open to all on this machine, yet the link's scope holds: no platform service here.
    assert client.get("/web/service/identity").status_code == 404
    engine.dispose()


def test_a_signed_links_session_refuses_another_teams_name_as_one_that_is_nowhere(
    demo: Path,
) -> None:
    """In the session the commerce lead's link opens, another team's or service's page, a
    look-alike of one and a name that exists nowhere are the same page (the name aside)."""
    org = load_org_config(demo / "riskbrief.toml")
    engine = make_engine(f"sqlite:///{demo / 'demo.db'}")
    signer = LinkSigner([DEMO_KEY], clock=_DAY.timestamp)
    client = Client(PagesApp(engine, org, PagesConfig(open=True, signer=signer), lambda: _DAY))
    html = (demo / "commerce-lead.email.html").read_text().replace("&amp;", "&")
    week = urlsplit(next(link for link in _links(html) if "/week/" in link))
    assert client.get(f"{week.path}?{week.query}").status_code == 303
    for kind, names in (
        ("service", ["search", "identity", "\uff33earch", "se\u00adarch"]),
        ("team", ["discovery", "Platform", "Disc\u043every"]),
    ):
        nowhere = client.get(f"/web/{kind}/zzq")
        assert nowhere.status_code == 404
        assert "Search" not in nowhere.text
        assert "Discovery" not in nowhere.text
        for name in names:
            page = client.get(f"/web/{kind}/{quote(name)}")
            shown = escape(name.replace("\u00ad", ""))
            assert page.status_code == 404, (kind, name)
            assert page.text.replace(shown, "zzq") == nowhere.text, (kind, name)
    engine.dispose()
