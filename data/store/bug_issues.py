"""The tracker's bug issues: a file the user exports (a key list or a Jira CSV), and the store.

``known_bug_issues`` is what scoring uses: the file's keys (so an offline setup
keeps working) united with the bugs the tracker sources stored, and the changes
those tie to a bug (``data.store.tracker.tracker_bugs``).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlmodel import Session

from data.config import OrgConfig
from data.store.engine import make_engine, sqlite_file
from data.store.migrate import is_current
from data.store.tracker import tracker_bugs
from scoring.errors import ConfigError, RiskbriefError
from scoring.fixes import NO_BUG_ISSUES, BugIssues

__all__ = ["known_bug_issues", "load_bug_issues", "read_bug_issues", "stored_bug_issues"]


def read_bug_issues(path: Path) -> BugIssues:
    """Bug issue keys from ``path``: one key per line, or a CSV with an ``Issue key`` column.

    In a CSV export that has an ``Issue Type`` column, only rows of type ``Bug``
    count, so an export of every issue type works as well as one of bugs only.
    Raises ``ConfigError`` saying what to fix when the file cannot be read.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"scoring.bug_issues: {path} cannot be read ({exc}); "
            "give a UTF-8 file of bug issue keys, one per line, or a Jira CSV export"
        ) from None
    first = text.split("\n", 1)[0]
    if "issue key" not in first.lower():
        keys = {line.split("#", 1)[0].strip() for line in text.splitlines()}
        return BugIssues(frozenset(k for k in keys if k))
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader)]
    key_at = header.index("issue key")
    type_at = header.index("issue type") if "issue type" in header else None
    keys = set()
    for row in reader:
        if len(row) <= key_at:
            continue
        if type_at is not None and (len(row) <= type_at or row[type_at].strip().lower() != "bug"):
            continue
        keys.add(row[key_at])
    return BugIssues(frozenset(keys))


def load_bug_issues(org: OrgConfig) -> BugIssues:
    """The bug issues ``riskbrief.toml`` points at (``[scoring] bug_issues``), or none."""
    path = org.scoring.bug_issues
    return NO_BUG_ISSUES if path is None else read_bug_issues(Path(path))


def known_bug_issues(session: Session, org: OrgConfig) -> BugIssues:
    """The ``[scoring] bug_issues`` file's bugs united with the trackers' stored bugs."""
    from_file = load_bug_issues(org)
    stored = tracker_bugs(session)
    if not stored.keys and not stored.changes:
        return from_file
    return BugIssues(from_file.keys | stored.keys, from_file.changes | stored.changes)


def stored_bug_issues(org: OrgConfig, database_url: str) -> BugIssues:
    """``known_bug_issues`` from the store at ``database_url``, for commands that may run
    without one (``backtest --repo``): the file's bugs alone when there is no store at that
    address or it is not migrated."""
    engine = make_engine(database_url)
    try:
        path = sqlite_file(engine)
        # Opening a missing SQLite file would create it; a backtest leaves nothing behind.
        if (path is not None and not path.exists()) or not is_current(engine):
            return load_bug_issues(org)
        with Session(engine) as session:
            return known_bug_issues(session, org)
    except RiskbriefError:
        return load_bug_issues(org)
    finally:
        engine.dispose()
