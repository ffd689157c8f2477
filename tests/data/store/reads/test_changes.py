"""The answers' reads of changes: reverts, lines added, an author's changes, scored keys."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from data.store.engine import session_scope
from data.store.reads.changes import (
    added_lines,
    changes_by_author,
    merged_change_ids,
    merged_reverts,
    merged_reverts_of,
    services_touched,
)
from data.store.tables import ChangeState
from tests.data.rows import at, base, change


def test_reverts_are_merged_ones_in_merge_order(engine: Engine) -> None:
    """A change's reverts are the merged changes naming it, oldest first; an open one is not."""
    with session_scope(engine) as s:
        repo, svc, human, _ = base(s)
        first = change(s, repo, svc, human, 1, at(1))
        late, early, still_open = (change(s, repo, svc, human, n, at(n)) for n in (9, 5, 7))
        for revert in (late, early, still_open):
            revert.reverts_key = first.key
        still_open.state = ChangeState.OPEN
        s.add_all([late, early, still_open])
    with session_scope(engine) as s:
        assert [c.key for c in merged_reverts_of(s, "acme/shop#1")] == [
            "acme/shop#5",
            "acme/shop#9",
        ]
        assert [c.key for c in merged_reverts(s, ["acme/shop#1", "acme/shop#2"])] == [
            "acme/shop#5",
            "acme/shop#9",
        ]
        assert merged_reverts_of(s, "acme/shop#5") == []


def test_lines_services_and_authors_read_as_stored(engine: Engine) -> None:
    """Each change's lines added, the services it touched and an author's newest changes."""
    with session_scope(engine) as s:
        repo, svc, human, agent = base(s)
        made = [
            change(s, repo, svc, author, n, at(n))
            for n, author in ((1, human), (2, agent), (3, human))
        ]
    with session_scope(engine) as s:
        ids = merged_change_ids(s)
        assert sorted(ids) == [c.key for c in made]
        # The builder's one file per change adds ten lines.
        assert {added_lines(s)[ids[c.key]] for c in made} == {10}
        newest = changes_by_author(s, made[0].author_id, 1)
        assert [c.key for c in newest] == ["acme/shop#3"]
        touched = services_touched(s, changes_by_author(s, made[1].author_id, 5))
        assert list(touched.values()) == [{"payments"}]
