"""One default week at every door: on a clone whose newest change is months old, `brief`,
`ask brief|service|plan` and the MCP tools over stdio all answer the same week, the last
complete one holding data, and each says where the data ends."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from briefing.default_week import day_words
from briefing.week import IsoWeek
from tests.bot.mcp.client import over_stdio
from tests.bot.shop import cli_workspace
from tests.data.sources.gitrepo import GitRepo

pytestmark = pytest.mark.usefixtures("clean_git_env")

# Months before the wall clock, whatever day the test runs: the data ends there.
ENDS = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0) - timedelta(days=120)
WEEK = IsoWeek.of(ENDS.date())
SAID = f"The data ends on {day_words(ENDS.date())}, before "
MOVED = f"so this is {WEEK.id}, the last complete week that holds data"


@pytest.fixture
def stale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A synced and scored store of a clone not pulled for months: two changes to api."""
    repo = GitRepo(tmp_path / "shop")
    repo.commit({"api/app.py": "a\n" * 40}, "Add the API", ENDS - timedelta(days=9))
    repo.commit({"api/app.py": "b\n" * 60}, "Grow the API", ENDS)
    toml = f"""
[organisation]
timezone = "UTC"
[[repositories]]
name = "acme/shop"
path = "{repo.path}"
[[services]]
key = "api"
repository = "acme/shop"
paths = ["api/**"]
[[subscribers]]
key = "me"
name = "Me"
email = "me@example.com"
timezone = "UTC"
"""
    cli_workspace(tmp_path, toml, monkeypatch)
    for step in ("sync", "score"):
        done = CliRunner().invoke(main, [step])
        assert done.exit_code == 0, done.output
    return tmp_path


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_brief_and_ask_answer_the_same_week_and_say_where_the_data_ends(stale: Path) -> None:
    """`brief`, `ask brief`, `ask service` and `ask plan` all answer the week the data ends
    in, each with the sentence naming its last day; `brief --week` after it says so too."""
    briefed = _run("brief", "--out", str(stale / "out"))
    assert f"me: {SAID}" in briefed
    assert MOVED in briefed
    assert f"({WEEK.id}, whole organisation)" in briefed
    asked = _run("ask", "brief")
    assert f"*Week {WEEK.id}*" in asked
    assert SAID in asked
    service = _run("ask", "service", "api")
    assert f"{WEEK.id}*" in service
    assert SAID in service
    plan = _run("ask", "plan")
    assert f"*Review plan of {WEEK.id}*" in plan
    assert SAID in plan
    later = WEEK.next().next()
    asked_later = _run("brief", "--week", later.id, "--out", str(stale / "later"))
    assert f"me: {SAID}{later.id}: run `riskbrief sync`" in asked_later


def test_the_mcp_tools_answer_the_same_week_with_data_ends(stale: Path) -> None:
    """Over stdio, `briefing`, `service_record`, `review_plan` and `agent_activity` answer the
    week the data ends in with `data_ends` and a `data_note`; a week asked after the data gets
    the sentence rather than bare zeros."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RISKBRIEF_", "SLACK_"))}
    env["RISKBRIEF_CONFIG"] = str(stale / "riskbrief.toml")
    env["RISKBRIEF_DATABASE_URL"] = f"sqlite:///{stale / 'rb.db'}"
    later = WEEK.next().next()
    calls = [
        ("briefing", {}),
        ("service_record", {"service": "api"}),
        ("review_plan", {}),
        ("agent_activity", {}),
        ("briefing", {"week": later.id}),
    ]
    briefing, service, plan, agents, asked = (
        a.data for a in over_stdio(["mcp"], calls, env).answers
    )
    assert briefing["week"] == WEEK.id
    assert briefing["no_data"] is False
    assert service["this_week"]["week"] == WEEK.id
    assert plan["week"] == WEEK.id
    assert agents["week"] == WEEK.id
    for answer in (briefing, service, plan, agents):
        assert answer["data_ends"] == ENDS.date().isoformat()
        assert answer["data_note"].startswith(SAID)
        assert MOVED in answer["data_note"]
    assert asked["week"] == later.id
    assert asked["data_note"] == (
        f"{SAID}{later.id}: run `riskbrief sync` to read newer changes (`git pull` a clone first)."
    )
