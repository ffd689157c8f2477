"""Issue 63 point 5: a routine schema migration is named, never a card of its own.

A small made history: a service whose people change its model, views and tests every
day or two for five weeks. This week one change holds a model edit, its migration and its
test, of the size the service's changes usually are: the migration gate puts it at very
high risk, so the briefing lists it among its Top changes (and names it, so the week is
not quiet), but it makes no card: nothing about it is unusual for its service.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.composition.pipeline import score_all
from briefing.build import Recipient, build_payload
from briefing.deterministic import write_deterministic
from briefing.week import IsoWeek
from data.config import OrgConfig, parse_org_config
from scoring.card_terms import CardKind
from tests.data.sources.gitrepo import GitRepo, sync_clone

pytestmark = pytest.mark.usefixtures("clean_git_env")

MONDAY = datetime(2026, 11, 16, tzinfo=UTC)
WEEK = IsoWeek.of(MONDAY.date())
_TITLE = "Add a column to the orders table"
_PEOPLE = ("Ada Lovelace <ada@example.com>", "Alan Turing <alan@example.com>")


def _lines(name: str, n: int, salt: int) -> str:
    return "".join(f"{name}_{i} = {i + salt}\n" for i in range(n))


def _store(engine: Engine, tmp_path: Path, *, migration_lines: int = 24) -> OrgConfig:
    """Five weeks of ordinary changes to ``shop`` (each 20–30 lines over a model or a view and
    a test), then this week's routine migration: a model edit, ``migration_lines`` of migration
    and a test, merged Tuesday morning by one of the service's own people."""
    repo = GitRepo(tmp_path / "shop")
    start = MONDAY - timedelta(weeks=5)
    repo.commit(
        {"shop/models.py": _lines("field", 20, 0), "shop/views.py": _lines("view", 20, 0)},
        "Start",
        start,
    )
    for n in range(1, 5 * 7 + 2):
        target = ("shop/models.py", "shop/views.py")[n % 2]
        files: dict[str, str | bytes | None] = {
            target: _lines("field" if n % 2 == 0 else "view", 20 + n % 4, n),
            f"tests/test_{n % 5}.py": _lines("case", 8 + n % 3, n),
        }
        when = start + timedelta(days=n * 5 / 7, hours=10)
        repo.commit(files, f"Tune the shop, step {n}", when, author=_PEOPLE[n % 2])
    repo.commit(
        {
            "shop/models.py": _lines("field", 24, 99),
            "shop/migrations/0007_orders_column.py": _lines("op", migration_lines, 0),
            "tests/test_orders.py": _lines("case", 10, 0),
        },
        _TITLE,
        MONDAY + timedelta(days=1, hours=10),
        author=_PEOPLE[0],
    )
    org = parse_org_config(
        f"""
[organisation]
timezone = "UTC"
[[repositories]]
name = "acme/shop"
path = "{repo.path}"
[[services]]
key = "shop"
name = "Shop"
repository = "acme/shop"
paths = ["shop/**", "tests/**"]
"""
    )
    sync_clone(engine, org)
    with Session(engine) as session:
        score_all(session, org)
        session.commit()
    return org


def test_a_routine_migration_is_a_top_change_and_no_card(engine: Engine, tmp_path: Path) -> None:
    """The migration is very high risk by its gate, listed among Top changes and named by the
    deterministic briefing; no card tells it, and the week is not called quiet."""
    org = _store(engine, tmp_path)
    with Session(engine) as session:
        payload = build_payload(session, org, Recipient("vp", "VP", "UTC"), WEEK)
    [migration] = [c for c in payload.top_changes if c.title == _TITLE]
    assert migration.band == "critical"
    assert any("migration" in g for g in migration.gates)
    assert not [c for c in payload.cards if c.kind is CardKind.GATED]
    assert not [c for c in payload.cards if migration.id in {e.key for e in c.evidence}]
    briefing = write_deterministic(payload)
    assert "quiet" not in briefing.headline.lower()


def test_a_migration_larger_than_its_service_usually_is_a_gated_warning(
    engine: Engine, tmp_path: Path
) -> None:
    """The same change with a migration of 600 lines reaches beyond what three in four of the
    service's changes reach on their own signals: not routine, so the gated card warns of it."""
    org = _store(engine, tmp_path, migration_lines=600)
    with Session(engine) as session:
        payload = build_payload(session, org, Recipient("vp", "VP", "UTC"), WEEK)
    [migration] = [c for c in payload.top_changes if c.title == _TITLE]
    [card] = [c for c in payload.cards if c.kind is CardKind.GATED]
    assert migration.id in {e.key for e in card.evidence}
