"""`/risk service` of a service whose changes are older than the weeks shown says so in one line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.answers.services import service_answer
from bot.composition.pipeline import score_all
from bot.slack.render import slack_reply
from data.config import OrgConfig, parse_org_config
from tests.data.sources.gitrepo import GitRepo, sync_clone

pytestmark = pytest.mark.usefixtures("clean_git_env")

# Sunday 22:30 UTC is Monday 00:30 in Tokyo: the newest change's week is the reader's.
NEWEST = datetime(2026, 3, 8, 22, 30, tzinfo=UTC)
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def _store(engine: Engine, tmp_path: Path, when: datetime) -> OrgConfig:
    repo = GitRepo(tmp_path / "lib")
    repo.commit({"src/lib/a.py": "a\n" * 20}, "Start", when - timedelta(days=30))
    repo.commit({"src/lib/a.py": "b\n" * 20}, "Change it", when)
    org = parse_org_config(
        f"""
[organisation]
timezone = "UTC"
[[repositories]]
name = "acme/lib"
path = "{repo.path}"
[[services]]
key = "lib"
name = "Lib"
repository = "acme/lib"
paths = ["src/lib/**"]
"""
    )
    sync_clone(engine, org)
    with Session(engine) as session:
        score_all(session, org)
        session.commit()
    return org


def test_weeks_without_a_change_are_one_line_naming_the_newest_week(
    engine: Engine, tmp_path: Path
) -> None:
    """No table of zeros: one line naming the newest week, in the reader's zone, and the command."""
    org = _store(engine, tmp_path, NEWEST)
    with Session(engine) as session:
        reply = slack_reply(service_answer(session, org, "lib", NOW, "Asia/Tokyo"))
    text = "\n".join(b["text"]["text"] for b in reply.blocks)
    assert "0/0" not in text
    assert "```" not in text
    assert len(reply.blocks) == 1
    assert text == (
        "*Lib* has no change in the last 8 weeks (2026-W41 to 2026-W48); its newest change "
        "merged on 2026-03-09, in 2026-W11: `riskbrief brief --week 2026-W11` briefs that week; "
        "`riskbrief sync` reads newer changes (`git pull` a clone first)."
    )


def test_weeks_with_a_change_keep_the_table(engine: Engine, tmp_path: Path) -> None:
    """A change in the weeks shown keeps the weekly table."""
    org = _store(engine, tmp_path, NOW - timedelta(days=9))
    with Session(engine) as session:
        reply = slack_reply(service_answer(session, org, "lib", NOW, "UTC"))
    text = "\n".join(b["text"]["text"] for b in reply.blocks)
    assert "week       share  high/all" in text
    assert "1 incident" not in text
    assert "(0 incidents)" in text
