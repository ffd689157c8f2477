"""The error-budget gate end to end: budgets given to ``score_all`` reach the stored scores of
changes and deploys."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.engine import Engine

from bot.composition.pipeline import score_all
from data.config import OrgConfig
from data.sample_load import load_sample
from data.sources.sample import sample_org_config
from data.store.engine import session_scope
from data.store.facts import load_changes, load_deploys
from data.store.org import sync_org
from data.store.scores import load_scores
from scoring.scored import ScoredChange

# The budget of payments was spent over these two days of the sample's history.
SPENT_FROM = datetime(2026, 11, 16, 0, 0, tzinfo=UTC)
SPENT_UNTIL = datetime(2026, 11, 18, 0, 0, tzinfo=UTC)


def _scored(engine: Engine, kind: str) -> tuple[OrgConfig, dict[str, ScoredChange]]:
    """The sample organisation loaded and scored with payments' spent span; ``kind``'s scores."""
    org = sample_org_config()
    with session_scope(engine) as session:
        sync_org(session, org)
    load_sample(engine, org, as_of=date(2026, 11, 23))
    with session_scope(engine) as session:
        summary = score_all(session, org, [("payments", SPENT_FROM, SPENT_UNTIL)])
        return org, load_scores(session, kind, summary.version)


def _gated(scores: dict[str, ScoredChange]) -> set[str]:
    """The keys whose stored score carries the error-budget gate."""
    return {k for k, row in scores.items() if any(g.name == "error_budget" for g in row.gates)}


def test_spent_budget_gates_exactly_the_changes_merged_on_it(engine: Engine) -> None:
    """Only changes touching payments merged while its budget was spent get the gate."""
    org, scores = _scored(engine, "change")
    with session_scope(engine) as session:
        changes = load_changes(session)
    gated = _gated(scores)
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
    _, scores = _scored(engine, "deploy")
    with session_scope(engine) as session:
        deploys = load_deploys(session)
    gated = _gated(scores)
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
