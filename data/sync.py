"""One sync of the configured sources: cursors, checkpoints and a summary line per source.

A source reads its cursor, fetches a page, and hands the page's records and
its new cursor to ``SyncRun.checkpoint`` (the ``data.handoff.Handoff`` it was
given), which writes both in one transaction. A crash or Ctrl-C therefore loses at
most the page in flight, and
the next sync resumes from the last checkpoint; the upserts of ``data.ingest``
make re-reading that page harmless.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import structlog
from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from data.clock import utcnow
from data.config import OrgConfig
from data.handoff import Cursor, Progress, Source
from data.ingest import Ingest, Tally
from data.reverts import StoredRevert
from data.rules.linking import link_deploys
from data.source_values import (
    SourceBudgetSample,
    SourceChange,
    SourceChangeCoverage,
    SourceCoverageTotals,
    SourceDeploy,
    SourceErrorBudget,
    SourceIncident,
    SourcePerson,
)
from data.store.budget_samples import save_budget_samples
from data.store.coverage import save_change_coverage, save_coverage_totals
from data.store.reads.changes import stored_change_keys
from data.store.reverts import drop_incidents, stored_reverts
from data.store.statistics import refresh_statistics
from data.store.tables import SyncState
from data.store.tracker import upsert_issues
from data.tracker_issue import TrackerIssueRecord
from scoring.errors import RiskbriefError, SourceError

__all__ = [
    "NullProgress",
    "SourceSummary",
    "SyncRun",
    "record_deploy",
    "run_sources",
    "summary_line",
]

log = structlog.get_logger(__name__)


class NullProgress:
    """Progress that shows nothing."""

    def advance(self, source: str, count: int, unit: str) -> None:
        """Ignore the step."""


@dataclass(frozen=True, slots=True)
class SourceSummary:
    """What one source's sync did; ``error`` is the sentence it failed with, if it did."""

    source: str
    added: int
    updated: int
    skipped: int
    error: str | None = None
    # New rows by kind, e.g. (("change", 2261), ("deploy", 164)).
    added_kinds: tuple[tuple[str, int], ...] = field(default=(), compare=False)
    # Sentences the source had for its reader beside the counts (a shallow clone, say).
    notes: tuple[str, ...] = field(default=(), compare=False)

    def line(self) -> str:
        """The summary line ``riskbrief sync`` prints for this source."""
        kinds = [f"{n:,} {_kind_words(kind, n)}" for kind, n in self.added_kinds if n]
        added = " and ".join([", ".join(kinds[:-1]), kinds[-1]] if len(kinds) > 1 else kinds)
        counts = f"{added or self.added} added, {self.updated} updated"
        if self.skipped:
            counts += f", {self.skipped} skipped (see the log)"
        if self.error and not (self.added or self.updated or self.skipped):
            return f"{self.source}: failed: {self.error}"
        if self.error:
            return f"{self.source}: failed after {counts}: {self.error}"
        return f"{self.source}: {counts}"


def summary_line(summary: SourceSummary) -> str:
    """The line ``sync`` prints for a source, saying the reverts' incidents are reverts."""
    if summary.source != "reverts" or summary.error:
        return summary.line()
    n = summary.added
    recorded = (
        "1 revert recorded as an incident" if n == 1 else f"{n:,} reverts recorded as incidents"
    )
    return f"reverts: {recorded}, {summary.updated:,} updated"


def _kind_words(kind: str, n: int) -> str:
    """A kind of row counted ``n`` times: "1 change", "3 deploys", "2 people"."""
    words = kind.replace("_", " ")
    if n == 1:
        return words
    return "people" if words == "person" else f"{words}s"


@dataclass(slots=True)
class SyncRun:
    """The store side of one source's sync: cursors, checkpoints, the few reads a source asks
    for and the tally (the one ``Handoff``, so sources never import this module nor the
    store, and never open the store themselves)."""

    engine: Engine
    org: OrgConfig
    progress: Progress = field(default_factory=NullProgress)
    tally: Tally = field(default_factory=Tally)
    notes: list[str] = field(default_factory=list)

    def note(self, sentence: str) -> None:
        """Say ``sentence`` beside the source's summary line: what its reader should know
        of what was read (a shallow clone's cut history), not a failure."""
        self.notes.append(sentence)

    def cursor(self, source: str, scope: str = "") -> Cursor:
        """The saved cursor of ``source`` (in ``scope``, e.g. a repository), or an empty one."""
        with Session(self.engine) as session:
            row = session.exec(
                select(SyncState).where(
                    col(SyncState.source) == source, col(SyncState.scope) == scope
                )
            ).first()
            return Cursor(row.cursor, row.watermark) if row else Cursor()

    def checkpoint(
        self,
        source: str,
        scope: str = "",
        *,
        cursor: Cursor | None = None,
        people: Sequence[SourcePerson] = (),
        names: Sequence[SourcePerson] = (),
        changes: Sequence[SourceChange] = (),
        deploys: Sequence[SourceDeploy] = (),
        incidents: Sequence[SourceIncident] = (),
        error_budgets: Sequence[SourceErrorBudget] = (),
        budget_samples: Sequence[SourceBudgetSample] = (),
        issues: Sequence[TrackerIssueRecord] = (),
        coverage: Sequence[SourceCoverageTotals] = (),
        change_coverage: Sequence[SourceChangeCoverage] = (),
    ) -> Tally:
        """Upsert the records and save ``cursor`` (when given) in one transaction; ``names``
        sets people's names without counting them (``people`` are counted); a tracker's
        ``issues`` go in before the incidents they make; a budget source's ``budget_samples``
        (the budget left over time) beside its spans; a coverage service's ``coverage``
        (commits' totals) and ``change_coverage`` (stored changes' facts) go in last."""
        with Session(self.engine) as session:
            ingest = Ingest(session, self.org)
            page = Tally()
            # People first: their names are in place before their changes refer to them.
            if people:
                page += ingest.people(people)
            if names:
                # The names of authors the changes below are keyed by (a clone's e-mail
                # addresses): what those changes are called, not records of their own to count.
                ingest.people(names)
            if changes:
                page += ingest.changes(changes)
            if deploys:
                page += ingest.deploys(deploys)
            if issues:
                page += upsert_issues(session, issues)
            if incidents:
                page += ingest.incidents(incidents)
            if error_budgets:
                page += ingest.error_budgets(error_budgets)
            if budget_samples:
                page += save_budget_samples(session, budget_samples)
            if coverage:
                page += save_coverage_totals(session, coverage)
            if change_coverage:
                page += save_change_coverage(session, change_coverage)
            if cursor is not None:
                _save_cursor(session, source, scope, cursor)
            session.commit()
        self.tally += page
        return page

    def save_cursor(self, source: str, scope: str, cursor: Cursor) -> None:
        """Save a cursor alone (an ETag, say) in its own transaction."""
        with Session(self.engine) as session:
            _save_cursor(session, source, scope, cursor)
            session.commit()

    def drop_cursors(self, source: str, scopes: Iterable[str]) -> None:
        """Forget cursors no longer needed, in one transaction, so no row is left to age (the
        sync-age metric reads every row's last update)."""
        wanted = list(scopes)
        if not wanted:
            return
        with Session(self.engine) as session:
            for start in range(0, len(wanted), 900):
                session.execute(
                    delete(SyncState).where(
                        col(SyncState.source) == source,
                        col(SyncState.scope).in_(wanted[start : start + 900]),
                    )
                )
            session.commit()

    def known_changes(self, keys: Iterable[str]) -> set[str]:
        """Those of ``keys`` the store holds a change of."""
        with Session(self.engine) as session:
            return stored_change_keys(session, list(keys))

    def reverts(self) -> list[StoredRevert]:
        """Every merged revert with the change it names, once deploys are linked to their
        changes (and that committed), so a deploy or change read earlier in this sync counts."""
        with Session(self.engine) as session:
            link_deploys(session)
            session.commit()
            return stored_reverts(session)

    def drop_incidents(self, source: str, keys: Sequence[str]) -> list[str]:
        """Delete the stored incidents ``source`` made that are keyed ``keys``, in one
        transaction; the keys deleted."""
        with Session(self.engine) as session:
            dropped = drop_incidents(session, source, keys)
            session.commit()
        return dropped


def _save_cursor(session: Session, source: str, scope: str, cursor: Cursor) -> None:
    row = session.exec(
        select(SyncState).where(col(SyncState.source) == source, col(SyncState.scope) == scope)
    ).first()
    if row is None:
        row = SyncState(source=source, scope=scope, updated_at=utcnow())
    row.cursor = cursor.cursor
    row.watermark = cursor.watermark
    row.updated_at = utcnow()
    session.add(row)


def run_sources(
    engine: Engine,
    org: OrgConfig,
    sources: Iterable[Source],
    progress: Progress | None = None,
    *,
    printed: bool = False,
) -> list[SourceSummary]:
    """Sync each source in turn; a source that fails is reported and the others still run.

    Errors a user can fix (``RiskbriefError``: a refused token, a missing clone)
    become the source's summary line (logged as a warning too, unless ``printed``
    says someone reads the summary lines); anything else is logged with its
    traceback and summarised as an unexpected failure, so one broken source
    never stops the rest.
    """
    out: list[SourceSummary] = []
    for source in sources:
        run = SyncRun(engine, org, progress or NullProgress())
        error: str | None = None
        try:
            source.sync(run)
        except RiskbriefError as exc:
            error = str(exc)
            # A printed summary line already says it; a log line would say it twice.
            (log.info if printed else log.warning)("source_failed", source=source.name, error=error)
        except Exception as exc:
            log.exception("source_crashed", source=source.name)
            error = str(
                SourceError(
                    f"an unexpected {type(exc).__name__} stopped this source; "
                    "the log has the details and the next sync resumes from the last checkpoint"
                )
            )
        finally:
            # HTTP sources hold a connection pool; serve syncs every few minutes.
            close = getattr(source, "close", None)
            if callable(close):
                close()
        t = run.tally
        kinds = tuple(sorted(t.added_kinds.items()))
        for sentence in run.notes:
            # A printed note is read there; a scheduled sync's goes to the log.
            (log.info if printed else log.warning)("source_note", source=source.name, note=sentence)
        out.append(
            SourceSummary(
                source.name, t.added, t.updated, t.skipped, error, kinds, tuple(run.notes)
            )
        )
    if any(s.added or s.updated for s in out):
        refresh_statistics(engine)
    return out


def record_deploy(session: Session, org: OrgConfig, record: SourceDeploy) -> bool:
    """Upsert a deploy CI reported (``data.sources.ci_deploys.parse_report`` read it); True
    when it is new, False when the same report came before."""
    tally = Ingest(session, org).deploys([record])
    return tally.added == 1
