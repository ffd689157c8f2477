"""`open_pull_requests` says which open pull and merge requests are drafts, as the store holds."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from bot.answers.access import Access
from bot.answers.records.pull import open_pulls
from data.ingest import Ingest
from data.source_values import SourceChange, SourceChangeFile
from data.sources.sample import sample_org_config
from data.store.engine import session_scope
from data.store.org import sync_org

AT = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _open(key: str, number: int, *, draft: bool) -> SourceChange:
    return SourceChange(
        key=key,
        repository="acme/platform",
        author="dev",
        merged_at=AT,
        number=number,
        files=(SourceChangeFile("services/search/ranking.py", 3, 1),),
        state="open",
        updated_at=AT,
        draft=draft,
    )


def test_a_draft_is_listed_as_one_and_a_ready_one_not(engine: Engine) -> None:
    """A draft's ``draft`` is true in the listing; marked ready by a later sync, it is false."""
    org = sample_org_config()
    with session_scope(engine) as session:
        sync_org(session, org)
        Ingest(session, org).changes(
            [
                _open("acme/platform#9101", 9101, draft=True),
                _open("acme/platform!12", 12, draft=False),
            ]
        )
    whole = Access.organisation(org)
    with session_scope(engine) as session:
        listed = open_pulls(session, org, whole, None, None, 10)
    assert {p.key: p.draft for p in listed.pulls} == {
        "acme/platform#9101": True,
        "acme/platform!12": False,
    }
    with session_scope(engine) as session:
        Ingest(session, org).changes([_open("acme/platform#9101", 9101, draft=False)])
    with session_scope(engine) as session:
        listed = open_pulls(session, org, whole, None, None, 10)
    assert not any(p.draft for p in listed.pulls)
