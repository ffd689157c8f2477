"""The steps every entry point runs: link, score, and store the scores."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from data.config import OrgConfig
from data.config.store import missing_store
from data.rules.coverage import apply_coverage
from data.rules.linking import link_all
from data.store.bug_issues import known_bug_issues
from data.store.coverage import any_coverage, load_coverage
from data.store.engine import make_engine, shown_url, sqlite_file
from data.store.facts import (
    facts_of,
    load_changes,
    load_deploys,
    load_error_budgets,
    load_incidents,
)
from data.store.history import read_history, with_coverage
from data.store.migrate import current_revision, head_revision
from data.store.open_changes import open_change_rows
from data.store.scores import save_scores
from scoring.deploy_risk import score_deploys
from scoring.errors import StoreError
from scoring.history import BudgetSpan
from scoring.risk import score_change, score_changes
from scoring.risk_score import RiskScore
from scoring.scored import scored_change

__all__ = ["ScoreSummary", "ready_engine", "score_all", "score_open"]


@dataclass(frozen=True, slots=True)
class ScoreSummary:
    """What a scoring pass did; ``open_changes`` are open pull requests scored as of now."""

    changes: int
    deploys: int
    version: str
    open_changes: int = 0


def score_all(
    session: Session, org: OrgConfig, error_budgets: Iterable[BudgetSpan] | None = None
) -> ScoreSummary:
    """Link deploys and incidents, then score every change and deploy with the org's config.

    ``error_budgets`` are the spans ``(service, from, until or None)`` in which a
    service had spent its error budget; a change merged in one, and a production deploy
    finished in one of its service's, is gated to critical.
    When the caller passes none, the spans stored by the sources are used.
    """
    config = org.scoring_config()
    link_all(session, config.rules.incident_window_hours)
    if any_coverage(session):
        apply_coverage(session, org)
        config = replace(config, coverage_known=True)
    incidents = load_incidents(session)
    changes = load_changes(session, bugs=known_bug_issues(session, org))
    deploys = load_deploys(session)
    budgets = load_error_budgets(session) if error_budgets is None else list(error_budgets)
    # Only production deploys say how fragile a service is in front of users.
    production = [d for d in deploys if d.environment == "production"]
    change_scores = score_changes(changes, incidents, config, production, budgets)
    facts = {c.key: c for c in changes}
    save_scores(
        session,
        "change",
        (scored_change(s, facts.get(s.key), config) for s in change_scores.values()),
    )
    deploy_scores = score_deploys(deploys, change_scores, incidents, config, budgets)
    save_scores(session, "deploy", (scored_change(s) for s in deploy_scores))
    opened = score_open(session, org)
    return ScoreSummary(len(change_scores), len(deploy_scores), config.version, len(opened))


def score_open(
    session: Session,
    org: OrgConfig,
    now: datetime | None = None,
    keys: Collection[str] | None = None,
) -> list[RiskScore]:
    """Score open pull requests as if merged ``now`` against every merged change, and store it.

    ``keys`` limits it to those pull requests (a webhook's one). Every pass scores them
    again: "as of now" moves (the service's latest incidents, the time of day), and an
    open pull request's files and reviews change under it. The scores go into the same
    rows and scorer version as merged changes', which no briefing reads for an open one.
    """
    rows = [r for r in open_change_rows(session) if keys is None or r.key in keys]
    if not rows:
        return []
    stored = read_history(session, org, now)
    facts = facts_of(session, rows, known_bug_issues(session, org), as_of=stored.read_at)
    # A coverage report posted for a head counts as it will once the pull request merges.
    reports = load_coverage(session)
    facts = [
        with_coverage(session, f, r.head_sha or r.sha, reports=reports)
        for f, r in zip(facts, rows, strict=True)
    ]
    # The history is only peeked at: no open pull request becomes part of another's past.
    scores = [score_change(f, stored.history.context(f), stored.config) for f in facts]
    save_scores(
        session,
        "change",
        (scored_change(s, f, stored.config) for s, f in zip(scores, facts, strict=True)),
    )
    return scores


def ready_engine(database_url: str) -> Engine:
    """The store's engine, or a ``StoreError`` saying to migrate when its schema is behind."""
    engine = make_engine(database_url)
    path = sqlite_file(engine)
    # Opening a missing SQLite file would create it empty: a refused command leaves nothing.
    if path is not None and not path.exists():
        engine.dispose()
        # Where it looked and how to point at the store: `db upgrade` would make an empty one.
        raise StoreError(missing_store(path))
    revision = current_revision(engine)
    if revision is None:
        engine.dispose()
        where = path or shown_url(engine)
        raise StoreError(
            f"{where} holds no riskbrief store (it was never migrated); if yours is elsewhere, "
            "set RISKBRIEF_DATABASE_URL to it, or run `riskbrief db upgrade` to make this one"
        )
    if revision != head_revision():
        engine.dispose()
        raise StoreError(
            "the database is not migrated to this version of riskbrief; "
            "run `riskbrief db upgrade` first"
        )
    return engine
