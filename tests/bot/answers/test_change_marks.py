"""`#N` and `!N` keys: both typed forms are read, and each finds only its own code host's change."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine

from bot.answers.grammar import parse_query
from bot.answers.parse import Catalog
from bot.answers.queries import ChangeQuery
from data.store.engine import session_scope
from data.store.reads.lookups import find_changes
from data.store.tables import Change, Person, Repository

CATALOG = Catalog(teams={}, services={})


@pytest.fixture
def side_by_side(engine: Engine) -> Engine:
    """A store holding GitHub's `acme/web#7` and GitLab's `acme/web!7`, and GitLab's `shop!3`."""
    with session_scope(engine) as session:
        web = Repository(name="acme/web")
        shop = Repository(name="acme/shop")
        author = Person(login="ana")
        session.add_all([web, shop, author])
        session.flush()
        assert web.id is not None
        assert shop.id is not None
        assert author.id is not None
        for key, repo, number, day in (
            ("acme/web#7", web.id, 7, 1),
            ("acme/web!7", web.id, 7, 2),
            ("acme/shop!3", shop.id, 3, 3),
        ):
            session.add(
                Change(
                    key=key,
                    repository_id=repo,
                    number=number,
                    title=key,
                    author_id=author.id,
                    merged_at=datetime(2026, 11, day, tzinfo=UTC),
                )
            )
    return engine


@pytest.mark.parametrize(
    ("text", "key"),
    [("pr shop!3", "shop!3"), ("pr !3", "!3"), ("pr `shop!03`", "shop!3"), ("pr web#7", "web#7")],
)
def test_a_merge_request_is_read_by_name_and_bare_number(text: str, key: str) -> None:
    """`name!N` and `!N` are read where `name#N` and `#N` are, keeping GitLab's mark."""
    assert parse_query(text, CATALOG) == ChangeQuery(key)


@pytest.mark.parametrize(
    ("ref", "found"),
    [
        ("acme/web!7", ["acme/web!7"]),
        ("web!7", ["acme/web!7"]),
        ("acme/web#7", ["acme/web#7"]),
        ("web#7", ["acme/web#7"]),
        ("!7", ["acme/web!7"]),
        ("#7", ["acme/web#7"]),
        ("shop!3", ["acme/shop!3"]),
        ("!3", ["acme/shop!3"]),
        ("shop#3", []),
        ("#3", []),
    ],
)
def test_the_mark_picks_the_code_host(side_by_side: Engine, ref: str, found: list[str]) -> None:
    """A `!` key finds only merge requests and a `#` key only pull requests of that number."""
    with session_scope(side_by_side) as session:
        assert [c.key for c in find_changes(session, ref)] == found
