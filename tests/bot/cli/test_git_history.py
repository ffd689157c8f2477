"""`riskbrief sync --git`, `score`, `brief` on a clone: CODEOWNERS, a revert PR, a back-merge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session, col, select

from bot.cli import main
from briefing.week import IsoWeek
from data.config import parse_org_config
from data.store.engine import make_engine
from data.store.scores import load_scores
from data.store.tables import Briefing, Change, ChangeFile, Deploy, Incident
from tests.bot.shop import cli_workspace, merge_pr, shop_toml
from tests.clock import THURSDAY
from tests.data.sources.gitrepo import GitRepo

# A Monday: the week 2026-W47.
T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
ADA = "Ada Lovelace <ada@example.com>"
GRACE = "Grace Hopper <grace@example.com>"

pytestmark = pytest.mark.usefixtures("clean_git_env", "pinned_now")


def _at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


@pytest.fixture
def clone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    """A clone whose PR #7 is deployed by tag v1, then reverted by GitHub's Revert button."""
    repo = GitRepo(tmp_path / "shop")
    repo.commit(
        {".github/CODEOWNERS": "/api/ @acme/api\n", "api/app.py": "a\n", "web/i.js": "x\n"},
        "Initial",
        _at(0),
        ADA,
    )
    merge = merge_pr(
        repo,
        7,
        "feature",
        {"api/app.py": "a\nb\n", "web/i.js": "x\ny\n"},
        "Change 7",
        _at(1),
        _at(2),
    )
    repo.tag("v1", _at(3))
    repo.git("checkout", "-q", "-b", "release-1")
    repo.commit({"web/fix.js": "z\n"}, "Release fix", _at(4), ADA)
    repo.git("checkout", "-q", "main")
    repo.merge("release-1", "Merge branch 'release-1' into main", _at(5))
    repo.git("checkout", "-q", "-b", "revert-7-feature")
    repo.revert(merge, _at(24), GRACE, mainline=1)
    repo.git("checkout", "-q", "main")
    repo.merge(
        "revert-7-feature",
        'Merge pull request #9 from acme/revert-7-feature\n\nRevert "Change 7"',
        _at(25),
    )
    subscriber = """
[sources.git]
deploy_tags = "^v"
[[subscribers]]
key = "maria"
name = "Maria"
email = "maria@example.com"
timezone = "UTC"
"""
    cli_workspace(tmp_path, shop_toml(repo.path, "api", "web", extra=subscriber), monkeypatch)
    return repo


def test_a_clone_alone_gives_owners_reverts_and_merges_through_sync_score_brief(
    clone: GitRepo, tmp_path: Path
) -> None:
    """Owners reach the codeowners signal, the revert PR fails the deploy that shipped #7,
    the back-merge lands its commit alone, and the briefing builds."""
    runner = CliRunner()
    synced = runner.invoke(main, ["sync", "--git", str(clone.path)])
    assert synced.exit_code == 0, synced.output
    scored = runner.invoke(main, ["score"])
    assert scored.exit_code == 0, scored.output
    out = tmp_path / "out"
    brief = runner.invoke(main, ["brief", "--week", "2026-W47", "--out", str(out), "--dry-run"])
    assert brief.exit_code == 0, brief.output
    assert (out / "maria.slack.json").exists()
    toml = (tmp_path / "riskbrief.toml").read_text(encoding="utf-8")
    version = parse_org_config(toml).scoring_config().version
    engine = make_engine(f"sqlite:///{tmp_path / 'rb.db'}")
    with Session(engine) as session:
        changes = {c.key: c for c in session.exec(select(Change))}
        pr = changes["acme/shop#7"]
        owners = {
            f.path: f.owners
            for f in session.exec(select(ChangeFile).where(col(ChangeFile.change_id) == pr.id))
        }
        score = load_scores(session, "change", version, ["acme/shop#7"])["acme/shop#7"]
        incident = session.exec(select(Incident)).one()
        deploy = session.exec(select(Deploy).where(col(Deploy.key) == "git-tag:acme/shop:v1:api"))
        shipped = deploy.one()
    engine.dispose()
    assert owners == {"api/app.py": ["@acme/api"], "web/i.js": []}
    signal = next(s for s in score.signals if s.name == "codeowners")
    assert signal.value == 0.5
    assert (score.owner_files_known, score.owner_files_covered) == (2, 1)
    assert changes["acme/shop#9"].reverts_key == "acme/shop#7"
    assert (incident.key, incident.deploy_id) == ("revert:acme/shop#9", shipped.id)
    back_merged = [c for c in changes.values() if c.title == "Release fix"]
    assert [c.merged_at for c in back_merged] == [_at(5)]
    assert len(changes) == 4  # Initial, #7, the release fix, #9


@pytest.mark.parametrize(
    ("week", "needle"),
    [
        pytest.param("2099-W01", "2099-W01 is not over yet for maria (UTC)", id="future"),
        pytest.param(None, "is not over yet for maria (UTC)", id="current-week"),
        pytest.param("2020-W01", "2020-W01 ended before riskbrief's first data", id="before-data"),
    ],
)
def test_brief_refuses_a_week_it_cannot_brief(
    clone: GitRepo, tmp_path: Path, week: str | None, needle: str
) -> None:
    """A week not yet over, or over before any data, is refused in one sentence naming the
    last complete week, and no briefing is recorded for it."""
    runner = CliRunner()
    assert runner.invoke(main, ["sync", "--git", str(clone.path)]).exit_code == 0
    asked = week or IsoWeek.of(THURSDAY.date()).id
    result = runner.invoke(main, ["brief", "--week", asked, "--out", str(tmp_path / "o")])
    assert result.exit_code != 0
    assert needle in result.output
    last = IsoWeek.last_complete(THURSDAY, "UTC").id
    assert last in result.output
    assert "Traceback" not in result.output
    engine = make_engine(f"sqlite:///{tmp_path / 'rb.db'}")
    with Session(engine) as session:
        assert list(session.exec(select(Briefing))) == []
    engine.dispose()
