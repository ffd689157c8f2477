"""Coverage reports by commit: written once per (repository, commit, origin), read back by file;
and a coverage service's facts of a stored change, written onto it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from data.coverage_report import CoverageReport, decode_lines, encode_lines
from data.source_values import SourceChangeCoverage, SourceCoverageTotals
from data.store.tables import Change, ChangeFile, CoverageReportRow, Repository
from data.tally import Tally

__all__ = [
    "AddedLines",
    "CoverageFacts",
    "StoredCoverage",
    "any_coverage",
    "changed_paths",
    "coverage_facts",
    "load_coverage",
    "repository_row",
    "save_change_coverage",
    "save_coverage_totals",
    "save_report",
    "save_totals",
]


# Per path, the line numbers a change added (in the file as it is after the change).
AddedLines = Mapping[str, frozenset[int]]


@dataclass(frozen=True, slots=True)
class StoredCoverage:
    """One commit's coverage as stored: totals, and per file ``(coverable, covered)`` ranges."""

    repository: str
    sha: str
    origin: str
    recorded_at: datetime
    coverable: int
    covered: int
    files: dict[str, tuple[str, str]]

    def lines(self, path: str) -> tuple[frozenset[int], frozenset[int]] | None:
        """A file's coverable and covered lines, or ``None`` when the report has no such file."""
        found = self.files.get(path)
        if found is None:
            return None
        return decode_lines(found[0]), decode_lines(found[1])


@dataclass(frozen=True, slots=True)
class CoverageFacts:
    """What the reports say about one change; each ``None`` when it cannot be known."""

    patch_coverage: float | None
    patch_coverable: int | None
    line_coverage_delta: float | None
    service_coverage: float | None


def _percent(report: StoredCoverage, paths: list[str]) -> float | None:
    coverable = covered = 0
    for p in paths:
        lines = report.lines(p)
        if lines is not None:
            coverable += len(lines[0])
            covered += len(lines[1])
    return 100.0 * covered / coverable if coverable else None


def coverage_facts(
    head: StoredCoverage,
    base: StoredCoverage | None,
    touched: list[str],
    added: AddedLines | None,
    service_files: list[str] | None,
) -> CoverageFacts:
    """The facts of one change from its head's report, its base's, its files and added lines."""
    patch: float | None = None
    patch_coverable: int | None = None
    if added is not None and head.files:
        coverable = covered = 0
        for path, lines in added.items():
            found = head.lines(path)
            if found is not None:
                coverable += len(lines & found[0])
                covered += len(lines & found[1])
        patch_coverable = coverable
        patch = round(100.0 * covered / coverable, 2) if coverable else None
    delta: float | None = None
    if base is not None and head.files and base.files:
        now, before = _percent(head, touched), _percent(base, touched)
        if now is not None and before is not None:
            delta = round(now - before, 2)
    service: float | None = None
    if service_files is not None:
        pct = _percent(head, service_files)
        service = round(pct, 2) if pct is not None else None
    return CoverageFacts(patch, patch_coverable, delta, service)


def repository_row(session: Session, name: str) -> Repository:
    """The repository named ``name``, created when the store has not met it yet."""
    row = session.exec(select(Repository).where(Repository.name == name)).first()
    if row is None:
        row = Repository(name=name)
        session.add(row)
        session.flush()
    return row


def save_report(
    session: Session,
    repository: str,
    sha: str,
    report: CoverageReport,
    recorded_at: datetime,
    origin: str = "ci",
) -> bool:
    """Store ``report`` as the coverage of ``sha``; True when new, False when it replaced one.

    A second report of the same commit (a CI retry, a re-run) replaces the first whole.
    """
    files = {f.path: [encode_lines(f.coverable), encode_lines(f.covered)] for f in report.files}
    return _upsert(
        session,
        repository,
        sha.lower(),
        origin,
        report.format.value,
        recorded_at,
        report.coverable,
        report.covered,
        files,
    )


def save_totals(
    session: Session,
    repository: str,
    sha: str,
    coverable: int,
    covered: int,
    recorded_at: datetime,
    origin: str = "codecov",
) -> bool:
    """Store a commit's totals alone (Codecov's commit list), keeping any lines stored already."""
    row = _row(session, repository, sha.lower(), origin)
    files = dict(row.files) if row is not None else {}
    return _upsert(
        session, repository, sha.lower(), origin, "totals", recorded_at, coverable, covered, files
    )


def save_coverage_totals(session: Session, totals: Sequence[SourceCoverageTotals]) -> Tally:
    """Store each commit's totals in turn (``save_totals``): a new report is counted added, one
    replaced updated."""
    tally = Tally()
    for t in totals:
        if save_totals(
            session, t.repository, t.sha, t.coverable, t.covered, t.recorded_at, t.origin
        ):
            tally.add("coverage report")
        else:
            tally.updated += 1
    return tally


def save_change_coverage(session: Session, facts: Sequence[SourceChangeCoverage]) -> Tally:
    """Write each change's coverage facts onto it, with its head's totals when given; a change
    counts updated (its head's totals with it), one not in the store skipped."""
    tally = Tally()
    for f in facts:
        change = session.exec(select(Change).where(Change.key == f.key)).first()
        if change is None:
            tally.skipped += 1
            continue
        change.patch_coverage = f.patch_coverage
        change.patch_coverable = f.patch_coverable
        change.line_coverage_delta = f.line_coverage_delta
        session.add(change)
        if f.head is not None:
            h = f.head
            save_totals(
                session, h.repository, h.sha, h.coverable, h.covered, h.recorded_at, h.origin
            )
        tally.updated += 1
    return tally


def changed_paths(session: Session, repository: str) -> set[str] | None:
    """Every path the store has seen changed in ``repository``, ``None`` when it has seen none
    (what a CI report's paths are matched against where there is no clone)."""
    seen = session.exec(
        select(ChangeFile.path)
        .join(Change, col(Change.id) == col(ChangeFile.change_id))
        .join(Repository, col(Repository.id) == col(Change.repository_id))
        .where(Repository.name == repository)
        .distinct()
    ).all()
    return set(seen) or None


def _row(session: Session, repository: str, sha: str, origin: str) -> CoverageReportRow | None:
    return session.exec(
        select(CoverageReportRow)
        .join(Repository, col(Repository.id) == col(CoverageReportRow.repository_id))
        .where(
            Repository.name == repository,
            CoverageReportRow.sha == sha,
            CoverageReportRow.origin == origin,
        )
    ).first()


def _upsert(
    session: Session,
    repository: str,
    sha: str,
    origin: str,
    fmt: str,
    recorded_at: datetime,
    coverable: int,
    covered: int,
    files: dict[str, list[str]],
) -> bool:
    repo = repository_row(session, repository)
    assert repo.id is not None
    row = _row(session, repository, sha, origin)
    new = row is None
    if row is None:
        row = CoverageReportRow(
            repository_id=repo.id, sha=sha, origin=origin, format=fmt, recorded_at=recorded_at
        )
    row.format = fmt
    row.recorded_at = recorded_at
    row.coverable = coverable
    row.covered = covered
    row.files = files
    session.add(row)
    session.flush()
    return new


def any_coverage(session: Session) -> bool:
    """True once any coverage report is stored: the coverage signal then counts."""
    return bool(session.exec(select(func.count()).select_from(CoverageReportRow)).one())


def load_coverage(session: Session) -> dict[tuple[str, str], StoredCoverage]:
    """Every stored report by ``(repository, sha)``; a CI report wins over Codecov's."""
    repos = {r.id: r.name for r in session.exec(select(Repository))}
    out: dict[tuple[str, str], StoredCoverage] = {}
    rows = session.exec(select(CoverageReportRow).order_by(col(CoverageReportRow.origin)))
    for row in rows:
        key = (repos[row.repository_id], row.sha)
        # "ci" sorts before "codecov": the first one seen is kept.
        if key in out and out[key].files:
            continue
        out[key] = StoredCoverage(
            key[0],
            row.sha,
            row.origin,
            row.recorded_at,
            row.coverable,
            row.covered,
            {p: (v[0], v[1]) for p, v in row.files.items()},
        )
    return out
