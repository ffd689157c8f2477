"""Tracker issues in the store: written by the tracker sources, read as the bug list scoring uses.

``upsert_issues`` writes ``TrackerIssueRecord`` values on ``(source, key)``.
``tracker_bugs`` reads them back as what decides a fix: the keys of bug issues,
and the changes known to fix one without naming its key in their title — those
the tracker links to a bug (Linear attachments, Jira remote links), those whose
branch names a bug's key (``fix/PROJ-12-login``), and those whose title or body
references a GitHub issue with a bug label (``Fixes #12``, ``owner/repo#12``,
or the issue's URL).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from data.store.tables import Change, TrackerIssue
from data.tally import Tally
from data.tracker_issue import TrackerIssueRecord
from scoring.change_key import ChangeKey

__all__ = ["TrackerBugs", "github_references", "tracker_bugs", "upsert_issues"]

_FIELDS = (
    "title",
    "url",
    "issue_type",
    "labels",
    "status",
    "priority",
    "severity",
    "is_bug",
    "is_incident",
    "opened_at",
    "updated_at",
    "resolved_at",
    "resolution",
    "linked_changes",
    "status_changes",
)
# ``#12``, ``owner/repo#12`` and ``https://github.com/owner/repo/issues/12``, whether or
# not a closing word ("Fixes", "Closes", "Resolves") comes first: a referenced issue counts.
_REFERENCE = re.compile(
    r"(?<![\w/.-])(?P<repo>[\w.-]+/[\w.-]+)#(?P<number>\d+)\b"
    r"|(?<![\w&/#])#(?P<bare>\d+)\b"
    r"|https?://github\.com/(?P<url_repo>[\w.-]+/[\w.-]+)/issues/(?P<url_number>\d+)\b"
)
_KEY = re.compile(r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9]+-\d+)(?![0-9])")
# A squash merge's "(#123)" names the pull request itself.
_SQUASH_SUFFIX = re.compile(r"\s*\(#\d+\)\s*$")
_CHUNK = 900


def _row_values(record: TrackerIssueRecord) -> dict[str, object]:
    return {
        "title": record.title,
        "url": record.url,
        "issue_type": record.issue_type,
        "labels": list(record.labels),
        "status": record.status,
        "priority": record.priority,
        "severity": record.severity,
        "is_bug": record.is_bug,
        "is_incident": record.is_incident,
        "opened_at": record.opened_at,
        "updated_at": record.updated_at,
        "resolved_at": record.resolved_at,
        "resolution": record.resolution,
        "linked_changes": list(record.linked_changes),
        "status_changes": [
            [s.at.isoformat(), s.from_status, s.to_status] for s in record.status_changes
        ],
    }


def upsert_issues(session: Session, records: Iterable[TrackerIssueRecord]) -> Tally:
    """Insert or update each record by ``(source, key)``; the caller commits.

    The same key twice in one batch keeps the later record.
    """
    latest: dict[tuple[str, str], TrackerIssueRecord] = {}
    for record in records:
        latest[(record.source, record.key)] = record
    tally = Tally()
    by_source: dict[str, list[str]] = {}
    for source, key in latest:
        by_source.setdefault(source, []).append(key)
    existing: dict[tuple[str, str], TrackerIssue] = {}
    for source, keys in by_source.items():
        for start in range(0, len(keys), _CHUNK):
            rows = session.exec(
                select(TrackerIssue).where(
                    col(TrackerIssue.source) == source,
                    col(TrackerIssue.key).in_(keys[start : start + _CHUNK]),
                )
            )
            existing.update({(r.source, r.key): r for r in rows})
    for ident, record in latest.items():
        values = _row_values(record)
        row = existing.get(ident)
        if row is None:
            row = TrackerIssue(
                source=record.source,
                key=record.key,
                opened_at=record.opened_at,
                updated_at=record.updated_at,
            )
            for name, value in values.items():
                setattr(row, name, value)
            session.add(row)
            tally.add("tracker_issue")
            continue
        if any(getattr(row, name) != values[name] for name in _FIELDS):
            for name, value in values.items():
                setattr(row, name, value)
            session.add(row)
            tally.updated += 1
    return tally


@dataclass(frozen=True, slots=True)
class TrackerBugs:
    """What the stored tracker issues say about fixes: bug keys and changes that fix one."""

    keys: frozenset[str]
    changes: frozenset[str]


def github_references(repository: str, text: str) -> set[str]:
    """The GitHub issue keys (``owner/repo#12``) ``text`` of a change of ``repository`` names."""
    out: set[str] = set()
    for found in _REFERENCE.finditer(text):
        if found["url_repo"]:
            out.add(f"{found['url_repo']}#{found['url_number']}")
        elif found["repo"]:
            out.add(f"{found['repo']}#{found['number']}")
        elif repository:
            out.add(f"{repository}#{found['bare']}")
    return out


def _repository_of(change_key: str) -> str:
    # Every form of key names its repository: ``owner/repo#7``, ``group/p!7``, ``repo@sha``.
    key = ChangeKey.parse(change_key)
    return key.repository if key is not None else ""


def tracker_bugs(session: Session) -> TrackerBugs:
    """The stored bug issues' keys, and the keys of the changes known to fix one of them."""
    bugs = session.execute(
        sa.select(col(TrackerIssue.source), col(TrackerIssue.key), col(TrackerIssue.linked_changes))
        .where(col(TrackerIssue.is_bug))
        .order_by(col(TrackerIssue.id))
    ).all()
    if not bugs:
        return TrackerBugs(frozenset(), frozenset())
    keys = frozenset(key.upper() for source, key, _ in bugs if source != "github")
    github = frozenset(key.lower() for source, key, _ in bugs if source == "github")
    changes: set[str] = {c for _, _, linked in bugs for c in linked or ()}
    projects = frozenset(k.rsplit("-", 1)[0] for k in keys)
    if projects:
        rows = session.execute(
            sa.select(col(Change.key), col(Change.head_branch)).where(
                col(Change.head_branch).is_not(None)
            )
        )
        for change_key, branch in rows:
            for found in _KEY.finditer(branch or ""):
                if found.group(1).upper() in keys:
                    changes.add(change_key)
                    break
    if github:
        rows = session.execute(sa.select(col(Change.key), col(Change.title), col(Change.body)))
        for change_key, title, body in rows:
            text = f"{_SQUASH_SUFFIX.sub('', title or '')}\n{body or ''}"
            if "#" not in text and "/issues/" not in text:
                continue
            named = github_references(_repository_of(change_key), text)
            if any(ref.lower() in github for ref in named):
                changes.add(change_key)
    return TrackerBugs(keys, frozenset(changes))
