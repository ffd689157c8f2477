"""The scorer's record in the sample organisation's briefings, counted again from the store."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.composition.compose import compose_all
from bot.composition.pipeline import score_all
from briefing.track_record import record_line
from briefing.week import IsoWeek
from data.sample_load import load_sample
from data.sources.sample import sample_org_config
from data.store.engine import session_scope
from data.store.org import sync_org
from data.store.scores import load_scores
from data.store.tables import (
    IS_MERGED,
    Change,
    ChangeFile,
    Deploy,
    DeployChange,
    Incident,
    Subscriber,
)

AS_OF = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_the_briefing_record_matches_a_count_made_from_the_store(engine: Engine) -> None:
    """Every figure of the VP's record is what the store's changes, scores, reverts and
    incident-linked deploys of the 90 days to the briefed week's end give, and the line is
    in the Slack message and both emails."""
    org = sample_org_config()
    with session_scope(engine) as session:
        sync_org(session, org)
    load_sample(engine, org, as_of=date(2026, 11, 23))
    with session_scope(engine) as session:
        score_all(session, org)
        subscribers = list(session.exec(select(Subscriber).order_by(col(Subscriber.id))))
        done = compose_all(
            session, org, [(s, IsoWeek.last_complete(AS_OF, s.timezone)) for s in subscribers]
        )
        vp = done[0]
        until = datetime.combine(vp.week.sunday + timedelta(days=1), datetime.min.time(), UTC)
        since = until - timedelta(days=90)
        merged = {
            c.key: c
            for c in session.exec(select(Change).where(IS_MERGED))
            if c.merged_at is not None and since <= c.merged_at.replace(tzinfo=UTC) < until
        }
        reverted = {c.reverts_key for c in session.exec(select(Change).where(IS_MERGED))}
        linked = {i.deploy_id for i in session.exec(select(Incident)) if i.deploy_id}
        shipped = {
            key
            for key, deploy_id, env in session.exec(
                select(Change.key, DeployChange.deploy_id, Deploy.environment)
                .join(DeployChange, col(DeployChange.change_id) == col(Change.id))
                .join(Deploy, col(Deploy.id) == col(DeployChange.deploy_id))
            )
            if deploy_id in linked and env == "production"
        }
        scores = load_scores(session, "change", org.scoring_config().version, list(merged))
        added = {
            key: sum(
                f.added
                for f in session.exec(select(ChangeFile).where(ChangeFile.change_id == change.id))
            )
            for key, change in merged.items()
        }
    bad = {k for k in merged if k in reverted or k in shipped}
    flagged = {k for k, s in scores.items() if s.band.high_risk}
    largest = sorted(merged, key=lambda k: (-added[k], k))[: len(flagged)]
    record = vp.payload.record
    assert record is not None
    assert record.changes == len(scores) == len(merged)
    assert record.went_wrong == len(bad) > 0
    assert record.flagged == len(flagged)
    assert record.caught == len(bad & flagged)
    assert record.caught_by_lines_added == len(bad & set(largest))
    assert not record.later_fixes  # the sample organisation has no clone to run SZZ over
    line = record_line(record)
    assert line is not None
    # Eight outcomes are a small sample: the 90-second Slack read leaves them out.
    assert "Record," not in json.dumps(vp.slack.blocks)
    assert line in vp.email.text
    assert line in vp.email.html
    # A team's lead sees the record of the services in their scope only.
    commerce = next(c for c in done if c.subscriber.key == "commerce-lead").payload.record
    assert commerce is not None
    assert 0 < commerce.changes < record.changes
