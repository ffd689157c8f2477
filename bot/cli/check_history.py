"""The history ``riskbrief check`` scores a change against: the store's as it is now, or
without a store the clone's own git history, and the organisation file that configures it."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from data.config import OrgConfig
    from scoring.config import ScoringConfig
    from scoring.history import History
    from scoring.proposal import Proposal

__all__ = ["HistoryRead", "as_stored", "from_clone", "from_store", "org_file", "store_url"]


@dataclass(frozen=True, slots=True)
class HistoryRead:
    """The history a proposal is scored against, and where it came from."""

    history: History
    config: ScoringConfig
    source: str
    changes: int
    where: str
    # The store's name for an author, or None when it holds no change of theirs.
    author_as_stored: Callable[[str], str | None] | None = None


def org_file(config: Path | None, default: Path) -> OrgConfig | None:
    """The organisation file: the one named (which must exist), else ./riskbrief.toml if present."""
    from data.config import load_org_config

    # A file named on the command line or in RISKBRIEF_CONFIG must exist; ./riskbrief.toml may not.
    if config is not None or os.environ.get("RISKBRIEF_CONFIG", "").strip():
        return load_org_config(config or default)
    return load_org_config(default) if default.exists() else None


def store_url(given: str | None, configured: str) -> str | None:
    """The store to read, or ``None`` for none: a default SQLite file that does not exist.

    ``configured`` is the settings' store, the default file already read from the folder of
    riskbrief.toml; only a store named in RISKBRIEF_DATABASE_URL must exist.
    """
    from data.store.engine import sqlite_file

    if given is not None:
        return given
    # An empty variable is how CI passes a secret that is not set (a fork's pull request):
    # no store was named, so the clone's own history is read.
    if os.environ.get("RISKBRIEF_DATABASE_URL", "").strip() != "":
        return configured
    from data.store.engine import make_engine

    engine = make_engine(configured)
    try:
        path = sqlite_file(engine)
    finally:
        engine.dispose()
    return configured if path is None or path.exists() else None


def from_store(
    url: str, org: OrgConfig, proposal: Proposal, clone: Path | None
) -> tuple[HistoryRead, Proposal]:
    """The store's history, and the proposal with the coverage report at its head if one is
    stored (as the pull request will be scored once merged)."""
    from bot.composition.pipeline import ready_engine
    from data.rules.coverage import added_lines
    from data.store.engine import session_scope, shown_url
    from data.store.history import read_history, with_coverage

    engine = ready_engine(url)
    try:
        with session_scope(engine) as session:
            stored = read_history(session, org)
            added = None
            if clone is not None and proposal.base and proposal.head:
                added = added_lines(clone, proposal.base, proposal.head)
            change = with_coverage(
                session, proposal.change, proposal.head, base_sha=proposal.base, added=added
            )
        where = shown_url(engine)
    finally:
        engine.dispose()
    read = HistoryRead(
        stored.history, stored.config, "store", stored.changes, where, stored.author_as_stored
    )
    return read, replace(proposal, change=change)


def from_clone(path: Path | None, rev: str | None, org: OrgConfig | None) -> HistoryRead:
    """The clone's own git history up to ``rev``, or none without a clone."""
    from data.sources.local_git.history import clone_history
    from scoring.config import ScoringConfig
    from scoring.history import History

    config = org.scoring_config() if org is not None else ScoringConfig()
    # The clone says nothing of incidents: the service's incident history is unknown.
    config = replace(config, incidents_known=False)
    if path is None or rev is None:
        return HistoryRead(History(config.incident_lookback_days), config, "none", 0, "no history")
    history, n = clone_history(path, rev, org, config=config)
    return HistoryRead(history, config, "git", n, f"the git history of {path}")


def as_stored(proposal: Proposal, read: HistoryRead, given: bool) -> Proposal:
    """The proposal under its author's name in the store (a GitHub login for a noreply
    address), or a note that the store holds no change of theirs."""
    if read.author_as_stored is None:
        return proposal
    author = proposal.change.author
    stored = read.author_as_stored(author)
    if stored is None:
        hint = "" if given else "; pass --author with the name the store knows them by"
        note = f"the store holds no earlier change by {author}, so they count as new{hint}"
        return replace(proposal, notes=(*proposal.notes, note))
    if stored == author:
        return proposal
    return replace(proposal, change=replace(proposal.change, author=stored))
