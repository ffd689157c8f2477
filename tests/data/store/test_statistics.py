"""The planner's statistics of a SQLite store, and the indexes a big store's pages rely on."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session
from structlog.testing import capture_logs

from data.store.engine import make_engine
from data.store.migrate import upgrade
from data.store.statistics import refresh_statistics
from data.store.tables import Change, Person, Repository


def _store(tmp_path: Path, changes: int = 50) -> str:
    """A migrated SQLite store holding ``changes`` merged changes, one of them a revert."""
    url = f"sqlite:///{tmp_path}/s.db"
    engine = make_engine(url)
    upgrade(engine)
    at = datetime(2026, 1, 5, 10, tzinfo=UTC)
    with Session(engine) as session:
        repo, ada = Repository(name="acme/shop"), Person(login="ada")
        session.add_all([repo, ada])
        session.flush()
        assert repo.id is not None
        assert ada.id is not None
        session.add_all(
            Change(
                key=f"acme/shop#{i}",
                repository_id=repo.id,
                author_id=ada.id,
                title="Tune the retries",
                merged_at=at,
                reverts_key="acme/shop#1" if i == 2 else None,
            )
            for i in range(1, changes + 1)
        )
        session.commit()
    engine.dispose()
    return url


def _plan(url: str, sql: str) -> str:
    """SQLite's query plan of ``sql``, its lines joined."""
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}").all()
    engine.dispose()
    return " | ".join(str(r[-1]) for r in rows)


def test_refreshing_samples_every_table_for_the_planner(tmp_path: Path) -> None:
    """After a refresh, SQLite holds statistics for the change table's indexes."""
    url = _store(tmp_path)
    engine = make_engine(url)
    refresh_statistics(engine)
    with engine.connect() as conn:
        indexes = set(
            conn.exec_driver_sql("SELECT idx FROM sqlite_stat1 WHERE tbl = 'change'").scalars()
        )
    engine.dispose()
    assert {"ix_change_state_merged_at", "ix_change_key"} <= indexes


def test_a_migration_leaves_statistics_behind(tmp_path: Path) -> None:
    """Every start-up migrates, so a store that never had statistics gets them there."""
    url = _store(tmp_path)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE sqlite_stat1")
    upgrade(engine)
    with engine.connect() as conn:
        held = conn.exec_driver_sql("SELECT count(*) FROM sqlite_stat1").scalar()
    engine.dispose()
    assert held


def test_a_read_only_store_is_read_without_statistics(tmp_path: Path) -> None:
    """A store that cannot be written is left as it is, with a log line, not an error."""
    _store(tmp_path)
    read_only = make_engine(f"sqlite:///file:{tmp_path}/s.db?mode=ro&uri=true")
    with capture_logs() as logs:
        refresh_statistics(read_only)
    read_only.dispose()
    assert [e["event"] for e in logs] == ["store.statistics_not_refreshed"]


@pytest.mark.parametrize("analysed", [False, True])
def test_reverts_are_read_by_their_own_index(tmp_path: Path, analysed: bool) -> None:
    """The changes reverting a few keys are found by the reverts index, with statistics or
    without, never by walking every change."""
    # A few thousand changes and a few hundred keys: sampled statistics then count each
    # NULL-holding index entry as a thousand rows, and a plain index looked worse than a scan.
    url = _store(tmp_path, changes=3000)
    if analysed:
        refresh_statistics(make_engine(url))
    keys = ", ".join(f"'acme/shop#{i}'" for i in range(300))
    plan = _plan(url, f"SELECT id, title FROM change WHERE reverts_key IN ({keys})")
    assert "ix_change_reverts_key" in plan, plan
    assert "SCAN" not in plan, plan


def test_the_files_of_an_incident_are_found_by_path(tmp_path: Path) -> None:
    """The changes that touched a few paths are found by the path index."""
    url = _store(tmp_path)
    plan = _plan(url, "SELECT change_id FROM change_file WHERE path IN ('a.py', 'b.py')")
    assert "ix_change_file_path" in plan, plan
    assert "SCAN" not in plan, plan
