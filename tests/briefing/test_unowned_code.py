"""Issue 50: a change in code no service holds is still the organisation's.

A very-high-risk change merged in a folder no service's paths cover was left out of
every week: the whole organisation's briefing called its week "a quiet week … none
high risk", or "No data for the organisation" when nothing else merged. The whole
organisation's week holds it; a team's week does not.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.answers.access import Access
from bot.answers.records.trend import week_rows, weekly_trend
from bot.composition.pipeline import score_all
from briefing.build import Recipient, build_payload
from briefing.deterministic import write_deterministic
from briefing.week import IsoWeek
from data.config import OrgConfig, parse_org_config
from data.scope import Scope
from tests.data.sources.gitrepo import GitRepo, sync_clone

pytestmark = pytest.mark.usefixtures("clean_git_env")

MONDAY = datetime(2026, 11, 16, tzinfo=UTC)
WEEK = IsoWeek.of(MONDAY.date())
_MIGRATION = "tools/migrations/0001_initial.py"


def _store(engine: Engine, tmp_path: Path, *, owned_this_week: bool) -> OrgConfig:
    """A library whose ``src/lib`` is a service; ``tools/`` is no service's. This week a schema
    migration (very high risk by its gate) lands in ``tools/``."""
    repo = GitRepo(tmp_path / "lib")
    start = MONDAY - timedelta(weeks=3)
    repo.commit({"src/lib/a.py": "a = 1\n" * 20, "tools/run.py": "x = 1\n"}, "Start", start)
    for n in range(1, 12):
        repo.commit({"src/lib/a.py": f"a = {n}\n" * 20}, f"Tune {n}", start + timedelta(days=n))
    if owned_this_week:
        repo.commit({"src/lib/a.py": "a = 99\n" * 20}, "Tune more", MONDAY + timedelta(hours=9))
    body = "".join(f"op_{i} = {i}\n" for i in range(40))
    repo.commit({_MIGRATION: body}, "Add the first schema", MONDAY + timedelta(days=1, hours=10))
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


@pytest.mark.parametrize("owned_this_week", [True, False], ids=["with-lib", "only-unowned"])
def test_the_organisations_week_holds_a_very_high_change_no_service_holds(
    engine: Engine, tmp_path: Path, owned_this_week: bool
) -> None:
    """The whole organisation's briefing counts and names the migration in ``tools/``; it is
    neither quiet nor without data. A briefing of the service ``lib`` leaves it out."""
    org = _store(engine, tmp_path, owned_this_week=owned_this_week)
    with Session(engine) as session:
        whole = build_payload(session, org, Recipient("vp", "VP", "UTC"), WEEK)
        lib = build_payload(
            session, org, Recipient("lead", "Lead", "UTC", Scope(services=("lib",))), WEEK
        )
    named = [c for c in whole.top_changes if c.band == "critical"]
    assert [c.title for c in named] == ["Add the first schema"]
    assert whole.distribution.critical == 1
    assert whole.distribution.total == 1 + owned_this_week
    text = write_deterministic(whole).headline
    assert "No data" not in text
    assert "quiet" not in text.lower()
    assert "Add the first schema" not in [c.title for c in lib.top_changes]
    assert lib.distribution.total == int(owned_this_week)


def test_the_organisations_rows_and_weeks_hold_it_too(engine: Engine, tmp_path: Path) -> None:
    """The rows behind the organisation's week (web view, `/risk`) and its weekly trend count
    the migration in ``tools/`` as the briefing does; the service's rows leave it out."""
    org = _store(engine, tmp_path, owned_this_week=True)
    now = MONDAY + timedelta(days=8)
    whole = Access.organisation(org)
    with Session(engine) as session:
        rows = week_rows(session, org, whole, None, WEEK.id, now=now)
        lib = week_rows(session, org, whole, ["lib"], WEEK.id, now=now)
        trend = weekly_trend(session, org, whole, None, 4, WEEK.id, now=now)
    assert "Add the first schema" in [c.title for c in rows.changes]
    assert "Add the first schema" not in [c.title for c in lib.changes]
    assert trend.weeks[-1].changes == 2
