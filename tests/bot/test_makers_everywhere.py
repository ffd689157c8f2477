"""Issue 62: bots' changes are counted the same way in every reader.

A small clone made for it holds one week (2026-W47) of people's, AI agents' and bots'
commits, some in the one service's code and some in code no service holds (release notes,
scripts), as a repository's release robot and dependency bot leave them. For the whole
organisation and for the service, the briefing's payload and headline, `ask agents`, MCP's
`briefing` and `agent_activity`, and the web view's agents page all give the same people,
agents and bots, adding up to the changes the briefing counts.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import anyio
import pytest
from click.testing import CliRunner
from mcp import Client
from sqlalchemy.engine import Engine
from sqlmodel import Session
from werkzeug.test import Client as WebClient

from bot.answers.access import Access
from bot.answers.records.briefing import scope_payload, verdict
from bot.cli import main
from bot.composition.pipeline import score_all
from bot.mcp.server import build_server
from bot.pages.app import PagesApp, PagesConfig
from data.config import OrgConfig, load_org_config
from data.store.engine import make_engine
from scoring.makers import ChangeMakers
from tests.clock import pinned_clock
from tests.data.sources.gitrepo import GitRepo, git_env, sync_clone

WEEK = "2026-W47"
# The Thursday after the week: 2026-W47 is the last complete week, every reader's default.
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
_MONDAY = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)

_ADA = "Ada Lovelace <ada@example.com>"
_DEPENDABOT = "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>"
_ACTIONS = "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>"
_CURSOR = "Cursor Agent <cursoragent@cursor.com>"
_CLAUDE = "\n\nCo-authored-by: Claude <noreply@anthropic.com>"

# Who made what, where: (author, message, files). ``api/`` is the service; the rest is code
# no service holds.
_COMMITS: tuple[tuple[str, str, dict[str, str | bytes | None]], ...] = (
    (_ADA, "Start the API", {"api/app.py": "def app():\n    return 1\n"}),
    (_ADA, "Add the deploy script", {"scripts/deploy.sh": "#!/bin/sh\necho deploy\n"}),
    (_ADA, "Grow the API", {"api/app.py": "def app():\n    return 2\n"}),
    (_DEPENDABOT, "Bump flask from 3.0 to 3.1", {"api/requirements.txt": "flask==3.1\n"}),
    (_ACTIONS, "📝 Update release notes", {"RELEASE_NOTES.md": "- one\n"}),
    (_ACTIONS, "📝 Update release notes", {"RELEASE_NOTES.md": "- one\n- two\n"}),
    (_ACTIONS, "📝 Update release notes", {"RELEASE_NOTES.md": "- one\n- two\n- three\n"}),
    (_ADA, f"Handle errors in the API{_CLAUDE}", {"api/errors.py": "def fail():\n    pass\n"}),
    (_CURSOR, "Check the deploy script", {"scripts/check.sh": "#!/bin/sh\necho check\n"}),
    # A bot's account with an agent co-author: the agent's work (scoring.makers).
    (_ACTIONS, f"Tidy the API{_CLAUDE}", {"api/tidy.py": "def tidy():\n    return 0\n"}),
)
# As made above: the whole organisation's, and the service's alone.
_WHOLE = ChangeMakers(people=3, agents=3, bots=4)
_API = ChangeMakers(people=2, agents=2, bots=1)


@dataclass(frozen=True, slots=True)
class Store:
    """The synced, scored clone: its store file and riskbrief.toml."""

    database: Path
    config: Path


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, migrated_sqlite: Path) -> Store:
    """The clone written, synced into a migrated store and scored, once for the module."""
    root = tmp_path_factory.mktemp("makers")
    with pytest.MonkeyPatch.context() as mp:
        for key in [k for k in os.environ if k.startswith("GIT_")]:
            mp.delenv(key)
        for key, value in git_env().items():
            mp.setenv(key, value)
        repo = GitRepo(root / "shop")
        for n, (author, message, files) in enumerate(_COMMITS):
            repo.commit(files, message, _MONDAY + timedelta(hours=7 * n), author=author)
        config = root / "riskbrief.toml"
        config.write_text(
            f"""
[organisation]
timezone = "UTC"
[[repositories]]
name = "acme/shop"
path = "{repo.path}"
[[services]]
key = "api"
name = "API"
repository = "acme/shop"
paths = ["api/**"]
""",
            encoding="utf-8",
        )
        database = root / "rb.db"
        shutil.copyfile(migrated_sqlite, database)
        engine = make_engine(f"sqlite:///{database}")
        org = load_org_config(config)
        sync_clone(engine, org)
        with Session(engine) as session:
            score_all(session, org)
            session.commit()
        engine.dispose()
    return Store(database, config)


@pytest.fixture
def opened(store: Store, tmp_path: Path) -> tuple[Engine, OrgConfig]:
    """A copy of the store opened, with its organisation."""
    shutil.copyfile(store.database, tmp_path / "rb.db")
    engine = make_engine(f"sqlite:///{tmp_path / 'rb.db'}")
    return engine, load_org_config(store.config)


def _payload_makers(engine: Engine, org: OrgConfig, names: list[str] | None) -> ChangeMakers:
    """The briefing payload's counts, checked to add up to the bands' total."""
    with Session(engine) as session:
        payload = scope_payload(session, org, Access.organisation(org), names, None, NOW)
    assert payload.week.id == WEEK
    a = payload.agents
    made = ChangeMakers(people=a.human_changes, agents=a.changes, bots=a.bot_changes)
    assert made.total == payload.distribution.total
    if names is None:
        # The headline says how many of the week's changes bots made, beside them.
        assert f"{made.total} changes ({made.bots} by bots)" in verdict(payload)
    return made


def _ask_makers(store: Store, monkeypatch: pytest.MonkeyPatch, scope: list[str]) -> ChangeMakers:
    """`riskbrief ask agents weeks 4`'s counts (the 4 weeks up to 2026-W47 hold only it)."""
    monkeypatch.setenv("RISKBRIEF_CONFIG", str(store.config))
    monkeypatch.setenv("RISKBRIEF_DATABASE_URL", f"sqlite:///{store.database}")
    result = CliRunner().invoke(main, ["ask", "agents", *scope, "weeks", "4"])
    assert result.exit_code == 0, result.output
    assert f"to {WEEK}" in result.stdout
    found = re.search(
        r"(\d+) agent changes?, (\d+) by people, (\d+) by bots? \(counted apart\)", result.stdout
    )
    assert found is not None, result.stdout
    agents, people, bots = (int(g) for g in found.groups())
    return ChangeMakers(people=people, agents=agents, bots=bots)


def _mcp_makers(engine: Engine, org: OrgConfig, scope: str | None) -> ChangeMakers:
    """MCP's `agent_activity` and `briefing` for the default week, in-process: they agree."""
    server = build_server(engine, org, lambda _ctx: Access.organisation(org))
    args: dict[str, Any] = {} if scope is None else {"scope": [scope]}

    async def call() -> list[dict[str, Any]]:
        async with Client(server) as client:
            out = []
            for name in ("agent_activity", "briefing"):
                result = await client.call_tool(name, args)
                assert not result.is_error, result.content
                assert result.structured_content is not None
                out.append(result.structured_content)
            return out

    activity, briefing = anyio.run(call)
    assert activity["week"] == briefing["week"] == WEEK
    made = ChangeMakers(
        people=activity["human_changes"],
        agents=activity["agent_changes"],
        bots=activity["bot_changes"],
    )
    assert activity["changes"] == made.total == sum(briefing["bands"].values())
    told = (briefing["human_changes"], briefing["agent_changes"], briefing["bot_changes"])
    assert told == (made.people, made.agents, made.bots)
    return made


def _web_makers(engine: Engine, org: OrgConfig, scope: str | None) -> ChangeMakers:
    """The web view's agents page: its lead line, and its week-by-week "All changes"."""
    app = PagesApp(engine, org, PagesConfig(open=True), clock=lambda: NOW)
    query = "" if scope is None else f"?scope={scope}"
    page = WebClient(app).get(f"/web/agents{query}").get_data(as_text=True)
    found = re.search(
        rf"Week {WEEK}: (\d+) changes?: (\d+) by AI agents, (\d+) by people, (\d+) by bots", page
    )
    assert found is not None, page
    total, agents, people, bots = (int(g) for g in found.groups())
    made = ChangeMakers(people=people, agents=agents, bots=bots)
    assert made.total == total
    return made


@pytest.mark.parametrize(("scope", "expected"), [(None, _WHOLE), ("api", _API)])
def test_every_reader_counts_people_agents_and_bots_alike(
    store: Store,
    opened: tuple[Engine, OrgConfig],
    monkeypatch: pytest.MonkeyPatch,
    scope: str | None,
    expected: ChangeMakers,
) -> None:
    """For the whole organisation (its changes in no service too) and for the service alone,
    the briefing payload, `ask agents`, MCP and the web view give the made people, agents and
    bots."""
    engine, org = opened
    with pinned_clock(NOW):
        got = {
            "briefing": _payload_makers(engine, org, None if scope is None else [scope]),
            "ask": _ask_makers(store, monkeypatch, [] if scope is None else [scope]),
            "mcp": _mcp_makers(engine, org, scope),
            "web": _web_makers(engine, org, scope),
        }
    engine.dispose()
    assert got == dict.fromkeys(got, expected)
