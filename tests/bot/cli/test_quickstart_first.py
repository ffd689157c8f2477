"""quickstart's first briefing: the week it briefs, what it says about the data and the zone."""

from __future__ import annotations

import tomllib
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from briefing.week import IsoWeek
from tests.clock import THURSDAY
from tests.data.sources.gitrepo import GitRepo

pytestmark = pytest.mark.usefixtures("clean_git_env", "workdir", "pinned_now")


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    """The machine's zone is UTC (TZ), so the drafted time zone is known."""
    monkeypatch.setenv("TZ", "UTC")


def _monday(weeks_back: int) -> datetime:
    """The Monday 00:00 UTC ``weeks_back`` weeks before the last complete week's."""
    start, _ = IsoWeek.last_complete(THURSDAY, "UTC").bounds("UTC")
    return start - timedelta(weeks=weeks_back)


def test_the_drafted_time_zone_is_said_to_be_a_guess_with_the_key_that_sets_it(
    tmp_path: Path, workdir: Path
) -> None:
    """After hours is judged in a zone quickstart guessed: its output and the drafted file say
    it is a guess until the organisation sets one, and name the key."""
    repo = GitRepo(tmp_path / "shop")
    repo.commit({"src/app/main.py": "a = 1\n"}, "Start", _monday(2))
    result = CliRunner().invoke(main, ["quickstart", str(repo.path)])
    assert result.exit_code == 0, result.output
    assert (
        "Time zone: UTC, a guess (this machine's TZ): Friday and after-hours merges are judged "
        "in it until you set the organisation's own, `timezone` under [organisation] in "
        'riskbrief.toml (an IANA name such as "Europe/Berlin")'
    ) in result.output
    text = (workdir / "riskbrief.toml").read_text(encoding="utf-8")
    assert (
        "# Timing signals (Friday, after hours) are judged in this zone. It is a guess\n"
        "# (this machine's TZ) until you set the organisation's own here: an IANA name\n"
        '# such as "Europe/Berlin".\n'
        'timezone = "UTC"\n'
    ) in text
    assert tomllib.loads(text)["organisation"]["timezone"] == "UTC"
