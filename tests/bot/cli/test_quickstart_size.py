"""`riskbrief quickstart PATH` scores a clone's changes by their lines of code."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from bot.cli import main
from briefing.week import IsoWeek
from data.store.engine import make_engine
from data.store.tables import Change, RiskScoreRow
from tests.data.sources.gitrepo import GitRepo

pytestmark = pytest.mark.usefixtures("clean_git_env")


def _last_week_at(hours: float) -> datetime:
    """``hours`` after the start of the last complete week, in UTC."""
    start, _ = IsoWeek.last_complete(datetime.now(UTC), "UTC").bounds("UTC")
    return start + timedelta(hours=hours)


_APP = "def total(items):\n    return sum(items)\n"
# 600 lines of comments and a docstring: no line of code.
_COMMENTED = (
    '"""Totals of a cart."""\n\n'
    + "".join(f"# Note {i}: totals are in cents.\n" for i in range(600))
    + _APP
)
_GROWN = (
    _COMMENTED
    + "\n\ndef mean(items):\n"
    + '    """The mean item."""\n'
    + "    # An empty cart has no mean.\n"
    + "    if not items:\n"
    + "        return 0\n"
    + "    return total(items) / len(items)\n"
)


@pytest.fixture
def clone(tmp_path: Path) -> GitRepo:
    """A Python app whose last week held a comment-only, a docs-only and a real change."""
    repo = GitRepo(tmp_path / "till")
    repo.commit({"src/till/cart.py": _APP, "README.md": "till\n"}, "Start", _last_week_at(-240))
    repo.commit({"src/till/cart.py": _COMMENTED}, "Explain totals", _last_week_at(10))
    repo.commit(
        {"docs/guide.md": "".join(f"Step {i}.\n\n" for i in range(2300))},
        "Write the guide",
        _last_week_at(20),
    )
    repo.commit({"src/till/cart.py": _GROWN}, "Add the mean", _last_week_at(30))
    return repo


def test_quickstart_scores_lines_of_code(clone: GitRepo, workdir: Path) -> None:
    """Comments and docs are no size: those changes are not high and say no code changed;
    the real change counts its four lines of code, not its docstring, comment or blank lines."""
    result = CliRunner().invoke(main, ["quickstart", str(clone.path)])
    assert result.exit_code == 0, result.output
    engine = make_engine(f"sqlite:///{workdir / 'riskbrief.db'}")
    with Session(engine) as session:
        titles = {c.key: c.title for c in session.exec(select(Change))}
        scores = {
            titles[r.subject_key]: r
            for r in session.exec(select(RiskScoreRow))
            if r.subject_kind == "change"
        }
    engine.dispose()
    for title in ("Explain totals", "Write the guide"):
        row = scores[title]
        assert row.band in ("safe", "moderate"), (title, row.score)
        (size,) = [s for s in row.signals if s["name"] == "size"]
        assert size["explanation"].startswith("no code changed"), size
    (size,) = [s for s in scores["Add the mean"].signals if s["name"] == "size"]
    assert size["explanation"].startswith("4 lines of code added, 0 deleted"), size
