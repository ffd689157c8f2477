"""A git-only organisation end to end: unknown review stays unknown, bots stay apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.pipeline import score_all
from data.config import parse_org_config
from data.org import sync_org
from data.sources.local_git import LocalGitSource
from data.sync import run_sources
from data.tables import Change, RiskScoreRow
from data.window import week_rows
from scoring import aggregate
from tests.data.sources.gitrepo import GitRepo

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
CLAUDE = "Add retries\n\nCo-Authored-By: Claude Sonnet 4.6 <noreply@anthropic.com>"
DEPENDABOT = "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>"

pytestmark = pytest.mark.usefixtures("clean_git_env")


def _merge(repo: GitRepo, number: int, hours: float, author: str, message: str) -> None:
    repo.git("checkout", "-q", "-b", f"b{number}")
    repo.commit({f"api/f{number}.py": "x\n" * 30}, message, T0 + timedelta(hours=hours), author)
    repo.git("checkout", "-q", "main")
    repo.merge(
        f"b{number}",
        f"Merge pull request #{number} from acme/b{number}\n\n{message.splitlines()[0]}",
        T0 + timedelta(hours=hours + 0.5),
    )


def test_review_unknown_and_bots_through_sync_and_score(engine: Engine, tmp_path: Path) -> None:
    """An agent PR from a clone is stored review-unknown (NULL), never "not reviewed"; a
    Dependabot PR is a bot's, kept out of team shares and counted apart."""
    repo = GitRepo(tmp_path / "shop")
    repo.commit({"api/app.py": "a\n"}, "Initial", T0, "Ada <ada@example.com>")
    _merge(repo, 1, 1, "Ada <ada@example.com>", CLAUDE)
    _merge(repo, 2, 2, DEPENDABOT, "Bump requests from 2.31.0 to 2.32.0")
    org = parse_org_config(
        f"""
[[repositories]]
name = "acme/shop"
path = "{repo.path}"
[[services]]
key = "api"
repository = "acme/shop"
paths = ["api/**"]
[[teams]]
key = "core"
services = ["api"]
"""
    )
    with Session(engine) as session:
        sync_org(session, org)
        session.commit()
    run_sources(engine, org, [LocalGitSource.from_config(org.repositories[0], org)])
    with Session(engine) as session:
        summary = score_all(session, org)
        session.commit()
        rows = {
            key: (agent, reviewed)
            for key, agent, reviewed in session.exec(
                select(
                    RiskScoreRow.subject_key,
                    RiskScoreRow.agent_involved,
                    RiskScoreRow.human_reviewed,
                ).where(col(RiskScoreRow.subject_kind) == "change")
            )
        }
        week = week_rows(
            session, T0 - timedelta(days=1), T0 + timedelta(days=6), ["api"], summary.version
        )
        assert session.exec(select(Change).where(col(Change.key) == "acme/shop#2")).one()
    assert rows["acme/shop#1"] == (True, None)
    week_aggregate = aggregate(week.changes)
    assert [c.key for c in week_aggregate.agent_changes] == ["acme/shop#1"]
    assert week_aggregate.agent_unreviewed == ()
    assert [c.key for c in week_aggregate.bot_changes] == ["acme/shop#2"]
    team = week_aggregate.by_team["core"]
    assert team.distribution.total == len(week_aggregate.changes) - 1
