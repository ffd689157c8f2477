"""`/risk deploy` worded from the deploy's record: what it shipped, scored or not yet."""

from __future__ import annotations

from sqlalchemy import delete, func
from sqlmodel import col, select

from bot.answers.access import Access
from bot.answers.deploys import deploy_answer
from bot.answers.records.deploy import deploy_record
from bot.answers.text import answer_text
from data.store.engine import session_scope
from data.store.tables import Change, Deploy, DeployChange, RiskScoreRow
from tests.samples import LoadedSample


def test_a_change_not_scored_yet_is_told_after_the_scored_ones(scored: LoadedSample) -> None:
    """A shipped change without a score is the record's ``unscored`` and the answer's last line."""
    with session_scope(scored.engine) as session:
        # The deploy that shipped the most changes, and the first of them by merge.
        deploy_id, shipped = session.exec(
            select(DeployChange.deploy_id, func.count())
            .group_by(col(DeployChange.deploy_id))
            .order_by(func.count().desc(), col(DeployChange.deploy_id))
        ).first() or (None, 0)
        # Fewer than the answer lists (15), so the unscored one is among the lines shown.
        assert deploy_id is not None
        assert 2 <= shipped <= 15
        first = session.exec(
            select(Change)
            .join(DeployChange, col(DeployChange.change_id) == col(Change.id))
            .where(DeployChange.deploy_id == deploy_id)
            .order_by(col(Change.merged_at), col(Change.key))
        ).first()
        assert first is not None
        session.execute(
            delete(RiskScoreRow).where(
                col(RiskScoreRow.subject_kind) == "change",
                col(RiskScoreRow.subject_key) == first.key,
            )
        )
    with session_scope(scored.engine) as session:
        deploy = session.get(Deploy, deploy_id)
        assert deploy is not None
        record = deploy_record(session, scored.org, Access.organisation(scored.org), deploy.key)
        text = answer_text(deploy_answer(session, scored.org, deploy.key, "UTC"))
    assert [c.key for c in record.unscored] == [first.key]
    assert first.key not in {c.key for c in record.changes}
    assert len(record.changes) == shipped - 1
    lines = text.splitlines()
    start = lines.index(f"*Shipped {shipped} changes*") + 1
    listed = lines[start : start + shipped]
    assert listed[-1].endswith(f"`{first.key}` · not scored")
    assert all(line.endswith(" risk") for line in listed[:-1])
