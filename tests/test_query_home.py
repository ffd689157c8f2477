"""Where the store's queries are written: in ``data/store/``, and never in the readers that
shape what a read returns (docs/architecture.md, ``store/reads/``).

A query is a call of SQLAlchemy's or SQLModel's ``select``, read from the source with
``ast`` so that a word in a comment or a docstring does not count.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# The readers, whose queries have all moved to ``data/store/reads/``: the briefing and the
# whole bot (answers, pages, MCP, the CLI, the runtime, delivery, quickstart, Slack, checks).
SHAPERS = ("briefing", "bot")


def _selects(path: Path) -> Iterator[int]:
    """The line of each ``select(…)`` or ``<module>.select(…)`` call in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if (isinstance(func, ast.Name) and func.id == "select") or (
            isinstance(func, ast.Attribute) and func.attr == "select"
        ):
            yield node.lineno


def test_selects_are_found() -> None:
    """The reader of calls finds the store's own queries, so an empty answer below means none."""
    found = [n for p in (ROOT / "data/store").rglob("*.py") for n in _selects(p)]
    assert len(found) > 0


@pytest.mark.parametrize("package", SHAPERS)
def test_shapers_write_no_query(package: str) -> None:
    """A reader that shapes the store's rows asks a named read of ``data/store/`` for them."""
    offences = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in sorted((ROOT / package).rglob("*.py"))
        for n in _selects(p)
    ]
    assert offences == []
