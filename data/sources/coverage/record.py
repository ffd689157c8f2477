"""A coverage report sent by CI, checked once for both ways in (``riskbrief coverage record``
and ``POST /coverage``), ready to be stored as the coverage of one commit.

The report is read whole before the store is written, so a refused report
(too big, truncated, a bomb, no file in the repository) leaves nothing behind.
Its paths are matched against the repository's files at that commit when the
repository has a local clone (``git ls-tree``), else against the paths the
store has seen changed in it (which the caller reads: ``data.store.coverage.changed_paths``),
else kept as they are once made relative. The command and the door store what
``check_coverage`` returns with ``data.store.coverage.save_report``.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from data.config import OrgConfig
from data.coverage_report import CoverageFormat, CoverageReport
from data.sources.coverage.paths import PathMapper
from data.sources.coverage.read import read_report
from scoring.errors import ConfigError

__all__ = [
    "CheckedCoverage",
    "CoverageUpload",
    "RecordedCoverage",
    "check_coverage",
    "parse_format",
]

_SHA = re.compile(r"^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$")


@dataclass(frozen=True, slots=True)
class CoverageUpload:
    """What CI says about a report: its commit, repository, format and build path prefix."""

    sha: str
    repository: str | None = None
    format: CoverageFormat | None = None
    strip_prefix: str | None = None


@dataclass(frozen=True, slots=True)
class CheckedCoverage:
    """A report read whole and checked, its paths those of ``repository``: what to store as the
    coverage of ``sha`` (lower case)."""

    repository: str
    sha: str
    report: CoverageReport


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

    @classmethod
    def of(cls, checked: CheckedCoverage, new: bool) -> RecordedCoverage:
        """What storing ``checked`` stored; ``new`` when no report of its commit came before."""
        report = checked.report
        return cls(
            checked.repository,
            checked.sha,
            new,
            report.format,
            len(report.files),
            report.coverable,
            report.covered,
            report.ignored,
        )


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


def _clone_files(org: OrgConfig, repository: str, sha: str) -> set[str] | None:
    """The files of ``repository`` at ``sha`` in its local clone, ``None`` without one."""
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
    return None


def check_coverage(
    org: OrgConfig,
    upload: CoverageUpload,
    report: Path | bytes,
    changed_paths: Callable[[str], set[str] | None],
) -> CheckedCoverage:
    """Read ``report`` as the coverage of ``upload.sha``, its paths matched against the clone's
    files at that commit, else ``changed_paths(repository)`` (the store's); a ``RiskbriefError``
    of one sentence when it is refused."""
    if not _SHA.match(upload.sha):
        raise ConfigError(
            f"{upload.sha[:80]!r} is not a full commit sha; give the 40 hex digits CI "
            "builds (e.g. $GITHUB_SHA or $CI_COMMIT_SHA)"
        )
    repository = _repository(org, upload.repository)
    files = _clone_files(org, repository, upload.sha)
    if files is None:
        files = changed_paths(repository)
    mapper = PathMapper(files, upload.strip_prefix)
    read = read_report(report, upload.format, mapper)
    return CheckedCoverage(repository, upload.sha.lower(), read)
