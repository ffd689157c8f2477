"""The tracker's bug issues, read from a file the user exports (a key list or a Jira CSV)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from data.config import OrgConfig
from scoring.errors import ConfigError
from scoring.fixes import NO_BUG_ISSUES, BugIssues

__all__ = ["load_bug_issues", "read_bug_issues"]


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
