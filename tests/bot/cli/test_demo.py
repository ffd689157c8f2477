"""`riskbrief demo --database-url`: the sample organisation in any store, PostgreSQL included."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import func, select

from bot.cli import main
from data.store.engine import make_engine, session_scope
from data.store.tables import Change, Subscriber
from tests.clock import THURSDAY, pinned_clock


@pytest.mark.parametrize("database_url", ["sqlite", "postgres"], indirect=True)
def test_demo_loads_the_sample_into_the_named_store_once(database_url: str, tmp_path: Path) -> None:
    """The sample goes into the URL's store with the demo's briefings; a second load is refused."""
    args = ["demo", "--out", str(tmp_path / "out"), "--as-of", "2026-11-24"]
    args += ["--database-url", database_url]
    runner = CliRunner()
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    assert "vp-engineering: 3 critical · 1 warning · 1 info (2026-W47" in first.output
    assert "riskbrief serve --role scheduler" in first.output
    assert "application_name" not in first.output
    assert not (tmp_path / "out" / "demo.db").exists()
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        changes = session.exec(select(func.count()).select_from(Change)).one()
        subscribers = session.exec(select(func.count()).select_from(Subscriber)).one()
    engine.dispose()
    assert (changes, subscribers) == (422, 4)
    again = runner.invoke(main, args)
    assert again.exit_code == 1
    assert "already holds data" in again.output
    assert "Traceback" not in again.output


def test_two_demos_on_one_day_write_the_same_briefings(tmp_path: Path) -> None:
    """Run at two times of one day, the demo writes byte-identical emails, their links included."""
    texts = []
    for n, hour in enumerate((0, 17)):
        with pinned_clock(THURSDAY.replace(hour=hour)):
            out = tmp_path / str(n)
            result = CliRunner().invoke(main, ["demo", "--out", str(out)])
        assert result.exit_code == 0, result.output
        texts.append((out / "vp-engineering.email.txt").read_text(encoding="utf-8"))
    assert "http://127.0.0.1:8765/web/change/" in texts[0]
    assert texts[0] == texts[1]


def test_a_monday_morning_in_utc_briefs_every_subscriber_the_sample_s_stories(
    tmp_path: Path,
) -> None:
    """At 01:30 UTC on a Monday, New York's Sunday is not over: the sample's weeks end where
    every subscriber's last complete week does, so the VP (New York) and the leads (Berlin,
    Kolkata, London) are all briefed on the week its stories were planted in."""
    with pinned_clock(datetime(2026, 11, 30, 1, 30, tzinfo=UTC)):
        result = CliRunner().invoke(main, ["demo", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "vp-engineering: 3 critical · 1 warning · 1 info (2026-W47" in result.output
    assert "commerce-lead: 2 critical · 0 warning · 0 info (2026-W47" in result.output
    assert "2026-W48" not in result.output
