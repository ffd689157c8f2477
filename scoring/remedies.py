"""The advice a change can be re-scored with: its facts with the advice applied (``REMEDIES``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from zoneinfo import ZoneInfo

from scoring.config import ScoringConfig
from scoring.facts import ChangeFacts, FileChange, Review, ReviewState
from scoring.history import subsystem_of
from scoring.paths import path_kinds
from scoring.timing import timing_points

__all__ = [
    "REMEDIES",
    "TEST_LINES",
    "Remedy",
    "approved_by",
    "code_owner",
    "halved",
    "largest_part",
    "test_beside",
]


def _half(lines: int | None) -> int | None:
    return None if lines is None else (lines + 1) // 2


def halved(change: ChangeFacts) -> ChangeFacts:
    """One half of the change: every file with half its lines (rounded up)."""
    files = tuple(
        replace(
            f,
            added=(f.added + 1) // 2,
            deleted=(f.deleted + 1) // 2,
            code_added=_half(f.code_added),
            code_deleted=_half(f.code_deleted),
        )
        for f in change.files
    )
    return replace(change, files=files)


def largest_part(change: ChangeFacts, _config: ScoringConfig) -> ChangeFacts | None:
    """The change cut down to its busiest service or top-level directory; ``None`` if one only."""
    lines: Counter[str] = Counter()
    for f in change.files:
        lines[subsystem_of(f.path, f.service)] += f.added + f.deleted + 1
    if len(lines) < 2:
        return None
    top = min(lines, key=lambda s: (-lines[s], s))
    files = tuple(f for f in change.files if subsystem_of(f.path, f.service) == top)
    return replace(change, files=files)


# Lines the tried test file adds: a small test beside the code, not a free pass.
TEST_LINES = 20


def test_beside(source: FileChange) -> FileChange:
    """A small test file (``TEST_LINES``) beside ``source``, in its folder's ``tests/``."""
    folder, _, name = source.path.rpartition("/")
    stem = name.rpartition(".")[0] or name
    ext = name.rpartition(".")[2] if "." in name else "py"
    path = f"{folder + '/' if folder else ''}tests/test_{stem}.{ext}"
    # A folder the path rules read otherwise (a test under ``docs/``) gets a root test.
    if not path_kinds(path).test:
        path = f"tests/test_{stem}.{ext}"
    return FileChange(path, TEST_LINES, 0, source.service, source.owners)


def _with_test(change: ChangeFacts, _config: ScoringConfig) -> ChangeFacts | None:
    """The change with a small test file beside its largest source file."""
    sources = [f for f in change.files if not path_kinds(f.path).test]
    if not sources:
        return None
    biggest = max(sources, key=lambda f: (f.added + f.deleted, f.path))
    return replace(change, files=(*change.files, test_beside(biggest)))


def code_owner(change: ChangeFacts) -> str | None:
    """The owner CODEOWNERS names for most of the touched files, other than the author."""
    counts: Counter[str] = Counter()
    author = change.author.lower()
    for f in change.files:
        for owner in f.owners or ():
            if owner.removeprefix("@").lower() != author:
                counts[owner] += 1
    if not counts:
        return None
    return min(counts, key=lambda o: (-counts[o], o))


def approved_by(change: ChangeFacts, owner: str | None) -> ChangeFacts:
    """The change approved by a human (the code owner when there is one) a day after opening."""
    reviewer = owner.removeprefix("@").lower() if owner else "a-human-reviewer"
    at = change.merged_at
    review = Review(reviewer, ReviewState.APPROVED, at - timedelta(days=1))
    # Opened two days before: an approval a day later is no rubber stamp at any size.
    return replace(
        change,
        reviews=(*change.reviews, review),
        reviews_known=True,
        opened_at=change.opened_at or at - timedelta(days=2),
    )


def _without_migration(change: ChangeFacts, _config: ScoringConfig) -> ChangeFacts | None:
    """The change with its schema migrations left out (to be shipped on their own)."""
    files = tuple(f for f in change.files if not path_kinds(f.path).migration)
    return replace(change, files=files) if files and len(files) < len(change.files) else None


def _owned(change: ChangeFacts, _config: ScoringConfig) -> ChangeFacts:
    """The change with a CODEOWNERS owner for every file no rule covered."""
    files = tuple(replace(f, owners=("@owner",)) if f.owners == () else f for f in change.files)
    return replace(change, files=files)


def _in_working_hours(change: ChangeFacts, config: ScoringConfig) -> ChangeFacts | None:
    """The change merged at the next mid-morning the timing signal finds quiet."""
    zone = ZoneInfo(config.timezone)
    local = change.merged_at.astimezone(zone)
    start = config.working_hours[0]
    for day in range(1, 15):
        candidate = (local + timedelta(days=day)).replace(
            hour=min(23, start + 1), minute=0, second=0, microsecond=0
        )
        at = candidate.astimezone(change.merged_at.tzinfo)
        if timing_points(at, config)[0] == 0.0:
            return replace(change, merged_at=at)
    return None


# A re-score: the change with the advice applied, or ``None`` where it does not apply.
Remedy = Callable[[ChangeFacts, ScoringConfig], "ChangeFacts | None"]


# The re-scores that can be tried on the facts, by signal or gate, and how they are described.
REMEDIES: dict[str, tuple[Remedy, str]] = {
    "size": (lambda c, _cfg: halved(c), "re-scored with every file's lines halved"),
    "large_change": (lambda c, _cfg: halved(c), "re-scored with every file's lines halved"),
    "diffusion": (
        largest_part,
        "re-scored with only the files of its busiest service or directory",
    ),
    "tests": (_with_test, f"re-scored with a {TEST_LINES}-line test file"),
    "schema_migration": (_without_migration, "re-scored without the migration"),
    "timing": (_in_working_hours, "re-scored as merged at the next quiet working hour"),
    "codeowners": (_owned, "re-scored with every uncovered file owned"),
}
