"""A change's coverage facts, worked out from the reports stored for its commits (a rule over
the store, run before scoring like ``data.rules.linking``).

For each change with a report at its head (its commit, or its pull request's
merge or head commit):
- **patch coverage**: covered ÷ coverable lines among the lines it *added*.
  The added line numbers come from ``git diff -U0`` of the change in its clone
  (first parent to the change's commit). A change seen only through GitHub has
  no clone: its patch coverage is the one Codecov's pull-request comparison
  gave (``data.sources.codecov``), or unknown;
- **coverage delta**: the touched files' line coverage at its head minus at its
  base (the report of its parent commit, else of the latest earlier change of
  the repository that has one), in percentage points;
- **service coverage**: the line coverage of its main service's files at its
  head, which the weekly card compares week over week.
"""

from __future__ import annotations

import re
import subprocess
from collections import defaultdict
from collections.abc import Callable, Mapping
from pathlib import Path

import structlog
from sqlmodel import Session, col, select

from data.config import OrgConfig
from data.path_globs import in_globs
from data.store.coverage import AddedLines, StoredCoverage, coverage_facts, load_coverage
from data.store.tables import IS_MERGED, Change, ChangeFile, Repository, Service

__all__ = ["added_lines", "apply_coverage", "clone_added_lines"]

log = structlog.get_logger("riskbrief.coverage")

_EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def clone_added_lines(clone: Path, sha: str) -> tuple[str | None, AddedLines] | None:
    """The parent of ``sha`` and the lines ``sha`` added, by ``git diff -U0``; ``None`` when
    the clone does not have the commit."""
    parent = _git(clone, "rev-parse", "--verify", "--quiet", f"{sha}^1^{{commit}}")
    base = parent.decode().strip() if parent else None
    added = added_lines(clone, base or _EMPTY_TREE, sha)
    return None if added is None else (base, added)


def added_lines(clone: Path, base: str, head: str) -> AddedLines | None:
    """The line numbers the change from ``base`` to ``head`` added, per path (``git diff
    -U0``); ``None`` when git cannot tell (a ref the clone lacks)."""
    out = _git(
        clone,
        "-c",
        "core.quotePath=false",
        "diff",
        "-U0",
        "--no-color",
        "--no-ext-diff",
        "--no-renames",
        "--dst-prefix=b/",
        base,
        head,
    )
    if out is None:
        return None
    added: dict[str, set[int]] = defaultdict(set)
    path: str | None = None
    for line in out.split(b"\n"):
        if line.startswith(b"+++ "):
            # git ends a name holding a space with a tab; /dev/null is a deleted file.
            name = line[4:].decode("utf-8", "replace").removesuffix("\t")
            path = name[2:] if name.startswith("b/") else None
        elif path is not None and line.startswith(b"@@"):
            m = _HUNK.match(line)
            if m is not None:
                start, count = int(m.group(1)), int(m.group(2) or b"1")
                added[path].update(range(start, start + count))
    return {p: frozenset(v) for p, v in added.items()}


def _git(clone: Path, *args: str) -> bytes | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(clone), *args], capture_output=True, check=False, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def apply_coverage(
    session: Session,
    org: OrgConfig,
    added_lines: Callable[[Path, str], tuple[str | None, AddedLines] | None] = clone_added_lines,
) -> int:
    """Work out and store the coverage facts of every merged change with a report at its head;
    the number of changes given facts."""
    reports = load_coverage(session)
    if not reports:
        return 0
    clones = {r.name: Path(r.path).expanduser() for r in org.repositories if r.path}
    repos = {r.id: r.name for r in session.exec(select(Repository)) if r.id is not None}
    services = list(session.exec(select(Service)))
    globs = {s.id: (s.repository_id, s.path_globs) for s in services if s.id is not None}
    by_sha: dict[str, dict[str, StoredCoverage]] = defaultdict(dict)
    for (repo, sha), report in reports.items():
        by_sha[repo][sha] = report
    changes = session.exec(
        select(Change).where(IS_MERGED).order_by(col(Change.merged_at), col(Change.key))
    ).all()
    files_of: dict[int, list[ChangeFile]] = defaultdict(list)
    for f in session.exec(select(ChangeFile)):
        files_of[f.change_id].append(f)
    service_cache: dict[tuple[str, str, int], list[str]] = {}
    last: dict[str, StoredCoverage] = {}
    done = 0
    for change in changes:
        assert change.id is not None
        repo = repos[change.repository_id]
        head = _report_at(by_sha.get(repo, {}), change.sha, change.head_sha)
        if head is None or not head.files:
            # Totals alone (Codecov's commit list): Codecov's comparison gave its facts.
            continue
        files = [f for f in files_of[change.id] if not f.generated]
        touched = [f.path for f in files]
        added: AddedLines | None = None
        base: StoredCoverage | None = None
        clone = clones.get(repo)
        if clone is not None and change.sha:
            read = added_lines(clone, change.sha)
            if read is not None:
                parent, added = read
                base = _report_at(by_sha[repo], parent, None)
        if base is None:
            base = last.get(repo)
        service_files = _service_files(head, files, globs, service_cache)
        facts = coverage_facts(head, base, touched, added, service_files)
        last[repo] = head
        if facts.patch_coverage is not None or change.patch_coverage is None:
            change.patch_coverage = facts.patch_coverage
            change.patch_coverable = facts.patch_coverable
        change.line_coverage_delta = facts.line_coverage_delta
        change.service_coverage = facts.service_coverage
        session.add(change)
        done += 1
    session.flush()
    log.info("coverage.applied", changes=done, reports=len(reports))
    return done


def _report_at(
    reports: Mapping[str, StoredCoverage], sha: str | None, head_sha: str | None
) -> StoredCoverage | None:
    for s in (sha, head_sha):
        if s:
            found = reports.get(s.lower())
            if found is not None:
                return found
    return None


def _service_files(
    head: StoredCoverage,
    files: list[ChangeFile],
    globs: Mapping[int, tuple[int | None, list[str]]],
    cache: dict[tuple[str, str, int], list[str]],
) -> list[str] | None:
    """The report's files of the service with most of the change's lines, or ``None``."""
    lines: dict[int, int] = defaultdict(int)
    for f in files:
        if f.service_id is not None:
            lines[f.service_id] += f.added + f.deleted
    if not lines:
        return None
    service = max(sorted(lines), key=lambda s: lines[s])
    key = (head.repository, head.sha, service)
    if key not in cache:
        patterns = globs.get(service, (None, []))[1]
        cache[key] = [p for p in head.files if in_globs(patterns, p)]
    return cache[key]
