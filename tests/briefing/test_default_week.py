"""The one default week every reader briefs, and the sentence saying where the data ends, on
small histories made for it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.composition.pipeline import score_all
from briefing.default_week import default_week
from briefing.week import IsoWeek
from data.config import OrgConfig, parse_org_config
from tests.data.sources.gitrepo import GitRepo, sync_clone

pytestmark = pytest.mark.usefixtures("clean_git_env")

# Wednesday 25 Nov 2026, noon UTC: the last complete week is 2026-W47 (16-22 Nov).
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
LAST = IsoWeek(2026, 47)


def _store(engine: Engine, tmp_path: Path, commits: list[tuple[str, datetime]]) -> OrgConfig:
    """A clone of ``commits`` (a path and when), synced and scored, with services api and web."""
    repo = GitRepo(tmp_path / "shop")
    for n, (path, when) in enumerate(commits):
        repo.commit({path: f"{n}\n" * 10}, f"Change {n}", when)
    org = parse_org_config(
        f"""
[organisation]
timezone = "UTC"
[[repositories]]
name = "acme/shop"
path = "{repo.path}"
[[services]]
key = "api"
repository = "acme/shop"
paths = ["api/**"]
[[services]]
key = "web"
repository = "acme/shop"
paths = ["web/**"]
"""
    )
    sync_clone(engine, org)
    with Session(engine) as session:
        score_all(session, org)
        session.commit()
    return org


def test_a_store_ending_months_ago_is_briefed_at_its_last_week_saying_so(
    engine: Engine, tmp_path: Path
) -> None:
    """Data that ends in March: the default is the week it ends in, and the sentence names
    the day and what to run."""
    ends = datetime(2026, 3, 12, 15, 0, tzinfo=UTC)
    _store(engine, tmp_path, [("api/a.py", ends - timedelta(days=40)), ("api/a.py", ends)])
    with Session(engine) as session:
        found = default_week(session, None, "UTC", NOW)
        current = default_week(session, None, "UTC", NOW, current=True)
    assert (found.week, found.natural, found.moved, found.holds) == (
        IsoWeek(2026, 11),
        LAST,
        True,
        True,
    )
    assert found.note() == (
        "The data ends on 12 Mar 2026, before 2026-W47, so this is 2026-W11, the last complete "
        "week that holds data: run `riskbrief sync` to read newer changes (`git pull` a clone "
        "first)."
    )
    # A reader of this week so far falls back to the same week, by the same rule.
    assert current.week == found.week
    assert current.natural == LAST.next()
    # A week asked after the data's end is told where it ends; one holding data is not.
    assert found.note(IsoWeek(2026, 30)) == (
        "The data ends on 12 Mar 2026, before 2026-W30: run `riskbrief sync` to read newer "
        "changes (`git pull` a clone first)."
    )
    assert found.note(IsoWeek(2026, 11)) is None


def test_a_fresh_store_is_briefed_at_its_natural_week_without_a_note(
    engine: Engine, tmp_path: Path
) -> None:
    """Data last week and this week: the last complete week (this week so far for a reader
    of it), and nothing to say."""
    _store(engine, tmp_path, [("api/a.py", NOW - timedelta(days=7)), ("api/a.py", NOW)])
    with Session(engine) as session:
        found = default_week(session, None, "UTC", NOW)
        current = default_week(session, None, "UTC", NOW, current=True)
    assert (found.week, found.moved, found.note()) == (LAST, False, None)
    assert (current.week, current.moved, current.note()) == (LAST.next(), False, None)


def test_an_empty_last_week_falls_back_to_the_last_week_with_data_not_the_running_one(
    engine: Engine, tmp_path: Path
) -> None:
    """A commit this week (a version bump) and none last week: the briefing is of the last
    complete week holding data, W45, and says last week held none; this week's reader keeps
    this week."""
    _store(engine, tmp_path, [("api/a.py", datetime(2026, 11, 4, tzinfo=UTC)), ("api/b.py", NOW)])
    with Session(engine) as session:
        found = default_week(session, None, "UTC", NOW)
        current = default_week(session, None, "UTC", NOW, current=True)
    assert found.week == IsoWeek(2026, 45)
    assert found.note() == (
        "2026-W47 holds no data in this scope, so this is 2026-W45, the last complete week that "
        "does; the data ends on 25 Nov 2026."
    )
    assert (current.week, current.note()) == (LAST.next(), None)


def test_the_scope_decides_what_holds_data(engine: Engine, tmp_path: Path) -> None:
    """web's data ends in W40 while api's is fresh; a change in no service is no data."""
    _store(
        engine,
        tmp_path,
        [
            ("web/w.py", datetime(2026, 10, 1, tzinfo=UTC)),
            ("api/a.py", NOW - timedelta(days=8)),
            ("README.md", NOW - timedelta(days=1)),
        ],
    )
    with Session(engine) as session:
        web = default_week(session, ["web"], "UTC", NOW)
        api = default_week(session, ["api"], "UTC", NOW)
        nowhere = default_week(session, [], "UTC", NOW)
        whole = default_week(session, None, "UTC", NOW)
    assert web.week == IsoWeek(2026, 40)
    assert web.ends is not None
    assert web.ends.date().isoformat() == "2026-10-01"
    assert api.week == LAST
    # The README commit is in no service: the organisation's data ends with api's change.
    assert whole.ends == api.ends
    assert (nowhere.week, nowhere.holds, nowhere.ends) == (LAST, False, None)
    assert nowhere.note() == (
        "No data in this scope yet: run `riskbrief sync` to read newer changes (`git pull` a "
        "clone first)."
    )


def test_the_week_is_the_reader_s_own(engine: Engine, tmp_path: Path) -> None:
    """Sunday 22:30 UTC is Monday 07:30 in Tokyo: there the data ends in the next week, and the
    day said is Tokyo's."""
    ends = datetime(2026, 3, 8, 22, 30, tzinfo=UTC)
    _store(engine, tmp_path, [("api/a.py", ends - timedelta(days=20)), ("api/a.py", ends)])
    with Session(engine) as session:
        utc = default_week(session, None, "UTC", NOW)
        tokyo = default_week(session, None, "Asia/Tokyo", NOW)
    assert (utc.week, tokyo.week) == (IsoWeek(2026, 10), IsoWeek(2026, 11))
    note = tokyo.note()
    assert note is not None
    assert note.startswith("The data ends on 9 Mar 2026, ")
