"""What a source hands the sync, and through what: its cursor, its records, its notes.

A source reads its cursor, fetches a page, and hands the page's records and its
new cursor to ``Handoff.checkpoint``; ``data.sync.SyncRun`` is the one
``Handoff``, writing both in one transaction. What little a source must know of
the store it asks the ``Handoff`` too, through a narrow read (``known_changes``;
the revert rule's ``reverts``), and never opens the store itself. This module
sits at the foot of ``data/`` with the values it names, so a source (or a rule
run as one) imports this and never the sync above it, nor the store below it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from data.tally import Tally

if TYPE_CHECKING:
    from data.config import OrgConfig
    from data.reverts import StoredRevert
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
    from data.tracker_issue import TrackerIssueRecord

__all__ = ["Cursor", "Handoff", "Progress", "Source"]


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a source stopped: an opaque ``cursor`` and a time ``watermark``, either unset."""

    cursor: str | None = None
    watermark: datetime | None = None


class Progress(Protocol):
    """Where a sync reports how far it got (a progress bar on a terminal, nothing elsewhere)."""

    def advance(self, source: str, count: int, unit: str) -> None:
        """``count`` more ``unit`` (e.g. "PRs") of ``source`` were read."""


class Handoff(Protocol):
    """The sync as a source sees it: the organisation, cursors, checkpoints and the tally."""

    @property
    def org(self) -> OrgConfig:
        """The organisation the records are read for (services, teams, first sync)."""
        ...

    @property
    def progress(self) -> Progress:
        """Where the source says how far it got."""
        ...

    tally: Tally

    def note(self, sentence: str) -> None:
        """Say ``sentence`` beside the source's summary line (not a failure)."""
        ...

    def cursor(self, source: str, scope: str = "") -> Cursor:
        """The saved cursor of ``source`` (in ``scope``, e.g. a repository), or an empty one."""
        ...

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
        """Store the records and save ``cursor`` (when given) in one transaction."""
        ...

    def save_cursor(self, source: str, scope: str, cursor: Cursor) -> None:
        """Save a cursor alone (an ETag, say) in its own transaction."""
        ...

    def drop_cursors(self, source: str, scopes: Iterable[str]) -> None:
        """Forget cursors no longer needed, in one transaction."""
        ...

    def known_changes(self, keys: Iterable[str]) -> set[str]:
        """Those of ``keys`` the store holds a change of (facts from a coverage service attach
        to a stored change only)."""
        ...

    def reverts(self) -> Sequence[StoredRevert]:
        """Every merged revert in the store with the change it names, deploys linked to their
        changes first (what ``data.rules.revert_incidents`` reads)."""
        ...

    def drop_incidents(self, source: str, keys: Sequence[str]) -> list[str]:
        """Delete the stored incidents ``source`` made that are keyed ``keys``, in one
        transaction; the keys deleted."""
        ...


class Source(Protocol):
    """An outside system that ``riskbrief sync`` reads incrementally."""

    @property
    def name(self) -> str:
        """A short name for the summary line and the cursor, e.g. ``github acme/shop``."""
        ...

    def sync(self, run: Handoff) -> None:
        """Read what changed since the saved cursor and checkpoint it page by page."""
        ...
