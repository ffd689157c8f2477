"""Open pull requests in the store: written beside merged changes, listed, and never history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from data.config import OrgConfig, parse_org_config
from data.ingest import Ingest
from data.source_values import SourceChange, SourceChangeFile
from data.store.engine import session_scope
from data.store.facts import facts_of, load_changes
from data.store.open_changes import load_open_changes, open_change_rows
from data.store.org import sync_org
from data.store.scores import save_scores
from data.store.tables import Change, ChangeState
from data.store.window import window_rows
from scoring.risk import Band
from scoring.risk_score import RiskScore
from scoring.scored import scored_change
from scoring.signal import Signal

T0 = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)
ORG = """
[[repositories]]
name = "acme/shop"
[[services]]
key = "checkout"
repository = "acme/shop"
paths = ["checkout/**"]
[[services]]
key = "search"
repository = "acme/shop"
paths = ["search/**"]
"""


@pytest.fixture
def org(engine: Engine) -> OrgConfig:
    """The organisation above, synced into the store."""
    config = parse_org_config(ORG)
    with Session(engine) as session:
        sync_org(session, config)
        session.commit()
    return config


def _pr(number: int, state: str, path: str, hours: float = 0) -> SourceChange:
    return SourceChange(
        key=f"acme/shop#{number}",
        repository="acme/shop",
        author="alice",
        merged_at=T0 + timedelta(hours=hours),
        title=f"PR {number}",
        number=number,
        files=(SourceChangeFile(path, 10, 1),),
        state=state,
        updated_at=T0 + timedelta(hours=hours),
        head_sha=f"{number:040x}",
    )


def _write(engine: Engine, org: OrgConfig, *records: SourceChange) -> None:
    with Session(engine) as session:
        Ingest(session, org).changes(records)
        session.commit()


def _states(engine: Engine) -> dict[str, tuple[ChangeState, datetime | None]]:
    with Session(engine) as session:
        return {c.key: (c.state, c.merged_at) for c in session.exec(select(Change))}


def _score(key: str, points: int) -> RiskScore:
    band = Band.HIGH if points >= 60 else Band.SAFE
    return RiskScore(key, points, band, (Signal("size", 1.0, points, "big"),), (), "v1")


def test_an_open_pull_request_is_stored_without_a_merge_time(
    engine: Engine, org: OrgConfig
) -> None:
    """An open PR's row says open, has no merge time and keeps its head commit and update time."""
    _write(engine, org, _pr(1, "open", "checkout/a.py", hours=2))
    with Session(engine) as session:
        row = session.exec(select(Change)).one()
    assert (row.state, row.merged_at) == (ChangeState.OPEN, None)
    assert row.head_sha == f"{1:040x}"
    assert row.updated_at == T0 + timedelta(hours=2)


def test_open_pull_requests_are_no_history_and_reach_no_briefing(
    engine: Engine, org: OrgConfig
) -> None:
    """Merged-change readers (facts, a week's rows) never see an open PR, even a scored one."""
    _write(engine, org, _pr(1, "merged", "checkout/a.py"), _pr(2, "open", "checkout/b.py", 1))
    with session_scope(engine) as s:
        assert [c.key for c in load_changes(s)] == ["acme/shop#1"]
        rows = open_change_rows(s)
        open_facts = facts_of(s, rows, as_of=T0 + timedelta(days=1))
        merged_facts = load_changes(s)
        save_scores(s, "change", [scored_change(_score("acme/shop#1", 10), merged_facts[0])])
        save_scores(s, "change", [scored_change(_score("acme/shop#2", 90), open_facts[0])])
    with session_scope(engine) as s:
        week = window_rows(s, T0 - timedelta(days=1), T0 + timedelta(days=7), ["checkout"], "v1")
    assert [c.key for c in week.changes] == ["acme/shop#1"]
    assert open_facts[0].merged_at == T0 + timedelta(days=1)


def test_an_open_change_needs_a_time_to_be_scored_as_of(engine: Engine, org: OrgConfig) -> None:
    """Reading an open PR as facts without an as-of time is refused, not given a made-up time."""
    _write(engine, org, _pr(1, "open", "checkout/a.py"))
    with session_scope(engine) as s, pytest.raises(ValueError, match="not merged"):
        facts_of(s, open_change_rows(s))


def test_open_changes_are_listed_riskiest_first_and_filtered_by_service(
    engine: Engine, org: OrgConfig
) -> None:
    """The listing puts the highest score first, unscored last, and keeps a service's PRs only."""
    _write(
        engine,
        org,
        _pr(1, "open", "checkout/a.py"),
        _pr(2, "open", "search/b.py"),
        _pr(3, "open", "checkout/c.py"),
        _pr(4, "open", "checkout/d.py"),
        _pr(5, "merged", "checkout/e.py"),
    )
    with session_scope(engine) as s:
        facts = {f.key: f for f in facts_of(s, open_change_rows(s), as_of=T0)}
        scores = [_score("acme/shop#1", 20), _score("acme/shop#2", 95), _score("acme/shop#3", 70)]
        save_scores(s, "change", [scored_change(r, facts[r.key]) for r in scores])
    with session_scope(engine) as s:
        everything = load_open_changes(s, "v1")
        checkout = load_open_changes(s, "v1", services=["checkout"])
        top = load_open_changes(s, "v1", limit=1)
        elsewhere = load_open_changes(s, "v1", services=["payments"])
    assert [o.key for o in everything] == [f"acme/shop#{n}" for n in (2, 3, 1, 4)]
    assert [o.key for o in checkout] == [f"acme/shop#{n}" for n in (3, 1, 4)]
    assert everything[0].scored is not None
    assert everything[0].scored.score == 95
    assert everything[0].services == ("search",)
    assert everything[-1].scored is None
    assert [o.key for o in top] == ["acme/shop#2"]
    assert elsewhere == []


def test_a_pull_request_that_merges_keeps_its_key_and_becomes_history(
    engine: Engine, org: OrgConfig
) -> None:
    """Open then merged is one row, now merged with its merge time; a late 'open' cannot undo it."""
    _write(engine, org, _pr(1, "open", "checkout/a.py"))
    _write(engine, org, _pr(1, "merged", "checkout/a.py", hours=5))
    _write(engine, org, _pr(1, "open", "checkout/a.py", hours=1))
    assert _states(engine) == {"acme/shop#1": (ChangeState.MERGED, T0 + timedelta(hours=5))}
    with session_scope(engine) as s:
        assert open_change_rows(s) == []


def test_a_pull_request_closed_unmerged_is_no_longer_listed(engine: Engine, org: OrgConfig) -> None:
    """A listed PR closed unmerged becomes closed; one never seen open is not stored at all."""
    _write(engine, org, _pr(1, "open", "checkout/a.py"))
    _write(engine, org, _pr(1, "closed", "checkout/a.py"), _pr(2, "closed", "checkout/b.py"))
    assert _states(engine) == {"acme/shop#1": (ChangeState.CLOSED, None)}
    with session_scope(engine) as s:
        assert load_open_changes(s, "v1") == []
        assert load_changes(s) == []
        assert s.exec(select(Change).where(col(Change.state) == "closed")).one().number == 1
