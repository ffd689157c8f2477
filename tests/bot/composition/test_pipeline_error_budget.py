"""The error-budget gate end to end: budgets given to ``score_all`` reach the stored scores of
changes and deploys."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.engine import Engine

from bot.composition.pipeline import score_all
from data.sample_load import load_sample
from data.sources.sample import sample_org_config
from data.store.engine import session_scope
from data.store.facts import load_changes, load_deploys
from data.store.org import sync_org
from data.store.scores import load_scores

# The budget of payments was spent over these two days of the sample's history.
SPENT_FROM = datetime(2026, 11, 16, 0, 0, tzinfo=UTC)
SPENT_UNTIL = datetime(2026, 11, 18, 0, 0, tzinfo=UTC)


def test_spent_budget_gates_exactly_the_changes_merged_on_it(engine: Engine) -> None:
    """Only changes touching payments merged while its budget was spent get the gate."""
    org = sample_org_config()
    with session_scope(engine) as session:
        sync_org(session, org)
    load_sample(engine, org, as_of=date(2026, 11, 23))
    with session_scope(engine) as session:
        summary = score_all(session, org, [("payments", SPENT_FROM, SPENT_UNTIL)])
        changes = load_changes(session)
        scores = load_scores(session, "change", summary.version)
    gated = {k for k, row in scores.items() if any(g.name == "error_budget" for g in row.gates)}
    expected = {
        c.key
        for c in changes
        if "payments" in c.services and SPENT_FROM <= c.merged_at < SPENT_UNTIL
    }
    assert expected, "the sample must merge payments changes in the spent window"
    assert gated == expected
    assert all(scores[k].score >= org.scoring_config().bands.critical for k in gated)


def test_spent_budget_gates_exactly_the_production_deploys_finished_in_it(engine: Engine) -> None:
    """The budget is read at each deploy's time: the payments deploys that finished in the span
    are gated, none of another service or finished outside it."""
    org = sample_org_config()
    with session_scope(engine) as session:
        sync_org(session, org)
    load_sample(engine, org, as_of=date(2026, 11, 23))
    with session_scope(engine) as session:
        summary = score_all(session, org, [("payments", SPENT_FROM, SPENT_UNTIL)])
        deploys = load_deploys(session)
        scores = load_scores(session, "deploy", summary.version)
    gated = {k for k, row in scores.items() if any(g.name == "error_budget" for g in row.gates)}
    expected = {
        d.key
        for d in deploys
        if d.service == "payments"
        and d.environment == "production"
        and SPENT_FROM <= d.finished_at < SPENT_UNTIL
    }
    assert expected, "the sample must deploy payments in the spent window"
    assert gated == expected
    assert all(scores[k].band.value == "critical" for k in gated)
