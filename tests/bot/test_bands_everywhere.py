"""Issue 63: on the demo's store, no reader shows a number beside a band that is not that number's
band (bands are fixed bounds of the number), so no two changes or deploys on any page or answer
have their number and band in opposite order.

Every reader is read: `ask` (pr, deploy, service, brief, plan, incident), the web view's pages
(weeks, rows, changes, deploys, services, teams, agents, ranking), the MCP tools' answers, and
the Slack blocks and emails `riskbrief demo` wrote.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from sqlmodel import Session, col, select
from werkzeug.test import Client

from bot.answers.access import Access
from bot.answers.records.briefing import scope_briefing
from bot.answers.records.change import change_risk
from bot.answers.records.deploy import deploy_risk
from bot.answers.records.incident import incident_culprits
from bot.answers.records.plan import review_plan
from bot.answers.records.pull import open_pulls
from bot.answers.records.service import service_record
from bot.cli import main
from bot.pages.app import PagesApp, PagesConfig
from data.config import load_org_config
from data.store.engine import make_engine
from data.store.tables import Change, Deploy, Incident, Service, Team
from scoring.band import Band
from scoring.config import ScoringConfig
from scoring.score_scale import band_for

AS_OF = "2026-11-23"
_DAY = datetime(2026, 11, 23, 23, 59, tzinfo=UTC)
_BANDS = "very high|high|moderate|low"
# In words: "score 72, very high risk", "scored 57 (high risk)", "Risk *81*, very high risk",
# "· 73, very high risk", "74 (very high)", "risk 70, high". A number glued to a key, a date or
# a time (acme#4503, 2026-11-17, INC-1039) is not a score.
_TEXT = re.compile(rf"(?<![\w.#@/:-])(\d{{1,3}})\*?(?:, | \()({_BANDS})\b")
# The web view: a band's badge and the number after it ("very high 72").
_BADGE = re.compile(
    rf'<span class="band band-[\w-]+">({_BANDS})</span>\s*(?:</a>\s*)?(\d{{1,3}})\b'
)
_LABELS = {b.label: b for b in Band}
_CONFIG = ScoringConfig()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One `riskbrief demo` run, pinned to its day."""
    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(main, ["demo", "--out", str(out), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    return out


def _text_pairs(text: str) -> Iterator[tuple[int, str]]:
    for number, band in _TEXT.findall(text):
        yield int(number), band


def _html_pairs(page: str) -> Iterator[tuple[int, str]]:
    """A page's badges, its tables' Score and Band cells, and its text's pairs."""
    for band, number in _BADGE.findall(page):
        yield int(number), band
    for table in re.findall(r"<table.*?</table>", page, re.S):
        heads = [_plain(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", table, re.S)]
        if "Score" not in heads or "Band" not in heads:
            continue
        score, band = heads.index("Score"), heads.index("Band")
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
            cells = [_plain(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            if len(cells) > max(score, band) and cells[score].isdigit():
                yield int(cells[score]), cells[band]
    yield from _text_pairs(_plain(page))


def _plain(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def _json_pairs(value: Any) -> Iterator[tuple[int, str]]:
    """Every object of an answer holding a score and its band, and its strings' pairs."""
    if isinstance(value, dict):
        score, band = value.get("score"), value.get("band")
        if isinstance(score, int) and isinstance(band, str):
            yield score, band
        for v in value.values():
            yield from _json_pairs(v)
    elif isinstance(value, list):
        for v in value:
            yield from _json_pairs(v)
    elif isinstance(value, str):
        yield from _text_pairs(value)


def _band(word: str) -> Band:
    """A band as a reader words it ("very high", "very high risk") or stores it ("critical")."""
    word = word.removesuffix(" risk")
    return _LABELS[word] if word in _LABELS else Band(word)


def _wrong(pairs: list[tuple[str, int, str]]) -> list[tuple[str, int, str]]:
    return [(where, n, b) for where, n, b in pairs if _band(b) is not band_for(n, _CONFIG)]


def _keys(demo: Path) -> tuple[list[str], list[str], list[str], list[str], list[str]]:
    """The changes and deploys of the last three weeks, and every service, team and incident."""
    engine = make_engine(f"sqlite:///{demo / 'demo.db'}")
    since = _DAY - timedelta(days=21)
    with Session(engine) as session:
        changes = list(session.exec(select(Change.key).where(col(Change.merged_at) >= since)))
        deploys = list(session.exec(select(Deploy.key).where(col(Deploy.finished_at) >= since)))
        services = list(session.exec(select(Service.key)))
        teams = list(session.exec(select(Team.key)))
        incidents = list(session.exec(select(Incident.key)))
    engine.dispose()
    return changes, deploys, services, teams, incidents


def test_no_reader_shows_a_number_beside_another_numbers_band(demo: Path) -> None:
    """Every (number, band) any reader shows has the band of that number, and readers show
    many of them, of every band."""
    changes, deploys, services, teams, incidents = _keys(demo)
    pairs: list[tuple[str, int, str]] = []

    # `riskbrief ask`: what Slack's /risk answers, as text.
    runner = CliRunner()
    asked = [["pr", k] for k in changes[-40:]] + [["deploy", k] for k in deploys[-40:]]
    asked += [["service", s] for s in services] + [["brief"], ["plan"]]
    asked += [["brief", s] for s in services] + [["incident", i] for i in incidents]
    for words in asked:
        result = runner.invoke(main, ["ask", "--demo", "--demo-dir", str(demo), *words])
        assert result.exit_code == 0, (words, result.output)
        pairs += [(" ".join(words), n, b) for n, b in _text_pairs(result.output)]

    # The web view's pages.
    org = load_org_config(demo / "riskbrief.toml")
    engine = make_engine(f"sqlite:///{demo / 'demo.db'}")
    client = Client(PagesApp(engine, org, PagesConfig(open=True), lambda: _DAY))
    paths = ["/web/", "/web/agents", "/web/ranking", "/web/rows/2026-W47"]
    paths += [f"/web/week/2026-W{w}" for w in range(36, 48)]
    paths += [f"/web/change/{quote(k, safe='/')}" for k in changes]
    paths += [f"/web/deploy/{quote(k, safe='/')}" for k in deploys]
    paths += [f"/web/service/{s}" for s in services] + [f"/web/team/{t}" for t in teams]
    for path in paths:
        page = client.get(path)
        assert page.status_code == 200, path
        pairs += [(path, n, b) for n, b in _html_pairs(page.text)]

    # The MCP tools' answers: the records they return.
    access = Access.organisation(org)
    with Session(engine) as session:
        records: list[tuple[str, Any]] = [
            ("briefing", scope_briefing(session, org, access, None, None, _DAY)),
            ("review_plan", review_plan(session, org, access, None, _DAY)),
            ("open_pull_requests", open_pulls(session, org, access, None, None, 50)),
        ]
        records += [(k, change_risk(session, org, access, k)) for k in changes[-40:]]
        records += [(k, deploy_risk(session, org, access, k, None)) for k in deploys[-40:]]
        records += [(s, service_record(session, org, access, s, None)) for s in services]
        records += [(i, incident_culprits(session, org, access, i)) for i in incidents]
    engine.dispose()
    for where, record in records:
        pairs += [(where, n, b) for n, b in _json_pairs(record.model_dump(mode="json"))]

    # What `riskbrief demo` delivered: Slack blocks and emails.
    for written in sorted(demo.glob("*.slack.json")):
        pairs += [(written.name, n, b) for n, b in _json_pairs(json.loads(written.read_text()))]
    for written in sorted(demo.glob("*.email.txt")):
        pairs += [(written.name, n, b) for n, b in _text_pairs(written.read_text())]
    for written in sorted(demo.glob("*.email.html")):
        pairs += [(written.name, n, b) for n, b in _html_pairs(written.read_text())]

    assert _wrong(pairs) == []
    shown = {_band(b) for _, _, b in pairs}
    assert shown == set(Band)
    assert len(pairs) > 1000
    read = {_reader(where) for where, _, _ in pairs}
    assert read >= {"pr", "deploy", "service", "plan", "incident", "web", "mcp", "slack", "email"}


def _reader(where: str) -> str:
    """Which reader a pair came from, by where it was read."""
    if where.startswith("/web"):
        return "web"
    if where.endswith(".slack.json"):
        return "slack"
    if ".email." in where:
        return "email"
    first = where.split()[0]
    return first if first in {"pr", "deploy", "service", "brief", "plan", "incident"} else "mcp"


def test_the_check_catches_a_number_beside_another_numbers_band() -> None:
    """What the reader test reads in each reader's words, and that it flags "moderate 50"."""
    text = "Risk *70*, low risk · scored 57 (high risk) · 74 (very high) · risk 50, moderate"
    assert list(_text_pairs(text)) == [
        (70, "low"),
        (57, "high"),
        (74, "very high"),
        (50, "moderate"),
    ]
    badge = '<a href="x">k#1</a> <span class="band band-high">high</span> 49'
    assert next(iter(_html_pairs(badge))) == (49, "high")
    found = [("t", n, b) for n, b in _text_pairs(text)] + [("p", 49, "high")]
    assert [(n, b) for _, n, b in _wrong(found)] == [
        (70, "low"),
        (57, "high"),
        (50, "moderate"),
        (49, "high"),
    ]
    assert list(_text_pairs("INC-1039 · 2026-11-17 12:10 · acme/platform#4503, high")) == []
