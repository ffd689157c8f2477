"""`/risk deploy` worded from the deploy's record: what it shipped, scored or not yet."""

from __future__ import annotations

from sqlalchemy import delete, func
from sqlmodel import col, select

from bot.answers.access import Access
from bot.answers.answer import Paragraph
from bot.answers.deploys import deploy_answer
from bot.answers.lines import found_by_line
from bot.answers.records.deploy import deploy_record, deploy_split
from bot.answers.records.models import FoundByRow
from bot.answers.text import answer_text
from bot.slack.render import slack_text
from data.deploy_rule import DeployRule, FoundBy
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


# The sample's Wednesday payments deploy: the ledger migration, the change touching its
# files, and two others.
LEDGER_DEPLOY = "deploy:payments:2026-11-18T10:25"


def test_a_gated_deploy_of_many_changes_is_told_how_to_split(scored: LoadedSample) -> None:
    """The ledger deploy's record splits off the migration and the change touching its files,
    each part's score the deploy scorer's; the answer says it with those numbers."""
    with session_scope(scored.engine) as session:
        record = deploy_record(session, scored.org, Access.organisation(scored.org), LEDGER_DEPLOY)
        deploy = session.exec(select(Deploy).where(Deploy.key == LEDGER_DEPLOY)).one()
        split = deploy_split(session, scored.org, deploy)
        text = answer_text(deploy_answer(session, scored.org, LEDGER_DEPLOY))
    assert split is not None
    assert record.split is not None
    assert record.split.way == "gate"
    assert record.split.reason == "schema_migration"
    assert record.split.gated == ["acme/platform#4503"]
    assert record.split.apart.changes == list(split.apart.changes)
    assert record.split.apart.score == split.apart.score.score
    assert record.split.rest.score == split.rest.score.score
    assert split.whole.score == record.score
    assert record.split.rest.score < record.score
    assert "Ship it as two deploys" in text
    assert "through a gate: a schema migration (`acme/platform#4503`)" in text
    assert f"in one deploy · score {record.split.apart.score}, " in text
    assert f"in another deploy · score {record.split.rest.score}, " in text


def test_a_deploy_of_few_changes_is_not_split(scored: LoadedSample) -> None:
    """The Friday checkout deploy shipped two changes: nothing to split, nothing said."""
    with session_scope(scored.engine) as session:
        key = "deploy:checkout:2026-11-20T15:35"
        record = deploy_record(session, scored.org, Access.organisation(scored.org), key)
        text = answer_text(deploy_answer(session, scored.org, key))
    assert record.split is None
    assert "two deploys" not in text
    assert "Hold back" not in text


def test_the_answer_says_which_rule_found_the_deploy(scored: LoadedSample) -> None:
    """The sample's deploys say what found them, in the record and on the answer's third line."""
    with session_scope(scored.engine) as session:
        record = deploy_record(session, scored.org, Access.organisation(scored.org), LEDGER_DEPLOY)
        text = answer_text(deploy_answer(session, scored.org, LEDGER_DEPLOY))
    assert record.found_by == FoundByRow.of(FoundBy(DeployRule.SAMPLE))
    assert text.splitlines()[2] == "found by: the sample organisation's deploy plan"


# A tag name is outside text: git lets it hold Slack's and HTML's markup.
HOSTILE_TAG = "v1*<!channel>*_&_<b>x</b>"


def test_a_tag_name_is_outside_text_wherever_it_is_said(scored: LoadedSample) -> None:
    """A hostile tag name forms no mention, bold or markup in Slack, and the pattern is code."""
    found = FoundBy(DeployRule.TAG, HOSTILE_TAG, r"^v\d")
    with session_scope(scored.engine) as session:
        deploy = session.exec(select(Deploy).where(Deploy.key == LEDGER_DEPLOY)).one()
        deploy.found_by = found.encode()
    with session_scope(scored.engine) as session:
        record = deploy_record(session, scored.org, Access.organisation(scored.org), LEDGER_DEPLOY)
        answer = deploy_answer(session, scored.org, LEDGER_DEPLOY)
    assert record.found_by is not None
    assert record.found_by.match == HOSTILE_TAG
    first = answer.parts[0]
    assert isinstance(first, Paragraph)
    line = first.lines[2]
    assert line == found_by_line(record.found_by)
    slack = slack_text(line)
    assert slack.startswith("found by: tag v1")
    assert "<!channel>" not in slack
    assert "&lt;!channel&gt;" in slack
    assert "*" not in slack.split(" matching ")[0]
    assert slack.endswith(r" matching `^v\d`")
