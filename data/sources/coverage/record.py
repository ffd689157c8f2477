"""A coverage report sent by CI, checked once for both ways in (``riskbrief coverage record``
and ``POST /coverage``) and stored as the coverage of one commit.

The report is read whole before the store is touched, so a refused report
(too big, truncated, a bomb, no file in the repository) leaves nothing behind.
Its paths are matched against the repository's files at that commit when the
repository has a local clone (``git ls-tree``), else against the paths the
store has seen changed in it, else kept as they are once made relative.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, col, select

from data.config import OrgConfig
from data.coverage_report import CoverageFormat
from data.sources.coverage.paths import PathMapper
from data.sources.coverage.read import read_report
from data.store.coverage import save_report
from data.store.tables import Change, ChangeFile, Repository
from scoring.errors import ConfigError

__all__ = ["CoverageUpload", "RecordedCoverage", "parse_format", "record_coverage"]

_SHA = re.compile(r"^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$")


@dataclass(frozen=True, slots=True)
class CoverageUpload:
    """What CI says about a report: its commit, repository, format and build path prefix."""

    sha: str
    repository: str | None = None
    format: CoverageFormat | None = None
    strip_prefix: str | None = None


@dataclass(frozen=True, slots=True)
class RecordedCoverage:
    """What was stored: the repository and commit, the totals, and the paths left out."""

    repository: str
    sha: str
    new: bool
    format: CoverageFormat
    files: int
    coverable: int
    covered: int
    ignored: tuple[str, ...]

    @property
    def percent(self) -> float | None:
        """Line coverage in percent, ``None`` when nothing was coverable."""
        return 100.0 * self.covered / self.coverable if self.coverable else None


def parse_format(value: str | None) -> CoverageFormat | None:
    """``cobertura``, ``lcov`` or ``jacoco`` (any case), ``None`` to detect; else a sentence."""
    if value is None or value == "":
        return None
    try:
        return CoverageFormat(value.lower())
    except ValueError:
        raise ConfigError(
            f"unknown coverage format {value[:40]!r}; use cobertura, lcov or jacoco"
        ) from None


def _repository(org: OrgConfig, given: str | None) -> str:
    names = [r.name for r in org.repositories]
    if given:
        if names and given not in names:
            raise ConfigError(
                f"repository {given[:100]!r} is not in riskbrief.toml's [[repositories]]; "
                "give one of its names"
            )
        return given
    if len(names) == 1:
        return names[0]
    raise ConfigError(
        "riskbrief.toml lists several repositories (or none); say which with --repo "
        "(or the JSON field 'repository')"
    )


def _repo_files(session: Session, org: OrgConfig, repository: str, sha: str) -> set[str] | None:
    for r in org.repositories:
        if r.name == repository and r.path:
            try:
                done = subprocess.run(
                    [
                        "git",
                        "-C",
                        str(Path(r.path).expanduser()),
                        "ls-tree",
                        "-r",
                        "-z",
                        "--name-only",
                        sha,
                    ],
                    capture_output=True,
                    check=False,
                    timeout=60,
                )
            except (OSError, subprocess.TimeoutExpired):
                done = None
            if done is not None and done.returncode == 0:
                return {p.decode("utf-8", "replace") for p in done.stdout.split(b"\0") if p}
    seen = session.exec(
        select(ChangeFile.path)
        .join(Change, col(Change.id) == col(ChangeFile.change_id))
        .join(Repository, col(Repository.id) == col(Change.repository_id))
        .where(Repository.name == repository)
        .distinct()
    ).all()
    return set(seen) or None


def record_coverage(
    session: Session,
    org: OrgConfig,
    upload: CoverageUpload,
    report: Path | bytes,
    now: datetime,
) -> RecordedCoverage:
    """Read ``report`` and store it as the coverage of ``upload.sha``; a ``RiskbriefError``
    of one sentence, with nothing stored, when it is refused."""
    if not _SHA.match(upload.sha):
        raise ConfigError(
            f"{upload.sha[:80]!r} is not a full commit sha; give the 40 hex digits CI "
            "builds (e.g. $GITHUB_SHA or $CI_COMMIT_SHA)"
        )
    repository = _repository(org, upload.repository)
    files = _repo_files(session, org, repository, upload.sha)
    mapper = PathMapper(files, upload.strip_prefix)
    read = read_report(report, upload.format, mapper)
    new = save_report(session, repository, upload.sha, read, now)
    return RecordedCoverage(
        repository,
        upload.sha.lower(),
        new,
        read.format,
        len(read.files),
        read.coverable,
        read.covered,
        read.ignored,
    )
