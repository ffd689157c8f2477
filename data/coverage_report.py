"""A coverage report read from any format: per file, the lines that can run and those that ran."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["CoverageFormat", "CoverageReport", "FileLines", "decode_lines", "encode_lines"]


class CoverageFormat(StrEnum):
    """A report format ``riskbrief coverage record`` reads."""

    COBERTURA = "cobertura"
    LCOV = "lcov"
    JACOCO = "jacoco"


@dataclass(frozen=True, slots=True)
class FileLines:
    """One file's line coverage: coverable line numbers and the covered ones among them."""

    path: str
    coverable: frozenset[int]
    covered: frozenset[int]

    @property
    def percent(self) -> float | None:
        """Covered ÷ coverable lines in percent, or ``None`` for a file with no coverable line."""
        if not self.coverable:
            return None
        return 100.0 * len(self.covered) / len(self.coverable)


@dataclass(frozen=True, slots=True)
class CoverageReport:
    """A whole report, its paths relative to the repository's root, and what was left out.

    ``ignored`` are the report's paths that lie outside the repository (``../``,
    an absolute path outside every root): never stored, counted for the user.
    """

    format: CoverageFormat
    files: tuple[FileLines, ...]
    ignored: tuple[str, ...] = ()

    @property
    def coverable(self) -> int:
        """Coverable lines over all files."""
        return sum(len(f.coverable) for f in self.files)

    @property
    def covered(self) -> int:
        """Covered lines over all files."""
        return sum(len(f.covered) for f in self.files)

    @property
    def percent(self) -> float | None:
        """The report's line coverage in percent, ``None`` when nothing is coverable."""
        total = self.coverable
        return 100.0 * self.covered / total if total else None


def encode_lines(lines: Iterable[int]) -> str:
    """Line numbers as compact ranges: ``1-4,7,9-12`` (the store keeps this text)."""
    out: list[str] = []
    ordered = sorted(set(lines))
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        out.append(str(ordered[i]) if i == j else f"{ordered[i]}-{ordered[j]}")
        i = j + 1
    return ",".join(out)


def decode_lines(text: str) -> frozenset[int]:
    """The line numbers ``encode_lines`` wrote."""
    out: set[int] = set()
    for part in filter(None, text.split(",")):
        first, _, last = part.partition("-")
        out.update(range(int(first), int(last or first) + 1))
    return frozenset(out)
