"""A column among many values: the same rows as an IN list on both backends, and on
PostgreSQL one statement whatever the count of values."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from data.store.among import among
from data.store.engine import session_scope
from data.store.tables import Change
from tests.data.rows import at, base, change


def test_among_finds_what_an_in_list_finds_and_is_one_statement(engine: Engine) -> None:
    """Keys and ids, none, one and six hundred asked (some absent): the rows an IN list gives;
    on PostgreSQL the SQL is the same text for three values and for six hundred, an
    IN list elsewhere."""
    with session_scope(engine) as s:
        repo, svc, human, _ = base(s)
        for n in range(1, 31):
            change(s, repo, svc, human, n, at(n))
    with session_scope(engine) as s:
        rows = list(s.exec(select(col(Change.id), col(Change.key))))
        ids = [i for i, _ in rows]
        keys = [k for _, k in rows]
        for asked in ([], keys[:1], keys[::3] + [f"acme/none#{n}" for n in range(600)]):
            found = set(s.exec(select(col(Change.key)).where(among(s, col(Change.key), asked))))
            assert found == set(keys) & set(asked)
        conn = s.connection()
        by_id = set(s.exec(select(col(Change.key)).where(among(conn, col(Change.id), ids[:7]))))
        assert by_id == set(keys[:7])
        three, many = (
            str(select(col(Change.id)).where(among(s, col(Change.key), k)).compile(engine))
            for k in (keys[:3], [*keys, *(f"x#{n}" for n in range(600))])
        )
    if engine.dialect.name == "postgresql":
        assert three == many
        assert "ANY" in three
    else:
        assert " IN " in three
