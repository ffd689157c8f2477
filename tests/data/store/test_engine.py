"""The engine factory and the migrations, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from data.store.engine import check_connection, make_engine
from data.store.migrate import alembic_config, current_revision, head_revision, is_current, upgrade
from scoring.errors import ConfigError, StoreError


def _downgrade(engine: Engine, revision: str) -> None:
    """Run the store's migrations down to ``revision``."""
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def test_sqlite_engine_sets_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    """A SQLite store runs in WAL mode with foreign keys enforced and a busy timeout."""
    engine = make_engine(f"sqlite:///{tmp_path}/x.db")
    with engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(sa.text("PRAGMA busy_timeout")).scalar() == 10_000


def test_postgres_url_uses_the_psycopg3_driver() -> None:
    """A plain postgresql:// URL gets the psycopg 3 driver riskbrief ships with."""
    engine = make_engine("postgresql://someone@127.0.0.1:1/nothing")
    assert engine.url.drivername == "postgresql+psycopg"


@pytest.mark.parametrize("url", ["not a url", "mysql://root@localhost/db"])
def test_bad_database_url_is_one_sentence(url: str) -> None:
    """An unusable RISKBRIEF_DATABASE_URL names the variable and the accepted forms."""
    with pytest.raises(ConfigError, match=r"RISKBRIEF_DATABASE_URL .*(sqlite|postgresql)"):
        make_engine(url)


def test_unreachable_database_is_a_store_error() -> None:
    """A database that does not answer is reported with the URL and what to check."""
    engine = make_engine("postgresql://someone@127.0.0.1:9/nothing")
    with pytest.raises(StoreError, match=r"cannot reach the database.*RISKBRIEF_DATABASE_URL"):
        check_connection(engine)


def test_the_schema_question_turns_an_unreachable_store_into_a_store_error() -> None:
    """`current_revision`, which every command asks first, says so in one sentence."""
    engine = make_engine("postgresql://someone:hunter2@127.0.0.1:9/nothing")
    with pytest.raises(StoreError) as caught:
        current_revision(engine)
    message = str(caught.value)
    assert message.startswith("cannot reach the database at postgresql://someone:***@127.0.0.1:9/")
    assert "hunter2" not in message
    assert "application_name" not in message


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    """A SQLite URL naming a text file is refused by name, and the file is left as it was."""
    text = tmp_path / "README.md"
    text.write_text("# readme\n" * 300, encoding="utf-8")
    engine = make_engine(f"sqlite:///{text}")
    for ask in (current_revision, check_connection, upgrade):
        with pytest.raises(StoreError, match=r"README.md is not a SQLite database"):
            ask(engine)
    assert text.read_text(encoding="utf-8") == "# readme\n" * 300


def test_upgrade_creates_the_schema_and_is_idempotent(database_url: str) -> None:
    """`db upgrade` brings an empty database to head, and running it again changes nothing."""
    engine = make_engine(database_url)
    assert current_revision(engine) is None
    assert not is_current(engine)
    upgrade(engine)
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    tables = set(sa.inspect(engine).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables
    engine.dispose()


def test_migrations_match_the_tables(engine: Engine) -> None:
    """The baseline migration creates exactly what the SQLModel tables declare."""
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


# (login as an earlier version stored it, kind it had, kind after migration 0007)
PEOPLE = [
    ("dependabot[bot]", "human", "bot"),
    ("49699333+dependabot[bot]@users.noreply.github.com", "human", "bot"),
    ("renovate", "human", "bot"),
    ("some-ci[bot]", "human", "bot"),
    ("devin-ai-integration[bot]", "human", "agent"),
    ("158243242+devin-ai-integration[bot]@users.noreply.github.com", "human", "agent"),
    ("copilot-swe-agent[bot]", "agent", "agent"),
    ("ada", "human", "human"),
    ("ada@example.com", "human", "human"),
]


def test_migration_0007_marks_stored_bots_and_agent_apps(database_url: str) -> None:
    """Bots and agents' apps stored as people by earlier versions get their kind; people stay."""
    engine = make_engine(database_url)
    upgrade(engine, "0006")
    person = sa.table("person", sa.column("login"), sa.column("kind"))
    with engine.begin() as conn:
        conn.execute(person.insert(), [{"login": p, "kind": k} for p, k, _ in PEOPLE])
    upgrade(engine)
    with engine.connect() as conn:
        kinds = dict(conn.execute(sa.select(person.c.login, person.c.kind)).all())
    engine.dispose()
    assert kinds == {login: after for login, _, after in PEOPLE}


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_replicas_migrating_at_once_take_turns(database_url: str) -> None:
    """Four upgrades at once on an empty PostgreSQL database: none fails, one creates the schema."""
    engines = [make_engine(database_url) for _ in range(4)]
    start = threading.Barrier(len(engines))
    found: list[str | None] = []
    errors: list[BaseException] = []

    def migrate(engine: Engine) -> None:
        start.wait()
        try:
            found.append(upgrade(engine))
        except BaseException as exc:  # every failure is the finding
            errors.append(exc)

    threads = [threading.Thread(target=migrate, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for e in engines:
        e.dispose()
    assert errors == []
    head = head_revision()
    assert sorted(found, key=lambda r: r or "") == [None, head, head, head]


def test_migration_0009_keeps_top_signals_as_a_list_and_back(database_url: str) -> None:
    """Comma-joined drivers become a list of names in rank order, and a downgrade joins them."""
    engine = make_engine(database_url)
    upgrade(engine, "0008")
    score = sa.table(
        "risk_score",
        *(sa.column(c) for c in ("subject_kind", "subject_key", "score", "band")),
        *(sa.column(c) for c in ("scorer_version", "drivers")),
        sa.column("signals", sa.JSON()),
        sa.column("gates", sa.JSON()),
        sa.column("computed_at", sa.DateTime()),
    )
    stored = {"a#1": "size,entropy,timing", "a#2": "", "d:1": "batch_size"}
    with engine.begin() as conn:
        conn.execute(
            score.insert(),
            [
                {
                    "subject_kind": "change",
                    "subject_key": key,
                    "score": 70,
                    "band": "high",
                    "scorer_version": "v1",
                    "drivers": drivers,
                    "signals": [],
                    "gates": [],
                    "computed_at": datetime(2026, 11, 20, 9, 0),
                }
                for key, drivers in stored.items()
            ],
        )
    upgrade(engine)
    after = sa.table("risk_score", sa.column("subject_key"), sa.column("top_signals", sa.JSON()))
    with engine.connect() as conn:
        lists = dict(conn.execute(sa.select(after.c.subject_key, after.c.top_signals)).all())
    assert lists == {"a#1": ["size", "entropy", "timing"], "a#2": [], "d:1": ["batch_size"]}
    _downgrade(engine, "0008")
    with engine.connect() as conn:
        joined = dict(conn.execute(sa.select(score.c.subject_key, score.c.drivers)).all())
    engine.dispose()
    assert joined == stored


def test_migration_0023_makes_each_clone_read_again_and_keeps_other_cursors(
    database_url: str,
) -> None:
    """Only clones' commit cursors go, so their next sync learns renames; tags' and every other
    source's cursors stay."""
    engine = make_engine(database_url)
    upgrade(engine, "0022")
    state = sa.table(
        "sync_state",
        sa.column("source"),
        sa.column("scope"),
        sa.column("cursor"),
        sa.column("updated_at", sa.DateTime()),
    )
    rows = [("git", "acme/shop"), ("git-tags", "acme/shop"), ("github", "acme/api")]
    with engine.begin() as conn:
        conn.execute(
            state.insert(),
            [
                {"source": s, "scope": c, "cursor": "x", "updated_at": datetime(2026, 11, 20)}
                for s, c in rows
            ],
        )
    upgrade(engine)
    with engine.connect() as conn:
        left = sorted(conn.execute(sa.select(state.c.source, state.c.scope)).all())
    engine.dispose()
    assert [tuple(r) for r in left] == [("git-tags", "acme/shop"), ("github", "acme/api")]


def test_migration_0012_keeps_stored_changes_merged_and_a_downgrade_drops_open_ones(
    database_url: str,
) -> None:
    """Changes stored before open PRs existed read as merged; going back removes the open ones."""
    engine = make_engine(database_url)
    upgrade(engine, "0011")
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO repository (name, default_branch) VALUES ('a/b', 'main')")
        )
        conn.execute(sa.text("INSERT INTO person (login, kind) VALUES ('ada', 'human')"))
        conn.execute(
            sa.text(
                "INSERT INTO change (key, repository_id, title, author_id, merged_at, labels,"
                " is_revert, is_hotfix, co_authors, co_authored_by_agent, reviews_known)"
                " VALUES ('a/b#1', 1, 't', 1, :at, '[]', false, false, '[]', false, true)"
            ),
            {"at": datetime(2026, 11, 20, 9, 0)},
        )
    upgrade(engine)
    change = sa.table("change", sa.column("key"), sa.column("state"), sa.column("merged_at"))
    with engine.begin() as conn:
        assert conn.execute(sa.select(change.c.key, change.c.state)).all() == [("a/b#1", "merged")]
        conn.execute(
            sa.text(
                "INSERT INTO change (key, repository_id, title, author_id, state, labels,"
                " is_revert, is_hotfix, co_authors, co_authored_by_agent, reviews_known)"
                " VALUES ('a/b#2', 1, 't', 1, 'open', '[]', false, false, '[]', false, true)"
            )
        )
        with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
            conn.execute(sa.text("UPDATE change SET state = 'draft' WHERE key = 'a/b#2'"))
    _downgrade(engine, "0011")
    with engine.connect() as conn:
        keys = conn.execute(sa.text("SELECT key FROM change")).scalars().all()
    engine.dispose()
    assert keys == ["a/b#1"]


def test_migration_0018_moves_teams_webhook_urls_to_their_own_table_and_back(
    database_url: str,
) -> None:
    """Stored Teams webhook URLs become subscriber_address rows, deliveries kept; back again."""
    engine = make_engine(database_url)
    upgrade(engine, "0017")
    url = "https://prod-07.westeurope.logic.azure.com/workflows/0a1b/triggers/manual?sig=S"
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO subscriber (key, name, timezone, teams, services, active, origin,"
                " email, teams_webhook_url) VALUES"
                " ('chat', 'chat', 'UTC', '[\"web\"]', '[]', true, 'config', NULL, :url),"
                " ('maria', 'maria', 'UTC', '[]', '[]', false, 'config', 'm@acme.io', NULL)"
            ),
            {"url": url},
        )
        # A delivery under the subscriber: on SQLite, a table copy would trip its foreign key.
        conn.execute(
            sa.text(
                "INSERT INTO delivery (subscriber_id, week, channel, status, attempts, claimed_at)"
                " VALUES (1, '2026-W47', 'teams', 'sent', 1, :at)"
            ),
            {"at": datetime(2026, 11, 23, 9, 0)},
        )
    upgrade(engine)
    with engine.connect() as conn:
        moved = conn.execute(
            sa.text("SELECT subscriber_id, channel, address FROM subscriber_address")
        ).all()
        columns = {c["name"] for c in sa.inspect(conn).get_columns("subscriber")}
        teams = conn.execute(sa.text("SELECT teams FROM subscriber WHERE id = 1")).scalar_one()
    assert moved == [(1, "teams", url)]
    assert "teams_webhook_url" not in columns
    assert teams in (["web"], '["web"]')
    _downgrade(engine, "0017")
    with engine.connect() as conn:
        back = conn.execute(
            sa.text("SELECT key, email, teams_webhook_url FROM subscriber ORDER BY id")
        ).all()
        deliveries = conn.execute(sa.text("SELECT count(*) FROM delivery")).scalar_one()
    engine.dispose()
    assert back == [("chat", None, url), ("maria", "m@acme.io", None)]
    assert deliveries == 1


def test_migration_0032_adds_context_points_empty_and_a_downgrade_drops_it(
    database_url: str,
) -> None:
    """A score stored before 0032 reads no context points after it (its readers add them up from
    its signals); back at 0031 the column is gone, and upgrading again adds it anew."""
    engine = make_engine(database_url)
    upgrade(engine, "0031")
    score = sa.table(
        "risk_score",
        *(sa.column(c) for c in ("subject_kind", "subject_key", "score", "band")),
        sa.column("scorer_version"),
        sa.column("signals", sa.JSON()),
        sa.column("gates", sa.JSON()),
        sa.column("computed_at", sa.DateTime()),
    )
    with engine.begin() as conn:
        conn.execute(
            score.insert(),
            {
                "subject_kind": "change",
                "subject_key": "a#1",
                "score": 70,
                "band": "high",
                "scorer_version": "v1",
                "signals": [],
                "gates": [],
                "computed_at": datetime(2026, 11, 20, 9, 0),
            },
        )
    upgrade(engine)

    def columns() -> set[str]:
        with engine.connect() as conn:
            return {c["name"] for c in sa.inspect(conn).get_columns("risk_score")}

    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT subject_key, context_points FROM risk_score")).all()
    assert [tuple(row) for row in stored] == [("a#1", None)]
    _downgrade(engine, "0031")
    assert "context_points" not in columns()
    upgrade(engine)
    assert "context_points" in columns()
    engine.dispose()
