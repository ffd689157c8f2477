"""End to end: an organisation whose CI records coverage goes sync → score → brief, and the
week its coverage falls the briefing has a coverage card naming the change that lowered it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from tests.bot.shop import cli_workspace, shop_toml
from tests.data.sources.coverage.reports import cobertura
from tests.data.sources.gitrepo import GitRepo

pytestmark = pytest.mark.usefixtures("clean_git_env")

# A Monday of 2026-W47; the week before is W46.
T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
SUBSCRIBER = """
[[subscribers]]
key = "maria"
name = "Maria"
email = "maria@example.com"
timezone = "UTC"
"""


def _lines(prefix: str, n: int, start: int = 1) -> str:
    return "".join(f"{prefix}{i}\n" for i in range(start, start + n))


def test_a_fall_in_coverage_makes_a_card_in_the_briefing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Last week the API's lines all ran; this week a change adds ten lines no test runs: the
    briefing of W47 warns that coverage fell in the API and names that change."""
    repo = GitRepo(tmp_path / "shop")
    first = repo.commit({"api/app.py": _lines("a", 10)}, "Add the API", T0 - timedelta(days=6))
    second = repo.commit(
        {"api/app.py": _lines("a", 10) + _lines("b", 10, 11)},
        "Grow the API",
        T0 + timedelta(days=1),
    )
    cli_workspace(tmp_path, shop_toml(repo.path, extra=SUBSCRIBER), monkeypatch)
    runner = CliRunner()
    for sha, hits in (
        (first, dict.fromkeys(range(1, 11), 3)),
        (second, {**dict.fromkeys(range(1, 11), 3), **dict.fromkeys(range(11, 21), 0)}),
    ):
        report = tmp_path / f"{sha}.xml"
        report.write_bytes(cobertura(str(repo.path), {"api/app.py": hits}))
        recorded = runner.invoke(main, ["coverage", "record", "--sha", sha, "--file", str(report)])
        assert recorded.exit_code == 0, recorded.output
    for step in (["sync"], ["score"]):
        done = runner.invoke(main, step)
        assert done.exit_code == 0, done.output
    out = tmp_path / "out"
    brief = runner.invoke(main, ["brief", "--week", "2026-W47", "--out", str(out), "--dry-run"])
    assert brief.exit_code == 0, brief.output
    text = (out / "maria.email.txt").read_text(encoding="utf-8")
    assert "Test coverage is falling in" in text
    assert "line coverage fell to 50% from 100% last week" in text
    assert f"acme/shop@{second[:12]}" in text
    slack = json.loads((out / "maria.slack.json").read_text(encoding="utf-8"))
    assert "Test coverage is falling in" in json.dumps(slack)
