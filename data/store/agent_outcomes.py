"""What became of stored changes, for agents' and people's changes by kind of work.

For each change asked: its kind of work and lines of code (``data.store.work_kinds``),
whether a later merged change reverted it, and whether it is **linked to an incident**,
which here means one plain thing (docs/briefing.md, "Agents' outcomes by kind of work"):

- the team confirmed it as an incident's culprit (the members' verdict in Slack,
  ``data.store.team_word``), or
- a revert of it made an incident (``data.rules.revert_incidents``: the revert came after
  it reached production, keyed ``revert:<the reverting change>``).

A production deploy that shipped it being followed by an incident is not enough: a deploy
ships many changes, and only the team's word or a revert says which one broke. Later fixes
(SZZ) need a local clone; the caller passes what SZZ blamed per repository it ran over, and
a change of any other repository has its later fixes unknown (``None``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import sqlalchemy as sa
from sqlmodel import Session, col

from data.store.among import among
from data.store.confirmations import confirmations_on
from data.store.tables import (
    Change,
    ChangeState,
    CulpritConfirmation,
    Incident,
    Repository,
)
from data.store.team_word import team_word
from data.store.work_kinds import StoredWork, change_work
from scoring.agent_outcomes import ChangeOutcome
from scoring.facts import REVERT_INCIDENT

__all__ = ["REVERT_INCIDENT", "change_outcome_facts", "later_fixes"]

# Keys per query: well under SQLite's smallest bound-parameter limit (999).
_CHUNK = 500


def change_outcome_facts(
    session: Session,
    keys: Collection[str],
    later_fixed: Mapping[str, frozenset[str]] | None = None,
    version: str | None = None,
    work: Mapping[str, StoredWork] | None = None,
) -> dict[str, ChangeOutcome]:
    """Each stored change of ``keys`` with its kind, lines of code and outcomes.

    ``later_fixed`` maps a repository's name to the changes SZZ blamed in it, for the
    repositories SZZ ran over; ``None`` (or a repository not in it) leaves later fixes
    unknown. ``work`` holds kinds and lines of code already read (a week's window reads them
    with its scores); the others are read as ``version``'s scores keep them, or classified
    (``change_work``).
    """
    asked = set(keys)
    kinds = {key: w for key, w in (work or {}).items() if key in asked}
    kinds |= change_work(session, asked - kinds.keys(), version)
    wanted = sorted(kinds)
    conn = session.connection()
    reverted: set[str] = set()
    by_revert: set[str] = set()
    words: list[CulpritConfirmation] = []
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        # The state is read, not asked: SQLite without statistics would walk every merged
        # change by ix_change_state rather than the few reverts by ix_change_reverts_key.
        for target, state, revert_incident in conn.execute(
            sa.select(col(Change.reverts_key), col(Change.state), col(Incident.key))
            .outerjoin(Incident, col(Incident.key) == sa.literal(REVERT_INCIDENT) + col(Change.key))
            .where(among(conn, col(Change.reverts_key), chunk))
        ):
            if target is None or state != ChangeState.MERGED:
                continue
            reverted.add(target)
            if revert_incident is not None:
                by_revert.add(target)
        # Chunked too: a change's every word is in its chunk, so each verdict is whole.
        words += confirmations_on(session, chunk)
    confirmed = {c for _, c in team_word(words).confirmed}
    fixed = later_fixes(session, wanted, later_fixed)
    return {
        key: ChangeOutcome(
            kind=w.kind,
            source_lines=w.source_lines,
            reverted=key in reverted,
            incident=key in by_revert or key in confirmed,
            later_fixed=fixed.get(key),
        )
        for key, w in kinds.items()
    }


def later_fixes(
    session: Session, keys: Collection[str], blamed: Mapping[str, frozenset[str]] | None
) -> dict[str, bool]:
    """Whether SZZ blamed each change of ``keys`` whose repository it ran over (``blamed``:
    a repository's name to the changes blamed in it); the others are left out: not known."""
    if not blamed:
        return {}
    wanted = sorted(set(keys))
    out: dict[str, bool] = {}
    conn = session.connection()
    for start in range(0, len(wanted), _CHUNK):
        for key, repository in conn.execute(
            sa.select(col(Change.key), col(Repository.name))
            .join(Repository, col(Repository.id) == col(Change.repository_id))
            .where(among(conn, col(Change.key), wanted[start : start + _CHUNK]))
        ):
            if repository in blamed:
                out[key] = key in blamed[repository]
    return out
