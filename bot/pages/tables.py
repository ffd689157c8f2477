"""A page's table: columns, cells with links, sorted on the server and exported as CSV.

Sorting is a link (``?sort=<table>.<column>&dir=asc``), not a script, so a table sorts with
JavaScript off; ``?csv=<table>`` answers the same rows as CSV, with every cell that a
spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``) quoted as text, because
titles and branch names come from outside.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from markupsafe import Markup, escape

__all__ = ["Cell", "Grid", "GridColumn", "breakable", "cell", "grid_csv", "sorted_grid"]

# Where a key may wrap: after the parts of ``owner/repo#7``, ``owner/repo@sha``,
# ``deploy:service:time`` and ``revert:owner/repo#7``.
_KEY_BREAKS = re.compile(r"([:/#@])")


@dataclass(frozen=True, slots=True)
class GridColumn:
    """A column: its id in links, its header, whether it holds numbers, and whether it is
    shown on a wide screen only (``wide``: hidden at a phone's width, where it would push a
    table's score or incidents out of sight; its CSV keeps it)."""

    key: str
    label: str
    numeric: bool = False
    wide: bool = False


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell: the text shown, where it links, and the value it sorts by."""

    text: str
    href: str | None = None
    sort: float | str = ""
    band: str | None = None


def cell(value: object, href: str | None = None, band: str | None = None) -> Cell:
    """A cell showing ``value`` (``None`` as a dash), sorting numbers as numbers."""
    if value is None:
        return Cell("–", href, float("-inf"), band)
    if isinstance(value, bool):
        return Cell("yes" if value else "no", href, float(value), band)
    if isinstance(value, int | float):
        text = f"{value:g}" if isinstance(value, float) else str(value)
        return Cell(text, href, float(value), band)
    return Cell(str(value), href, str(value).lower(), band)


def breakable(text: str) -> Markup:
    """``text`` escaped, with a line-break opportunity (``<wbr>``) after each ``: / # @``: a
    long key wraps at its parts in a narrow column, never inside a number or a word."""
    return Markup(_KEY_BREAKS.sub(r"\1<wbr>", str(escape(text))))


@dataclass(frozen=True, slots=True)
class Grid:
    """A table: its id (unique on its page), caption, columns and rows."""

    key: str
    caption: str
    columns: tuple[GridColumn, ...]
    rows: tuple[tuple[Cell, ...], ...]
    sorted_by: str | None = None
    descending: bool = False


def sorted_grid(grid: Grid, sort: str | None, direction: str | None) -> Grid:
    """``grid`` sorted by the column ``sort`` names (``<table>.<column>``) if it is this one."""
    if not sort or "." not in sort:
        return grid
    table, column = sort.split(".", 1)
    keys = [c.key for c in grid.columns]
    if table != grid.key or column not in keys:
        return grid
    index = keys.index(column)
    descending = direction == "desc"
    numeric = grid.columns[index].numeric

    def by(row: Sequence[Cell]) -> tuple[int, float | str]:
        value = row[index].sort
        # Numbers and words never compare: a column sorts as what it is declared to hold.
        if numeric:
            return (0, value if isinstance(value, float) else float("-inf"))
        return (0, value if isinstance(value, str) else str(value))

    rows = tuple(sorted(grid.rows, key=by, reverse=descending))
    return replace(grid, rows=rows, sorted_by=column, descending=descending)


def _safe(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def grid_csv(grid: Grid) -> str:
    """The table as CSV: a header of column labels, then one line per row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.label for c in grid.columns])
    for row in grid.rows:
        # A dash is the page's "none"; in a spreadsheet an empty cell says it.
        writer.writerow([_safe(c.text) if c.text != "–" else "" for c in row])
    return out.getvalue()
