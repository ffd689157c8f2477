"""Ownership health of some services: declared CODEOWNERS against who changed the code.

Over the last 90 days of merged changes to the services' files: each declared owner with
the share of changes to their files that they made themselves (under 20% is drift: the
file says one owner, the history another), the paths no rule covers ranked by churn,
and a grade from the share of changed files that have an owner. Owners are as each
change's source read CODEOWNERS at the time (``ChangeFile.owners``); a team owner
(``@org/team``) is counted as its files' owner, but whose change it was is compared only
for single people, since riskbrief does not know a code host team's members.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from pydantic import Field
from sqlmodel import Session

from bot.answers.records.models import RecordBase
from data.store.reads.changes import owned_files
from data.store.reads.org import service_ids

__all__ = ["DRIFT_SHARE", "OwnerRow", "Ownership", "PathChurn", "ownership"]

# Below this share of their files' changes, a declared owner has drifted from the code.
DRIFT_SHARE = 20.0
DAYS = 90
_LISTED = 25


class OwnerRow(RecordBase):
    """A declared owner, how many changed files they own, and how many changes were theirs."""

    owner: str
    files: int
    owner_share: float | None = Field(description="Per cent; None for a team owner.")
    drifted: bool


class PathChurn(RecordBase):
    """A path no CODEOWNERS rule covers, and how much it changed."""

    path: str
    lines: int
    changes: int


class Ownership(RecordBase):
    """Owners and uncovered paths of some services over the last 90 days, with a grade."""

    days: int
    changed_files: int
    files_with_owner_data: int
    covered_share: float | None = Field(description="Per cent of changed files with an owner.")
    grade: str = Field(description="A to D by covered share; – without CODEOWNERS data.")
    owners: list[OwnerRow]
    uncovered: list[PathChurn]


def _grade(share: float | None) -> str:
    if share is None:
        return "–"
    return "A" if share >= 90 else "B" if share >= 75 else "C" if share >= 50 else "D"


def ownership(session: Session, services: Sequence[str], now: datetime) -> Ownership:
    """The ownership health of ``services`` (keys) over the 90 days before ``now``."""
    rows = owned_files(session, service_ids(session, services), now, DAYS)
    files: dict[str, int] = defaultdict(int)
    own: dict[str, int] = defaultdict(int)
    churn: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    known = covered = 0
    for path, added, deleted, owners, login in rows:
        if owners is None:
            continue
        known += 1
        if not owners:
            churn[path][0] += added + deleted
            churn[path][1] += 1
            continue
        covered += 1
        for owner in owners:
            files[owner] += 1
            if login and owner.lstrip("@").lower() == login.lower():
                own[owner] += 1
    share = None if not known else round(100.0 * covered / known, 1)
    owner_rows = []
    for owner, n in sorted(files.items(), key=lambda kv: (-kv[1], kv[0])):
        team = "/" in owner or "@" not in owner[:1]
        mine = None if team else round(100.0 * own[owner] / n, 1)
        owner_rows.append(
            OwnerRow(
                owner=owner,
                files=n,
                owner_share=mine,
                drifted=mine is not None and mine < DRIFT_SHARE,
            )
        )
    uncovered = sorted(churn.items(), key=lambda kv: (-kv[1][0], kv[0]))[:_LISTED]
    return Ownership(
        days=DAYS,
        changed_files=len(rows),
        files_with_owner_data=known,
        covered_share=share,
        grade=_grade(share),
        owners=owner_rows[:_LISTED],
        uncovered=[PathChurn(path=p, lines=c[0], changes=c[1]) for p, c in uncovered],
    )
