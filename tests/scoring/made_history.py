"""A small made history whose changes reach every branch of the scorer: the speed work's check.

The benchmark's synthetic changes (``bench.scoring.synthetic_changes``) are all code
files of one kind; here every few of them is turned into another kind of change a real
history has (a lock file, docs only, lines of code read from the text, a bot's or an
unknown author's change, a revert or hotfix, a migration, a very large change, a file
outside any service), with incidents and deploys behind the service signals.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bench.scoring import synthetic_changes
from scoring.config import ScoringConfig
from scoring.facts import ChangeFacts, DeployFacts, FileChange, IncidentFacts
from scoring.history import History

__all__ = ["CHANGES", "made_changes", "made_history"]

CHANGES = 120


def _varied(i: int, change: ChangeFacts) -> ChangeFacts:
    """Change ``i`` of the synthetic ones, made into one of a real history's kinds."""
    files = change.files
    first = files[0]
    kind = i % 12
    if kind == 1:
        # A lock file and a vendored one beside the code: no size, no spread.
        files = (
            *files,
            FileChange("uv.lock", 400, 380, first.service),
            FileChange("vendor/x.js", 9, 0),
        )
    elif kind == 2:
        # Docs and tests only: no code, capped at moderate.
        files = (
            FileChange("docs/guide.md", 40, 3),
            FileChange("tests/test_guide.py", 12, 1, None, ()),
        )
    elif kind == 3:
        # Lines of code read from the text: comments and blank lines out.
        files = tuple(
            replace(f, code_added=f.added // 2, code_deleted=f.deleted // 3) for f in files
        )
    elif kind == 4:
        return replace(change, author="dependabot[bot]", author_is_bot=True, reviews=())
    elif kind == 5:
        return replace(change, author="", is_revert=True)
    elif kind == 6:
        return replace(change, is_hotfix=True)
    elif kind == 7:
        files = (*files, FileChange("db/migrations/0007_add.sql", 20, 0, first.service))
    elif kind == 8:
        files = (replace(first, added=first.added + 1_500), *files[1:])
    elif kind == 9:
        # Outside any service: its subsystem is its top-level directory.
        files = tuple(replace(f, service=None, owners=None) for f in files)
    elif kind == 10:
        files = (
            *files,
            FileChange("pyproject.toml", 3, 1, first.service),
            FileChange("README.md", 0, 0),
        )
    return replace(change, files=files)


def made_changes(n: int = CHANGES) -> Iterator[ChangeFacts]:
    """``n`` changes in merge order, deterministic: one every seven hours or so, so that
    they fall on nights and weekends and files and authors age between them."""
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    for i, change in enumerate(synthetic_changes(n, seed=7)):
        at = start + timedelta(hours=7 * i, minutes=13 * (i % 5))
        reviews = tuple(replace(r, submitted_at=at - timedelta(minutes=30)) for r in change.reviews)
        timed = replace(change, merged_at=at, opened_at=at - timedelta(hours=2), reviews=reviews)
        yield _varied(i, timed)


def made_history(config: ScoringConfig, changes: list[ChangeFacts]) -> History:
    """A history with incidents and deploys over the span of ``changes``, nothing recorded yet."""
    start, end = changes[0].merged_at, changes[-1].merged_at
    step = (end - start) / 8
    history = History(lookback_days=config.incident_lookback_days)
    incidents = [
        IncidentFacts(f"INC-{k}", f"svc{k % 3}", "outage", start + step * k, deploy_key=f"D-{k}")
        for k in range(1, 8)
    ]
    deploys = [
        DeployFacts(
            f"D-{k}",
            f"svc{k % 3}",
            "production",
            start + step * k - timedelta(minutes=5),
            succeeded=k % 4 != 0,
        )
        for k in range(1, 8)
    ]
    history.add_incidents(incidents)
    history.add_deploys(deploys, incidents)
    history.add_error_budget_exhaustions([("svc0", start + step * 5, start + step * 6)])
    return history
