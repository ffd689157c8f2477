"""The merged changes' stamp: read once per transaction, read again once the store moved."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from data.store.stamp import merged_stamp
from data.store.tables import Change, Person, Repository

AT = datetime(2026, 1, 5, 10, tzinfo=UTC)


def _reads(engine: Engine) -> list[str]:
    """The statements ``engine`` runs from now on that count merged changes."""
    seen: list[str] = []

    def note(*args: object) -> None:
        statement = str(args[2])
        if "count(" in statement.lower() and "change" in statement:
            seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", note)
    return seen


def test_one_reading_per_transaction_and_another_after_a_write(engine: Engine) -> None:
    """Asked twice in a transaction it reads once; after a change is stored it reads again
    and counts it."""
    with Session(engine) as session:
        repo, ada = Repository(name="acme/shop"), Person(login="ada")
        session.add_all([repo, ada])
        session.commit()
        assert repo.id is not None
        assert ada.id is not None
        reads = _reads(engine)
        first = merged_stamp(session)
        assert merged_stamp(session) == first
        assert len(reads) == 1
        session.add(
            Change(key="acme/shop#1", repository_id=repo.id, author_id=ada.id, merged_at=AT)
        )
        session.flush()
        after = merged_stamp(session)
        assert len(reads) == 2
        assert after[0] == first[0] + 1


def test_a_new_transaction_reads_again(engine: Engine) -> None:
    """A stamp kept in one transaction is not the next one's: another writer may have moved
    the store in between."""
    with Session(engine) as session:
        reads = _reads(engine)
        merged_stamp(session)
        session.commit()
        merged_stamp(session)
    assert len(reads) == 2
