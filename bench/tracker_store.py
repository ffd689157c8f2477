"""Bug issues through the real Jira source: Jira exports served by the fake Jira into a store.

What ``bench.real_history``'s tracker mode and ``bench.tracker_sync`` share:
``export_issues`` reads Jira CSV exports (ApacheJIT's ``data/20xx.csv``: Issue
Type, Issue key, Summary, Priority, Status, Resolution, Created, Updated) as
issues of the fake Jira (``fakes.jira_server``, real HTTP on 127.0.0.1),
and ``sync_bug_keys`` reads them back through riskbrief's real Jira client and
source into a migrated SQLite store, whose bug list
(``data.store.bug_issues.known_bug_issues``) is what scoring is given.
"""

from __future__ import annotations

import csv
import io
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlmodel import Session

from data.config import parse_org_config
from data.config.sources.jira import JiraSourceConfig
from data.sources.jira.client import JiraClient
from data.sources.jira.source import jira_sources
from data.store.bug_issues import known_bug_issues
from data.store.engine import make_engine
from data.store.migrate import upgrade
from data.sync import SourceSummary, run_sources
from fakes.jira_server import FakeJira, FakeJiraIssue

__all__ = ["TrackerSync", "export_issues", "sync_bug_keys"]

_EMAIL = "bench@example.com"
_TOKEN = "bench-token"
_PAGE = 1000


def _when(text: str) -> datetime | None:
    """A Jira export's time (``30/Sep/15 22:09``), taken as UTC."""
    try:
        return datetime.strptime(text.strip(), "%d/%b/%y %H:%M").replace(tzinfo=UTC)
    except ValueError:
        return None


def export_issues(texts: Iterable[str], held_out: str | None = None) -> list[FakeJiraIssue]:
    """The issues of Jira CSV exports, each key once (its latest row); ``held_out``'s dropped."""
    found: dict[str, FakeJiraIssue] = {}
    for text in texts:
        for row in csv.DictReader(io.StringIO(text)):
            key = (row.get("Issue key") or "").strip().upper()
            if not key or "-" not in key or (held_out and key.startswith(f"{held_out}-")):
                continue
            updated = _when(row.get("Updated") or "") or _when(row.get("Created") or "")
            if updated is None:
                continue
            issue = FakeJiraIssue(
                key,
                updated,
                issue_type=(row.get("Issue Type") or "Task").strip(),
                summary=row.get("Summary") or "",
                created=_when(row.get("Created") or "") or updated,
                priority=(row.get("Priority") or "").strip() or None,
                status=(row.get("Status") or "Open").strip(),
                resolution=(row.get("Resolution") or "").strip() or None,
            )
            old = found.get(key)
            if old is None or old.updated <= issue.updated:
                found[key] = issue
    return list(found.values())


@dataclass(frozen=True, slots=True)
class TrackerSync:
    """One sync's outcome: the bug keys the store holds after it, and what it took."""

    keys: frozenset[str]
    summary: SourceSummary
    seconds: float
    requests: int


def sync_bug_keys(issues: list[FakeJiraIssue], since: date = date(2000, 1, 1)) -> TrackerSync:
    """Serve ``issues`` from a fake Jira Cloud; sync them through the real source; the bug keys."""
    projects = tuple(sorted({i.project for i in issues}))
    with (
        tempfile.TemporaryDirectory() as folder,
        FakeJira("cloud", email=_EMAIL, token=_TOKEN, max_results=_PAGE) as fake,
    ):
        fake.add_issues(issues)
        engine = make_engine(f"sqlite:///{Path(folder) / 'tracker.db'}")
        upgrade(engine)
        org = parse_org_config("")
        config = JiraSourceConfig(
            base_url=fake.base_url, projects=projects, since=since, page_size=_PAGE
        )
        client = JiraClient(config, _TOKEN, _EMAIL)
        started = time.monotonic()
        [summary] = run_sources(engine, org, jira_sources(config, org, client=client))
        seconds = time.monotonic() - started
        if summary.error:
            raise RuntimeError(summary.error)
        with Session(engine) as session:
            keys = known_bug_issues(session, org).keys
        engine.dispose()
    return TrackerSync(keys, summary, seconds, client.requests)
