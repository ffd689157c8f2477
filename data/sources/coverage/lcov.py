"""LCOV tracefiles (``SF:``, ``DA:line,hits``, ``end_of_record``), read line by line."""

from __future__ import annotations

from typing import IO

from data.sources.coverage.paths import PathMapper
from data.sources.coverage.xml_reports import RawLines
from scoring.errors import SourceError

__all__ = ["read_lcov"]


def read_lcov(stream: IO[bytes], _mapper: PathMapper) -> RawLines:
    """Per ``SF:`` record, its ``DA:`` lines; a record left open at the end is a truncation."""
    out: RawLines = {}
    current: tuple[set[int], set[int]] | None = None
    records = 0
    for number, raw in enumerate(stream, start=1):
        line = raw.decode("utf-8", "replace").strip()
        if not line:
            continue
        if line.startswith("SF:"):
            current = out.setdefault(line[3:].strip(), (set(), set()))
            records += 1
        elif line.startswith("DA:"):
            if current is None:
                raise SourceError(
                    f"line {number} of the LCOV report has DA: before any SF:; "
                    "send the tracefile as the coverage tool wrote it"
                )
            fields = line[3:].split(",")
            try:
                at, hits = int(fields[0]), int(float(fields[1]))
            except (IndexError, ValueError) as exc:
                raise SourceError(
                    f"line {number} of the LCOV report is not 'DA:<line>,<hits>'; "
                    "send the tracefile as the coverage tool wrote it"
                ) from exc
            if at > 0:
                current[0].add(at)
                if hits > 0:
                    current[1].add(at)
        elif line == "end_of_record":
            current = None
    if current is not None:
        raise SourceError(
            "the LCOV report ends inside a record (no end_of_record); "
            "check the file is complete and send it again"
        )
    if not records:
        raise SourceError("the LCOV report has no SF: record; check it is an LCOV tracefile")
    return out
