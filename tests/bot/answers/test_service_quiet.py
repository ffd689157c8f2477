"""`/risk service` answers the weeks to the default week, saying where an old store's data ends."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

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


def _text(blocks: Sequence[dict[str, Any]]) -> list[str]:
    """Each block's text: a section's, or a context's elements'."""
    return [
        b["text"]["text"] if "text" in b else " ".join(e["text"] for e in b["elements"])
        for b in blocks
    ]


def test_a_service_whose_data_ended_long_ago_shows_its_last_weeks_and_says_so(
    engine: Engine, tmp_path: Path
) -> None:
    """No table of zeros up to today: the 8 weeks end at the last complete week holding data,
    in the reader's zone, and a note says where the data ends and what to run."""
    org = _store(engine, tmp_path, NEWEST)
    with Session(engine) as session:
        reply = slack_reply(service_answer(session, org, "lib", NOW, "Asia/Tokyo"))
    note, table, *_ = _text(reply.blocks)
    assert note == (
        "The data ends on 9 Mar 2026, before 2026-W48, so this is 2026-W11, the last complete "
        "week that holds data: run `riskbrief sync` to read newer changes (`git pull` a clone "
        "first)."
    )
    assert "(Asia/Tokyo; * is 2026-W11)" in table
    assert "2026-W11*   0.0%   0/1" in table
    assert "2026-W48" not in table


def test_weeks_with_a_change_keep_the_table(engine: Engine, tmp_path: Path) -> None:
    """A change last week and none this week: the table ends at last week, saying why."""
    org = _store(engine, tmp_path, NOW - timedelta(days=9))
    with Session(engine) as session:
        reply = slack_reply(service_answer(session, org, "lib", NOW, "UTC"))
    note, *rest = _text(reply.blocks)
    text = "\n".join(rest)
    assert note == (
        "2026-W48 holds no data in this scope, so this is 2026-W47, the last complete week that "
        "does; the data ends on 16 Nov 2026."
    )
    assert "week       share  high/all" in text
    assert "1 incident" not in text
    assert "(0 incidents)" in text


def test_a_change_this_week_keeps_this_week_so_far_and_no_note(
    engine: Engine, tmp_path: Path
) -> None:
    """A change in the running week: the weeks end with this week so far, with no note."""
    org = _store(engine, tmp_path, NOW - timedelta(hours=2))
    with Session(engine) as session:
        reply = slack_reply(service_answer(session, org, "lib", NOW, "UTC"))
    texts = _text(reply.blocks)
    assert "(UTC; * is this week so far)" in texts[0]
    assert not any("data ends" in t for t in texts)
