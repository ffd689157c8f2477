"""quickstart's first briefing: the week it briefs, what it says about the data and the zone."""

from __future__ import annotations

import re
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
    """Until the organisation sets a zone, after hours is judged on each commit's own clock: the
    output and the drafted file say so, name the key and offer the machine's zone, unset."""
    repo = GitRepo(tmp_path / "shop")
    repo.commit({"src/app/main.py": "a = 1\n"}, "Start", _monday(2))
    result = CliRunner().invoke(main, ["quickstart", str(repo.path)])
    assert result.exit_code == 0, result.output
    assert (
        "Time zone: none set yet: Friday and after-hours merges are judged on each commit's "
        "own clock (the UTC offset git records) and weeks are read in UTC until you set the "
        "organisation's own, `timezone` under [organisation] in riskbrief.toml (this "
        "machine's is UTC, from this machine's TZ;"
    ) in result.output
    text = (workdir / "riskbrief.toml").read_text(encoding="utf-8")
    assert '# zone, a guess (this machine\'s TZ):\n# timezone = "UTC"\n' in text
    assert "timezone" not in tomllib.loads(text)["organisation"]


def _quickstart(repo: GitRepo) -> str:
    result = CliRunner().invoke(main, ["quickstart", str(repo.path)])
    assert result.exit_code == 0, result.output
    return result.output


def _briefed(workdir: Path) -> str:
    return (workdir / "out" / "me.email.txt").read_text(encoding="utf-8")


_SCORED = r"; deploy score \d+, (low|moderate|high|very high)\)"


def test_a_library_s_first_briefing_is_its_release_week_naming_the_release(
    tmp_path: Path, workdir: Path
) -> None:
    """A library not pulled lately: features in one week, then a version bump (the package's
    own manifest, so its service's) and the tag v2.0 the week after. The first briefing is the
    release's week, the last complete one with activity; it says where the data ends and names
    v2.0 with its five changes, the bump among them."""
    release = _monday(3)
    repo = GitRepo(tmp_path / "lib")
    repo.commit({"src/lib/__init__.py": "A = 1\n", "pyproject.toml": "v1\n"}, "Start", _monday(9))
    repo.tag("v1.0", _monday(9) + timedelta(hours=1))
    for i in range(4):
        day = release - timedelta(days=6 - i)
        repo.commit({f"src/lib/m{i}.py": f"x{i} = 1\n" * 30}, f"Feature {i}", day)
    bump = release + timedelta(days=1, hours=10)
    repo.commit({"pyproject.toml": "v2\n"}, "Bump version to 2.0", bump)
    repo.tag("v2.0", bump + timedelta(hours=1))
    out = _quickstart(repo)
    week, last = IsoWeek.of(release.date()), IsoWeek.last_complete(THURSDAY, "UTC")
    assert (
        f"The clone's data ends on {bump.date().isoformat()}, its newest commit; "
        f"{week.next().id} to {last.id} have no change in a service, no deploy and no incident, "
        "so this is "
        f"the briefing of {week.id}, the last complete week that has. `git pull` the clone to "
        "brief the weeks since."
    ) in out
    shipped = next(line for line in out.splitlines() if line.startswith("Shipped in"))
    assert re.fullmatch(
        rf"Shipped in {week.id}: v2\.0 on {bump.date().isoformat()} \(5 changes{_SCORED}\.",
        shipped,
    ), shipped
    assert f"(2026-W{week.week:02d}, whole organisation)" in out
    assert f"Week {week.id} · " in _briefed(workdir)


def test_a_busy_clone_briefs_last_week_with_its_release_and_where_its_data_ends(
    tmp_path: Path, workdir: Path
) -> None:
    """Changes and a release last week, a commit in the running week: last week is briefed,
    the data's end is said to be in a week not over, and last week's release is named."""
    last = IsoWeek.last_complete(THURSDAY, "UTC")
    repo = GitRepo(tmp_path / "shop")
    repo.commit({"src/app/main.py": "a = 1\n"}, "Start", _monday(6))
    repo.tag("v1.0", _monday(6) + timedelta(hours=1))
    repo.commit({"src/app/main.py": "a = 2\n" * 20}, "Grow", _monday(0) + timedelta(days=1))
    repo.commit({"src/app/more.py": "b = 1\n"}, "More", _monday(0) + timedelta(days=2))
    tagged = _monday(0) + timedelta(days=3)
    repo.tag("v1.1", tagged)
    newest = THURSDAY - timedelta(hours=2)
    repo.commit({"src/app/more.py": "b = 2\n"}, "Later", newest)
    out = _quickstart(repo)
    assert (
        f"The clone's data ends on {newest.date().isoformat()}, its newest commit, in "
        f"{last.next().id}, which is not over yet; this is the briefing of the last complete "
        f"week, {last.id}."
    ) in out
    assert re.search(
        rf"Shipped in {last.id}: v1\.1 on {tagged.date().isoformat()} \(2 changes{_SCORED}\.",
        out,
    ), out
    assert f"Week {last.id} · " in _briefed(workdir)


def test_a_week_without_a_release_names_the_newest_before_it(tmp_path: Path) -> None:
    """Last week had changes and no release: the line says so and names the newest release."""
    repo = GitRepo(tmp_path / "shop")
    repo.commit({"src/app/main.py": "a = 1\n"}, "Start", _monday(6))
    repo.tag("v1.0", _monday(6) + timedelta(hours=1))
    repo.commit({"src/app/main.py": "a = 2\n"}, "Grow", _monday(0) + timedelta(days=1))
    out = _quickstart(repo)
    last = IsoWeek.last_complete(THURSDAY, "UTC")
    first = (_monday(6) + timedelta(hours=1)).date().isoformat()
    assert re.search(
        rf"Shipped in {last.id}: no release \(the newest before it: v1\.0 on {first} "
        rf"\(1 change{_SCORED}\)\.",
        out,
    ), out
