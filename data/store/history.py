"""The history as the store knows it now, for scoring changes not merged yet.

It is read as ``bot.composition.pipeline.score_all`` reads it before scoring (merged changes
with the organisation's bug issues, incidents, production deploys, error-budget
spans; of a change only what the history records of it) but every change is
only recorded, none scored, and nothing is written:
the links between deploys and incidents are those the last ``riskbrief score``
or sync stored.
"""

from __future__ import annotations

import gc
import threading
import weakref
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import structlog
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from data.clock import utcnow
from data.config import OrgConfig
from data.store.bug_issues import known_bug_issues
from data.store.coverage import (
    AddedLines,
    StoredCoverage,
    any_coverage,
    coverage_facts,
    load_coverage,
)
from data.store.engine import session_scope
from data.store.facts import load_deploys, load_error_budgets, load_incidents
from data.store.stamp import merged_stamp
from data.store.tables import (
    IS_MERGED,
    Change,
    ChangeFile,
    CoverageReportRow,
    Deploy,
    ErrorBudget,
    Incident,
    Person,
    Repository,
    RiskScoreRow,
    Service,
    TrackerIssue,
)
from scoring.authorship import noreply_login
from scoring.config import ScoringConfig
from scoring.facts import ChangeFacts, FileChange
from scoring.fixes import BugIssues, is_fix_change
from scoring.history import History
from scoring.signal import Signal
from scoring.typical import raw_points

__all__ = ["HistoryCache", "StoredHistory", "read_history", "scoring_config", "with_coverage"]

log = structlog.get_logger("riskbrief.history")


@dataclass(frozen=True, slots=True)
class StoredHistory:
    """A history built from the store, the config it is scored with, and when it was read.

    ``history`` is only to be peeked at (``History.context``, ``scoring.proposal.assess``):
    recording a change not merged yet would make it part of every later answer.
    """

    history: History
    config: ScoringConfig
    read_at: datetime
    changes: int
    incidents: int
    deploys: int
    # Everyone who authored a stored change, as the store names them (logins or e-mails).
    authors: frozenset[str] = frozenset()

    def author_as_stored(self, author: str) -> str | None:
        """``author`` as the store names them: as given, or the login of a GitHub noreply
        address; ``None`` when the store holds no change of theirs."""
        if author in self.authors:
            return author
        login = noreply_login(author)
        if login is not None and login in self.authors:
            return login
        lowered = author.strip().lower()
        return lowered if lowered in self.authors else None


def _merged_changes(session: Session, bugs: BugIssues) -> list[ChangeFacts]:
    """Every merged change with what the history records of it, in merge order.

    ``load_changes`` with only the columns ``History.record`` reads (who, when, which
    files, whether a fix), as plain rows: building every ORM object and review would
    cost ten times the recording on a store of 100k changes.
    """
    people = {
        pid: (login, kind)
        for pid, login, kind in session.execute(
            sa.select(col(Person.id), col(Person.login), col(Person.kind))
        )
    }
    found = session.execute(sa.select(col(Service.id), col(Service.key)))
    services: dict[int, str] = {row[0]: row[1] for row in found}
    files: dict[int, list[FileChange]] = defaultdict(list)
    # Only merged changes are history: a store that also keeps pull requests not merged
    # yet leaves their merge time empty.
    merged = col(Change.merged_at).is_not(None)
    file_rows = (
        sa.select(
            col(ChangeFile.change_id),
            col(ChangeFile.path),
            col(ChangeFile.added),
            col(ChangeFile.deleted),
            col(ChangeFile.service_id),
            col(ChangeFile.previous_path),
            col(ChangeFile.lines_before),
        )
        .join(Change, col(Change.id) == col(ChangeFile.change_id))
        .where(merged)
        .order_by(col(ChangeFile.id))
    )
    for change_id, path, added, deleted, service_id, previous, held in session.execute(file_rows):
        service = services.get(service_id) if service_id else None
        files[change_id].append(
            FileChange(path, added, deleted, service, previous_path=previous, lines_before=held)
        )
    out: list[ChangeFacts] = []
    query = sa.select(
        col(Change.id),
        col(Change.key),
        col(Change.merged_at),
        col(Change.author_id),
        col(Change.title),
        col(Change.labels),
        col(Change.is_revert),
        col(Change.is_hotfix),
    )
    query = query.where(merged).order_by(col(Change.merged_at), col(Change.key))
    for cid, key, merged_at, author_id, title, labels, revert, hotfix in session.execute(query):
        # Never None under the filter above (the column may allow it for open requests).
        assert merged_at is not None
        login, kind = people[author_id]
        out.append(
            ChangeFacts(
                key=key,
                repository="",
                title=title,
                author=login,
                merged_at=merged_at,
                files=tuple(files.pop(cid, ())),
                author_is_agent=kind == "agent",
                author_is_bot=kind == "bot",
                is_revert=revert,
                is_hotfix=hotfix,
                is_fix=is_fix_change(title, labels, bugs, key),
            )
        )
    return out


def scoring_config(session: Session, org: OrgConfig) -> ScoringConfig:
    """The organisation's scoring config as ``score_all`` scores with it: coverage is a
    measured signal once the store holds any coverage report."""
    config = org.scoring_config()
    return replace(config, coverage_known=True) if any_coverage(session) else config


def _latest_merged_report(
    session: Session, repository: str, reports: Mapping[str, StoredCoverage]
) -> StoredCoverage | None:
    """The report at the latest merged change of ``repository`` that has one with files."""
    query = (
        sa.select(col(Change.sha), col(Change.head_sha))
        .join(Repository, col(Repository.id) == col(Change.repository_id))
        .where(col(Repository.name) == repository, IS_MERGED)
        .order_by(col(Change.merged_at).desc(), col(Change.key).desc())
    )
    for sha, head_sha in session.execute(query):
        for s in (sha, head_sha):
            found = reports.get(s.lower()) if s else None
            if found is not None and found.files:
                return found
    return None


def with_coverage(
    session: Session,
    facts: ChangeFacts,
    head_sha: str | None,
    *,
    base_sha: str | None = None,
    added: AddedLines | None = None,
    reports: Mapping[tuple[str, str], StoredCoverage] | None = None,
) -> ChangeFacts:
    """``facts`` of a change not merged yet with the coverage facts of the report at its head.

    Worked out as ``data.rules.coverage.apply_coverage`` works out a merged change's once it is
    merged: patch coverage from the lines it added (when known; else the one already
    given, such as Codecov's), the touched files' coverage against the report at
    ``base_sha``, else at the repository's latest merged change that has one. Without a
    report at its head the facts are returned as they are. ``reports`` are the store's
    (``load_coverage``), read once by a caller with many changes.
    """
    if head_sha is None:
        return facts
    stored = load_coverage(session) if reports is None else reports
    mine = {sha: report for (repo, sha), report in stored.items() if repo == facts.repository}
    head = mine.get(head_sha.lower())
    if head is None or not head.files:
        return facts
    base = mine.get(base_sha.lower()) if base_sha else None
    if base is None:
        base = _latest_merged_report(session, facts.repository, mine)
    touched = [f.path for f in facts.files if not f.generated]
    found = coverage_facts(head, base, touched, added, None)
    patch, coverable = facts.patch_coverage, facts.patch_coverable
    # As apply_coverage: a patch coverage worked out wins; none keeps what a source gave.
    if found.patch_coverage is not None or patch is None:
        patch, coverable = found.patch_coverage, found.patch_coverable
    return replace(
        facts,
        patch_coverage=patch,
        patch_coverable=coverable,
        line_coverage_delta=found.line_coverage_delta,
    )


def _change_scores(session: Session, version: str) -> dict[str, tuple[float, list[Signal]]]:
    """Each merged change's stored signals' points of ``version`` and what its own signals add
    up to (``raw_points``: what ``iter_scores`` counts into the typical change), by key: two
    columns, not whole rows."""
    query = select(RiskScoreRow.subject_key, RiskScoreRow.signals).where(
        col(RiskScoreRow.subject_kind) == "change", col(RiskScoreRow.scorer_version) == version
    )
    out: dict[str, tuple[float, list[Signal]]] = {}
    for key, signals in session.exec(query):
        points = [
            Signal(str(s["name"]), None, float(s["points"]), "")
            for s in signals or ()
            if "name" in s
        ]
        out[key] = (raw_points(points), points)
    return out


def read_history(session: Session, org: OrgConfig, now: datetime | None = None) -> StoredHistory:
    """Every merged change, incident, production deploy and error-budget span in the store."""
    config = scoring_config(session, org)
    read_at = now or utcnow()
    incidents = load_incidents(session)
    changes = _merged_changes(session, known_bug_issues(session, org))
    # Only production deploys say how fragile a service is in front of users.
    production = [d for d in load_deploys(session) if d.environment == "production"]
    history = History(lookback_days=config.incident_lookback_days)
    history.add_incidents(incidents)
    history.add_deploys(production, incidents)
    history.add_error_budget_exhaustions(load_error_budgets(session))
    # As ``scoring.risk.iter_scores``: the history only grows and holds no cycles, and
    # full collections over its objects would cost more than the recording itself.
    was_enabled = gc.isenabled()
    gc.disable()
    # The stored scores of these changes make the history's typical change, as scoring
    # them in order did, so an open change is banded against the same typical change.
    stored_scores = _change_scores(session, config.version)
    try:
        for change in changes:
            history.record(change)
            stored = stored_scores.get(change.key)
            if stored is not None:
                history.note_score(*stored)
    finally:
        if was_enabled:
            gc.enable()
    return StoredHistory(
        history,
        config,
        read_at,
        len(changes),
        len(incidents),
        len(production),
        frozenset(c.author for c in changes),
    )


@dataclass(frozen=True, slots=True)
class _Stamp:
    """What tells one state of the history's rows from the next (counts, newest ids, edits).

    Only what the history reads: an open pull request stored or scored (a webhook,
    the MCP server) leaves it as it was, so answers about open changes keep it.
    """

    changes: tuple[Any, ...]
    incidents: tuple[Any, ...]
    deploys: tuple[Any, ...]
    budgets: tuple[Any, ...]
    # The tracker's issues decide which changes fixed a bug (defect-proneness of files).
    tracker: tuple[Any, ...]
    # The first coverage report makes coverage a measured signal of the config.
    coverage: tuple[Any, ...] = ()


def _stamp(session: Session) -> _Stamp:
    changes = merged_stamp(session)
    incidents = session.exec(
        select(
            sa.func.count(), sa.func.max(col(Incident.id)), sa.func.max(col(Incident.resolved_at))
        )
    ).one()
    deploys = session.exec(
        select(sa.func.count(), sa.func.max(col(Deploy.id)), sa.func.max(col(Deploy.finished_at)))
    ).one()
    budgets = session.exec(select(sa.func.count(), sa.func.max(col(ErrorBudget.id)))).one()
    tracker = session.exec(select(sa.func.count(), sa.func.max(col(TrackerIssue.updated_at)))).one()
    coverage = session.exec(
        select(
            sa.func.count(),
            sa.func.max(col(CoverageReportRow.id)),
            sa.func.max(col(CoverageReportRow.recorded_at)),
        )
    ).one()
    return _Stamp(
        tuple(changes),
        tuple(incidents),
        tuple(deploys),
        tuple(budgets),
        tuple(tracker),
        tuple(coverage),
    )


class HistoryCache:
    """The store's history as of its last read, read again once the rows it reads changed.

    Reading the history of 100,000 changes takes seconds; a proposal scored against it
    takes under a millisecond (``bench.proposed``), so the MCP server and the PR check
    keep one and ask the store only whether it moved.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: tuple[_Stamp, OrgConfig, StoredHistory] | None = None

    @staticmethod
    def of(engine: Engine) -> HistoryCache:
        """The process's one cache of ``engine``'s store: the web view's week page, the MCP
        tools, the PR checks and the briefing's plan then keep one history between them, not
        one each."""
        with _SHARED_LOCK:
            cache = _SHARED.get(engine)
            if cache is None:
                cache = _SHARED[engine] = HistoryCache()
            return cache

    def warm(self, engine: Engine, org: OrgConfig) -> None:
        """Read the history now, in the background, so the first proposal does not wait on it."""

        def read() -> None:
            try:
                with session_scope(engine) as session:
                    self.history(session, org)
            except Exception:
                # Whatever went wrong, the first call reads the history again and says why.
                log.info("history.not_warmed", exc_info=True)

        threading.Thread(target=read, name="history-warm", daemon=True).start()

    def history(self, session: Session, org: OrgConfig) -> StoredHistory:
        """The history, read now if what it reads changed since it was last read."""
        stamp = _stamp(session)
        with self._lock:
            kept = self._kept
            # Another riskbrief.toml over the same store (a test, a reloaded config) reads
            # the history again: its services and scoring settings shape what is read.
            if kept is None or kept[0] != stamp or (kept[1] is not org and kept[1] != org):
                kept = self._kept = (stamp, org, read_history(session, org))
            return kept[2]


# ``HistoryCache.of``'s caches, one per engine, gone with their engine.
_SHARED: weakref.WeakKeyDictionary[Engine, HistoryCache] = weakref.WeakKeyDictionary()
_SHARED_LOCK = threading.Lock()
