"""A page of records written with set-based statements: what a re-sync, a change that
lost files and reviews, a key met twice and a revert within its page leave in the store,
and what a page costs in statements."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from data.config import OrgConfig
from data.ingest import Tally
from data.source_values import (
    SourceChange,
    SourceChangeFile,
    SourceDeploy,
    SourceErrorBudget,
    SourceIncident,
    SourceReview,
)
from data.store.tables import (
    Change,
    ChangeFile,
    Deploy,
    DeployCommit,
    ErrorBudget,
    Incident,
    Person,
    ReviewRow,
)
from data.sync import SyncRun
from tests.data.shop import T0

SHA = "0123456789abcdef0123456789abcdef01234567"

# Every table a page of changes, deploys, incidents and budgets writes, with its sort order.
_WRITTEN: list[tuple[type[SQLModel], tuple[str, ...]]] = [
    (Person, ("id",)),
    (Change, ("id",)),
    (ChangeFile, ("id",)),
    (ReviewRow, ("id",)),
    (Deploy, ("id",)),
    (DeployCommit, ("deploy_id", "sha")),
    (Incident, ("id",)),
    (ErrorBudget, ("id",)),
]


def _pr(number: int, **overrides: Any) -> SourceChange:
    fields: dict[str, Any] = {
        "key": f"acme/shop#{number}",
        "repository": "acme/shop",
        "author": "alice",
        "merged_at": T0 + timedelta(hours=number),
        "title": f"Change {number}",
        "number": number,
        "files": (SourceChangeFile("checkout/cart.py", 10, 2), SourceChangeFile("README.md", 1, 0)),
        "reviews": (SourceReview("bob", "APPROVED", T0), SourceReview("carol", "COMMENTED", T0)),
    }
    fields.update(overrides)
    return SourceChange(**fields)


def _deploy(key: str, **overrides: Any) -> SourceDeploy:
    return SourceDeploy(**{"key": key, "service": "checkout", "finished_at": T0, **overrides})


def _page(engine: Engine, org: OrgConfig, **records: Any) -> Tally:
    """One checkpoint of ``records``, as a source's sync writes a page."""
    return SyncRun(engine, org).checkpoint("test", **records)


def _stored(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every row of the written tables, ids included."""
    with Session(engine) as session:
        return {
            model.__name__: [
                row.model_dump()
                for row in session.exec(
                    select(model).order_by(*(sa.column(name) for name in order))
                )
            ]
            for model, order in _WRITTEN
        }


def _counts(tally: Tally) -> tuple[int, int, int]:
    return (tally.added, tally.updated, tally.skipped)


def test_a_resynced_page_adds_updates_and_rewrites_nothing(engine: Engine, org: OrgConfig) -> None:
    """Writing the same page twice counts nothing the second time and leaves every row,
    ids included, as the first wrote it."""
    page: dict[str, Any] = {
        "changes": [_pr(n) for n in range(1, 6)],
        "deploys": [_deploy(f"d{n}", shipped=(f"{n}abc", f"{n}def")) for n in range(1, 4)],
        "incidents": [SourceIncident("i1", "checkout", T0, resolved_at=T0 + timedelta(hours=1))],
        "error_budgets": [SourceErrorBudget("b1", "checkout", T0)],
    }
    first = _page(engine, org, **page)
    stored = _stored(engine)
    again = _page(engine, org, **page)
    assert _counts(first) == (10, 0, 0)
    assert _counts(again) == (0, 0, 0)
    assert _stored(engine) == stored
    assert len(stored["ChangeFile"]) == 10
    assert len(stored["ReviewRow"]) == 10
    assert len(stored["DeployCommit"]) == 6


def test_a_page_longer_than_one_in_list_is_read_back_whole(engine: Engine, org: OrgConfig) -> None:
    """Stored rows are read 500 keys at a time: a page past that still finds them all."""
    changes = [
        _pr(n, files=(SourceChangeFile(f"checkout/{n}.py", n),), reviews=()) for n in range(1100)
    ]
    first = _page(engine, org, changes=changes)
    again = _page(engine, org, changes=changes, deploys=[_deploy(f"d{n}") for n in range(1100)])
    assert _counts(first) == (1100, 0, 0)
    assert _counts(again) == (1100, 0, 0)
    assert again.added_kinds == {"deploy": 1100}
    with Session(engine) as session:
        assert len(session.exec(select(ChangeFile)).all()) == 1100


def test_a_change_resynced_with_fewer_files_and_reviews_keeps_exactly_the_new_ones(
    engine: Engine, org: OrgConfig
) -> None:
    """A change's files and reviews are replaced by its latest record's; its page-mates that
    did not change keep their rows and ids."""
    _page(engine, org, changes=[_pr(1), _pr(2)])
    before = _stored(engine)
    shrunk = _pr(
        1,
        files=(SourceChangeFile("README.md", 3, 0),),
        reviews=(SourceReview("carol", "APPROVED", T0 + timedelta(hours=1)),),
    )
    tally = _page(engine, org, changes=[shrunk, _pr(2)])
    after = _stored(engine)
    ids = {c["key"]: c["id"] for c in after["Change"]}
    carol = next(p["id"] for p in after["Person"] if p["login"] == "carol")

    def of(table: str, key: str) -> list[dict[str, Any]]:
        return [row for row in after[table] if row["change_id"] == ids[key]]

    assert _counts(tally) == (0, 1, 0)
    assert [(f["path"], f["added"]) for f in of("ChangeFile", "acme/shop#1")] == [("README.md", 3)]
    assert [(r["reviewer_id"], r["state"]) for r in of("ReviewRow", "acme/shop#1")] == [
        (carol, "approved")
    ]
    untouched = [row for table in ("ChangeFile", "ReviewRow") for row in before[table]]
    assert [r for r in untouched if r["change_id"] == ids["acme/shop#2"]] == of(
        "ChangeFile", "acme/shop#2"
    ) + of("ReviewRow", "acme/shop#2")


def test_a_change_resynced_without_files_keeps_none(engine: Engine, org: OrgConfig) -> None:
    """A record with no files leaves its change none, and counts as an update."""
    _page(engine, org, changes=[_pr(1)])
    tally = _page(engine, org, changes=[_pr(1, files=())])
    assert _counts(tally) == (0, 1, 0)
    with Session(engine) as session:
        assert session.exec(select(ChangeFile)).all() == []
        assert len(session.exec(select(ReviewRow)).all()) == 2


def test_a_change_twice_in_a_page_is_its_last_report_in_its_first_place(
    engine: Engine, org: OrgConfig
) -> None:
    """Two reports of one change in a page make one row, added once, with the last report's
    values, files and reviews, numbered where the first report stood."""
    tally = _page(
        engine,
        org,
        changes=[
            _pr(1, title="first"),
            _pr(2),
            _pr(1, title="last", files=(SourceChangeFile("checkout/a.py"),), reviews=()),
        ],
    )
    assert _counts(tally) == (2, 0, 0)
    with Session(engine) as session:
        rows = session.exec(select(Change).order_by(col(Change.id))).all()
        assert [(r.key, r.title) for r in rows] == [
            ("acme/shop#1", "last"),
            ("acme/shop#2", "Change 2"),
        ]
        files = session.exec(select(ChangeFile).where(col(ChangeFile.change_id) == rows[0].id))
        assert [f.path for f in files] == ["checkout/a.py"]
        reviews = session.exec(select(ReviewRow).where(col(ReviewRow.change_id) == rows[0].id))
        assert reviews.all() == []


def test_a_deploy_twice_in_a_page_is_added_then_updated(engine: Engine, org: OrgConfig) -> None:
    """A deploy reported twice counts as added and, when the reports differ, updated; it
    ships what its last report that names commits says."""
    tally = _page(
        engine,
        org,
        deploys=[
            _deploy("d1", shipped=("aaa", "bbb")),
            _deploy("d2"),
            _deploy("d1", status="failure"),
            _deploy("d3"),
            _deploy("d3"),
        ],
    )
    with Session(engine) as session:
        deploys = session.exec(select(Deploy).order_by(col(Deploy.id))).all()
        shipped = session.exec(select(DeployCommit.sha).order_by(col(DeployCommit.sha))).all()
    assert _counts(tally) == (3, 1, 0)
    assert [(d.key, d.status) for d in deploys] == [
        ("d1", "failure"),
        ("d2", "success"),
        ("d3", "success"),
    ]
    assert shipped == ["aaa", "bbb"]
    again = _page(
        engine, org, deploys=[_deploy("d1", shipped=("bbb", "ccc")), _deploy("d1", shipped=("c",))]
    )
    with Session(engine) as session:
        assert session.exec(select(DeployCommit.sha)).all() == ["c"]
    assert _counts(again) == (0, 1, 0)


def test_an_incident_twice_in_a_page_is_its_last_report(engine: Engine, org: OrgConfig) -> None:
    """Incidents and budgets follow deploys: added, then updated when the report differs."""
    incidents = [SourceIncident("i1", "checkout", T0), SourceIncident("i1", "checkout", T0, "B")]
    budgets = [SourceErrorBudget("b1", "checkout", T0), SourceErrorBudget("b1", "checkout", T0)]
    tally = _page(engine, org, incidents=incidents, error_budgets=budgets)
    assert _counts(tally) == (2, 1, 0)
    with Session(engine) as session:
        assert session.exec(select(Incident.title)).all() == ["B"]
        assert len(session.exec(select(ErrorBudget)).all()) == 1


def test_a_revert_by_sha_finds_the_change_it_reverts_in_its_own_page(
    engine: Engine, org: OrgConfig
) -> None:
    """The reverted change, new in the same page, is stored before the revert looks it up."""
    _page(engine, org, changes=[_pr(1, sha=SHA), _pr(2, reverts_sha=SHA[:7])])
    with Session(engine) as session:
        revert = session.exec(select(Change).where(col(Change.number) == 2)).one()
    assert (revert.reverts_key, revert.is_revert) == ("acme/shop#1", True)


def _statements(engine: Engine, org: OrgConfig, numbers: range) -> int:
    """The statements a page of the changes and deploys ``numbers`` costs."""
    count = 0

    def executed(*_args: Any) -> None:
        nonlocal count
        count += 1

    page = {
        "changes": [_pr(n) for n in numbers],
        "deploys": [_deploy(f"d{n}", shipped=(f"{n}abc",)) for n in numbers],
    }
    sa.event.listen(engine, "before_cursor_execute", executed)
    try:
        _page(engine, org, **page)
    finally:
        sa.event.remove(engine, "before_cursor_execute", executed)
    return count


def test_a_page_costs_the_same_statements_however_many_records_it_holds(
    engine: Engine, org: OrgConfig
) -> None:
    """Rows are read and written a page at a time: forty changes and deploys cost what
    four do, new or read again, once their people exist."""
    _page(engine, org, changes=[_pr(1000)])
    assert _statements(engine, org, range(1, 5)) == _statements(engine, org, range(10, 50))
    assert _statements(engine, org, range(1, 5)) == _statements(engine, org, range(10, 50))
