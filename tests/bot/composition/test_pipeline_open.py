"""Open pull requests in the pipeline: scored as of now after the merged pass, never briefed."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.composition.compose import compose_all
from bot.composition.pipeline import score_all, score_open
from briefing.week import IsoWeek
from data.ingest import Ingest
from data.sample_load import load_sample
from data.source_values import SourceChange, SourceChangeFile
from data.sources.sample import sample_org_config
from data.store.engine import session_scope
from data.store.open_changes import load_open_changes
from data.store.org import sync_org
from data.store.scores import load_scores
from data.store.tables import Subscriber

AS_OF = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
KEY = "acme/platform#9001"


def _open_pr(updated: datetime) -> SourceChange:
    """A big open PR in Payments with no review, last updated inside the briefed week."""
    return SourceChange(
        key=KEY,
        repository="acme/platform",
        author="copilot-swe-agent[bot]",
        merged_at=updated,
        title="Rewrite the payments ledger",
        number=9001,
        files=tuple(
            SourceChangeFile(f"services/payments/ledger/m{i}.py", 120, 40, owners=())
            for i in range(9)
        ),
        state="open",
        updated_at=updated,
        head_sha="c" * 40,
    )


def test_open_pr_is_scored_as_of_now_and_reaches_no_briefing(engine: Engine) -> None:
    """score_all scores the open PR after the merged ones; no briefing counts or names it."""
    org = sample_org_config()
    with session_scope(engine) as session:
        sync_org(session, org)
    load_sample(engine, org, as_of=date(2026, 11, 23))
    with session_scope(engine) as session:
        Ingest(session, org).changes([_open_pr(AS_OF - timedelta(days=3))])
    with session_scope(engine) as session:
        summary = score_all(session, org)
        subscribers = list(session.exec(select(Subscriber).order_by(col(Subscriber.id))))
        done = compose_all(
            session, org, [(s, IsoWeek.last_complete(AS_OF, s.timezone)) for s in subscribers]
        )
        listed = load_open_changes(session, summary.version, services=["payments"])
        stored = load_scores(session, "change", summary.version, [KEY])
    assert (summary.changes, summary.open_changes) == (422, 1)
    assert [o.key for o in listed] == [KEY]
    assert stored[KEY].score >= 60
    assert stored[KEY].service == "payments"
    vp = done[0].payload
    assert vp.distribution.total == 41
    for composed in done:
        assert KEY not in json.dumps(composed.payload.model_dump(mode="json"))
        assert "9001" not in json.dumps(composed.payload.model_dump(mode="json"))


def test_scoring_an_open_pr_again_replaces_its_score(engine: Engine) -> None:
    """A second pass (its files changed) leaves one score row of the version, the new one."""
    org = sample_org_config()
    with session_scope(engine) as session:
        sync_org(session, org)
    load_sample(engine, org, as_of=date(2026, 11, 23))
    with session_scope(engine) as session:
        Ingest(session, org).changes([_open_pr(AS_OF)])
    with session_scope(engine) as session:
        first = score_open(session, org, AS_OF)
    bigger = _open_pr(AS_OF + timedelta(hours=1))
    small = replace(bigger, files=bigger.files[:1])
    with session_scope(engine) as session:
        Ingest(session, org).changes([small])
    with session_scope(engine) as session:
        second = score_open(session, org, AS_OF + timedelta(hours=1))
        stored = load_scores(session, "change", second[0].version, [KEY])
    assert second[0].score < first[0].score
    assert stored[KEY].score == second[0].score
