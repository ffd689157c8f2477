"""`riskbrief sync` of a file of spent error budgets, then `riskbrief score`, on a real clone."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from bot.cli import main
from data.config import parse_org_config
from data.store.engine import make_engine
from data.store.scores import load_scores
from data.store.tables import Change
from tests.bot.shop import cli_workspace, shop_toml
from tests.clock import THURSDAY
from tests.data.sources.gitrepo import GitRepo

# The pinned clock's day, so that the clone's first sync (90 days back) reads every commit.
NOW = THURSDAY.replace(minute=0)
SPENT_FROM = NOW - timedelta(days=5)
SPENT_UNTIL = NOW - timedelta(days=3)

pytestmark = pytest.mark.usefixtures("clean_git_env", "pinned_now")


def _toml(clone: Path) -> str:
    budgets = '[[sources.files]]\npath = "budgets.csv"\nkind = "error_budgets"\n'
    return shop_toml(clone, "payments", "search", extra=budgets)


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A clone with payments changes before, inside and after a spent budget; returns their shas."""
    repo = GitRepo(tmp_path / "shop")
    shas = {
        "before": repo.commit({"payments/a.py": "a\n"}, "Add payments", SPENT_FROM - timedelta(1)),
        "inside": repo.commit(
            {"payments/a.py": "a\nb\n"}, "Grow payments", SPENT_FROM + timedelta(hours=2)
        ),
        "other service": repo.commit(
            {"search/s.py": "s\n"}, "Add search", SPENT_FROM + timedelta(hours=3)
        ),
        "after": repo.commit({"payments/a.py": "a\nb\nc\n"}, "Grow again", SPENT_UNTIL),
    }
    (tmp_path / "budgets.csv").write_text(
        "service,from,until\n"
        f"payments,{SPENT_FROM.isoformat()},{SPENT_UNTIL.isoformat()}\n"
        f"nowhere,{SPENT_FROM.isoformat()},\n",
        encoding="utf-8",
    )
    cli_workspace(tmp_path, _toml(repo.path), monkeypatch)
    return shas


def test_a_change_merged_on_a_synced_spent_budget_is_gated_to_critical(
    workspace: dict[str, str], tmp_path: Path
) -> None:
    """Sync reads the budgets file, and score gates only the payments change inside the span."""
    synced = CliRunner().invoke(main, ["sync"])
    scored = CliRunner().invoke(main, ["score"])

    assert synced.exit_code == 0, synced.output
    # The budget of a service not in riskbrief.toml is skipped, not fatal.
    assert (
        "file budgets.csv: 1 error budget added, 0 updated, 1 skipped (see the log)"
        in synced.output.splitlines()
    )
    assert scored.exit_code == 0, scored.output
    config = parse_org_config(_toml(tmp_path / "shop")).scoring_config()
    engine = make_engine(f"sqlite:///{tmp_path / 'rb.db'}")
    with Session(engine) as session:
        keys = {c.sha: c.key for c in session.exec(select(Change))}
        rows = load_scores(session, "change", config.version)
    engine.dispose()
    gated = {
        name
        for name, sha in workspace.items()
        if any(g.name == "error_budget" for g in rows[keys[sha]].gates)
    }
    assert gated == {"inside"}
    assert rows[keys[workspace["inside"]]].score >= config.bands.critical
