"""Issue 63: on the demo's store, no reader shows a number beside a band that is not that number's
band (bands are fixed bounds of the number), so no two changes or deploys on any page or answer
have their number and band in opposite order.

Every reader is read: `ask` (pr, deploy, service, brief, plan, incident), the web view's pages
(weeks, rows, changes, deploys, services, teams, agents, ranking), the MCP tools' answers, and
the Slack blocks and emails `riskbrief demo` wrote.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from sqlmodel import Session, col, select
from werkzeug.test import Client

from bench.bands import band_named, html_pairs, json_pairs, text_pairs, wrong
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
from briefing.week import IsoWeek
from data.config import load_org_config
from data.store.engine import make_engine
from data.store.tables import Change, Deploy, Incident, Service, Team
from scoring.band import Band
from tests.clock import THURSDAY
from tests.data.sources.gitrepo import GitRepo

AS_OF = "2026-11-23"
_DAY = datetime(2026, 11, 23, 23, 59, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One `riskbrief demo` run, pinned to its day."""
    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(main, ["demo", "--out", str(out), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    return out


def _keys(db: Path, day: datetime) -> tuple[list[str], ...]:
    """The changes and deploys of the three weeks to ``day``, and every service, team and
    incident."""
    engine = make_engine(f"sqlite:///{db}")
    since = day - timedelta(days=21)
    with Session(engine) as session:
        changes = list(session.exec(select(Change.key).where(col(Change.merged_at) >= since)))
        deploys = list(session.exec(select(Deploy.key).where(col(Deploy.finished_at) >= since)))
        services = list(session.exec(select(Service.key)))
        teams = list(session.exec(select(Team.key)))
        incidents = list(session.exec(select(Incident.key)))
    engine.dispose()
    return changes, deploys, services, teams, incidents


def _every_reader(
    toml: Path, db: Path, ask: list[str], day: datetime, weeks: list[str], delivered: Path
) -> list[tuple[str, int, str]]:
    """Every (number, band) pair every reader shows of one store: `ask` (run with the words
    ``ask`` before each question), the web view, the MCP tools' records, and the Slack blocks
    and emails written to ``delivered``."""
    changes, deploys, services, teams, incidents = _keys(db, day)
    pairs: list[tuple[str, int, str]] = []

    # `riskbrief ask`: what Slack's /risk answers, as text.
    runner = CliRunner()
    asked = [["pr", k] for k in changes[-40:]] + [["deploy", k] for k in deploys[-40:]]
    asked += [["service", s] for s in services] + [["brief"], ["plan"]]
    asked += [["brief", s] for s in services] + [["incident", i] for i in incidents]
    for words in asked:
        result = runner.invoke(main, [*ask, *words])
        assert result.exit_code == 0, (words, result.output)
        pairs += [(" ".join(words), n, b) for n, b in text_pairs(result.output)]

    # The web view's pages.
    org = load_org_config(toml)
    engine = make_engine(f"sqlite:///{db}")
    client = Client(PagesApp(engine, org, PagesConfig(open=True), lambda: day))
    paths = ["/web/", "/web/agents", "/web/ranking"]
    paths += [f"/web/week/{w}" for w in weeks] + [f"/web/rows/{weeks[-1]}"]
    paths += [f"/web/change/{quote(k, safe='/')}" for k in changes]
    paths += [f"/web/deploy/{quote(k, safe='/')}" for k in deploys]
    paths += [f"/web/service/{s}" for s in services] + [f"/web/team/{t}" for t in teams]
    for path in paths:
        page = client.get(path)
        assert page.status_code == 200, path
        pairs += [(path, n, b) for n, b in html_pairs(page.text)]

    # The MCP tools' answers: the records they return.
    access = Access.organisation(org)
    with Session(engine) as session:
        records: list[tuple[str, Any]] = [
            ("briefing", scope_briefing(session, org, access, None, None, day)),
            ("review_plan", review_plan(session, org, access, None, day)),
            ("open_pull_requests", open_pulls(session, org, access, None, None, 50)),
        ]
        records += [(k, change_risk(session, org, access, k)) for k in changes[-40:]]
        records += [(k, deploy_risk(session, org, access, k, None)) for k in deploys[-40:]]
        records += [(s, service_record(session, org, access, s, None)) for s in services]
        records += [(i, incident_culprits(session, org, access, i)) for i in incidents]
    engine.dispose()
    for where, record in records:
        pairs += [(where, n, b) for n, b in json_pairs(record.model_dump(mode="json"))]

    # What was delivered: Slack blocks and emails.
    for written in sorted(delivered.glob("*.slack.json")):
        pairs += [(written.name, n, b) for n, b in json_pairs(json.loads(written.read_text()))]
    for written in sorted(delivered.glob("*.email.txt")):
        pairs += [(written.name, n, b) for n, b in text_pairs(written.read_text())]
    for written in sorted(delivered.glob("*.email.html")):
        pairs += [(written.name, n, b) for n, b in html_pairs(written.read_text())]
    return pairs


def test_no_reader_shows_a_number_beside_another_numbers_band(demo: Path) -> None:
    """Every (number, band) any reader shows has the band of that number, and readers show
    many of them, of every band."""
    pairs = _every_reader(
        demo / "riskbrief.toml",
        demo / "demo.db",
        ["ask", "--demo", "--demo-dir", str(demo)],
        _DAY,
        [f"2026-W{w}" for w in range(36, 48)],
        demo,
    )
    assert wrong(pairs) == []
    shown = {band_named(b) for _, _, b in pairs}
    assert shown == set(Band)
    assert len(pairs) > 1000
    read = {_reader(where) for where, _, _ in pairs}
    assert read >= {"pr", "deploy", "service", "plan", "incident", "web", "mcp", "slack", "email"}


def _made_clone(path: Path) -> GitRepo:
    """A clone of two packages whose weeks hold changes of every size, tagged as released."""
    repo = GitRepo(path)
    start, _ = IsoWeek.last_complete(THURSDAY, "UTC").bounds("UTC")
    rng = random.Random(63)
    repo.commit({"README.md": "shop\n"}, "Start", start - timedelta(weeks=8))
    sizes = [3, 8, 20, 40, 90, 180, 400, 900, 1600]
    for i in range(70):
        at = start - timedelta(weeks=7) + timedelta(hours=i * 18 + rng.randint(0, 6))
        package = ("cart", "billing")[i % 2]
        lines = rng.choice(sizes)
        files: dict[str, str | bytes | None] = {
            f"src/{package}/m{j}.py": f"v{i}\n" * (lines // (j + 1) + 1)
            for j in range(rng.randint(1, 1 + lines // 200))
        }
        if i % 5 == 0:
            files[f"tests/test_{package}.py"] = f"t{i}\n" * 5
        author = rng.choice(["Ada <ada@example.com>", "Bo <bo@example.com>", "Cy <cy@example.com>"])
        repo.commit(files, f"Change {i} to {package}", at, author=author)
        if i % 6 == 5:
            repo.tag(f"v1.{i}.0", at + timedelta(hours=1))
    # The last week: billing is rewritten by someone new, so the briefing names its changes.
    for k in range(6):
        at = start + timedelta(days=2, hours=k * 3)
        files = {f"src/billing/m{j}.py": f"r{k}\n" * (300 + 100 * j) for j in range(5)}
        repo.commit(files, f"Rewrite billing, part {k}", at, author="Dee <dee@example.com>")
    repo.tag("v2.0.0", start + timedelta(days=3))
    return repo


@pytest.mark.usefixtures("clean_git_env", "pinned_now")
def test_a_quickstart_store_shows_no_number_beside_another_numbers_band(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A clone read by `riskbrief quickstart`: every reader of its store shows each number
    with its own band."""
    clone = _made_clone(tmp_path / "shop")
    workdir = tmp_path / "work"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    for key in ("RISKBRIEF_CONFIG", "RISKBRIEF_DATABASE_URL"):
        monkeypatch.delenv(key, raising=False)
    done = CliRunner().invoke(main, ["quickstart", str(clone.path)])
    assert done.exit_code == 0, done.output
    day = THURSDAY
    start, _ = IsoWeek.last_complete(THURSDAY, "UTC").bounds("UTC")
    weeks = [IsoWeek.of((start - timedelta(weeks=w)).date()).id for w in range(7, -1, -1)]
    pairs = _every_reader(
        workdir / "riskbrief.toml", workdir / "riskbrief.db", ["ask"], day, weeks, workdir / "out"
    )
    assert wrong(pairs) == []
    assert len({band_named(b) for _, _, b in pairs}) >= 3
    read = {_reader(where) for where, _, _ in pairs}
    assert read >= {"pr", "deploy", "service", "web", "mcp", "slack", "email"}


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
    assert list(text_pairs(text)) == [
        (70, "low"),
        (57, "high"),
        (74, "very high"),
        (50, "moderate"),
    ]
    badge = '<a href="x">k#1</a> <span class="band band-high">high</span> 49'
    assert next(iter(html_pairs(badge))) == (49, "high")
    found = [("t", n, b) for n, b in text_pairs(text)] + [("p", 49, "high")]
    assert [(n, b) for _, n, b in wrong(found)] == [
        (70, "low"),
        (57, "high"),
        (50, "moderate"),
        (49, "high"),
    ]
    assert list(text_pairs("INC-1039 · 2026-11-17 12:10 · acme/platform#4503, high")) == []
