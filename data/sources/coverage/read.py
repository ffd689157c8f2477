"""One report read whole: its size checked, its format known or detected, its paths mapped."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import IO

from data.coverage_report import CoverageFormat, CoverageReport, FileLines
from data.sources.coverage.lcov import read_lcov
from data.sources.coverage.paths import PathMapper
from data.sources.coverage.xml_reports import RawLines, read_cobertura, read_jacoco
from scoring.errors import SourceError

__all__ = ["MAX_REPORT_BYTES", "REPORT_LIMIT_TEXT", "detect_format", "read_report"]

# Larger than any real report of one repository; a bigger file is a mistake or an attack.
# The limit is decimal and exclusive, as the refusal says: a file of 200 MB (200,000,000
# bytes) is refused, one byte less is read.
_REPORT_LIMIT = 200_000_000
MAX_REPORT_BYTES = _REPORT_LIMIT - 1
REPORT_LIMIT_TEXT = "under 200 MB (200,000,000 bytes)"

_READERS: dict[CoverageFormat, Callable[[IO[bytes], PathMapper], RawLines]] = {
    CoverageFormat.COBERTURA: read_cobertura,
    CoverageFormat.LCOV: read_lcov,
    CoverageFormat.JACOCO: read_jacoco,
}


def detect_format(head: bytes) -> CoverageFormat:
    """The format of a report from its first bytes, or a ``SourceError`` saying to name it."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<"):
        if b"<coverage" in head:
            return CoverageFormat.COBERTURA
        if b"<report" in head or b"JACOCO" in head:
            return CoverageFormat.JACOCO
    elif text.startswith((b"TN:", b"SF:")):
        return CoverageFormat.LCOV
    raise SourceError(
        "the report is not Cobertura XML, JaCoCo XML or LCOV; "
        "give --format cobertura, lcov or jacoco if it is one of them"
    )


def read_report(
    report: Path | bytes,
    fmt: CoverageFormat | None = None,
    mapper: PathMapper | None = None,
) -> CoverageReport:
    """The report at ``report`` (a file, or its bytes), or a ``SourceError`` of one sentence.

    Paths outside the repository are left out and listed in ``ignored``; a
    report with no file in the repository at all is refused.
    """
    size = report.stat().st_size if isinstance(report, Path) else len(report)
    if size > MAX_REPORT_BYTES:
        raise SourceError(
            f"the coverage report is {size:,} bytes and riskbrief reads reports "
            f"{REPORT_LIMIT_TEXT}; send one report per repository"
        )
    if size == 0:
        raise SourceError("the coverage report is empty; check the path CI wrote it to")
    mapper = mapper or PathMapper()
    with _open(report) as stream:
        if fmt is None:
            fmt = detect_format(stream.read(4096))
            stream.seek(0)
        raw = _READERS[fmt](stream, mapper)
    files: dict[str, tuple[set[int], set[int]]] = {}
    ignored: list[str] = []
    read_files = len(raw)
    first_raw = min(raw) if raw else ""
    mapper.learn_checkout(raw)
    # Emptied as it is mapped, so a large report is never held twice.
    while raw:
        path, (coverable, covered) = raw.popitem()
        mapped = mapper.map(path)
        if mapped is None:
            ignored.append(path)
            continue
        into = files.setdefault(mapped, (set(), set()))
        into[0].update(coverable)
        into[1].update(covered)
    if read_files and not files:
        raise SourceError(
            f"none of the report's {read_files} files is in the repository "
            f"(first: {first_raw[:200]!r}); give --strip-prefix with the build's checkout path"
        )
    out: list[FileLines] = []
    for p in sorted(files):
        c, v = files.pop(p)
        out.append(FileLines(p, frozenset(c), frozenset(v & c)))
    return CoverageReport(fmt, tuple(out), tuple(sorted(ignored)))


def _open(report: Path | bytes) -> IO[bytes]:
    if isinstance(report, Path):
        try:
            return report.open("rb")
        except OSError as exc:
            raise SourceError(f"cannot read the coverage report {report}: {exc.strerror}") from exc
    return io.BytesIO(report)
