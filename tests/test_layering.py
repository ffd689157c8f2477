"""Who may import whom among the top-level folders, read from the source with ``ast``.

Every import counts, a function's own and one under ``TYPE_CHECKING`` too: a
benchmark that imports ``tests`` inside ``main`` breaks a checkout without the
tests just the same.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("bot", "briefing", "scoring", "data", "evaluation")


def _imported(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Each import statement of ``path``: its line and the absolute modules it may load."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield node.lineno, [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # ``from tests import local_http`` loads tests.local_http: both names count.
            yield node.lineno, [node.module, *(f"{node.module}.{a.name}" for a in node.names)]


def _offences(folders: tuple[str, ...], banned: tuple[str, ...]) -> list[str]:
    """``file:line imports module`` for each import of a ``banned`` package under ``folders``."""
    found = []
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for line, modules in _imported(path):
                hits = [m for m in modules if any(m == b or m.startswith(f"{b}.") for b in banned)]
                if hits:
                    found.append(f"{path.relative_to(ROOT).as_posix()}:{line} imports {hits[0]}")
    return found


def test_bench_imports_nothing_from_tests() -> None:
    """``bench/`` runs from a checkout without ``tests/``: its fakes come from ``fakes/``."""
    assert _offences(("bench",), ("tests",)) == []


def test_fakes_import_neither_tests_nor_bench() -> None:
    """``fakes/`` sits below both its users, so either may import it."""
    assert _offences(("fakes",), ("tests", "bench")) == []


def test_the_product_imports_no_tests_fakes_or_bench() -> None:
    """The wheel's packages import nothing that is not in the wheel."""
    assert _offences(PRODUCT, ("tests", "fakes", "bench")) == []


def test_http_setup_is_reached_without_the_sources() -> None:
    """``data/http`` and ``briefing`` import no source: Claude's client needs no GitHub code."""
    assert _offences(("data/http", "briefing"), ("data.sources",)) == []


def test_readers_meet_in_the_answer_core_only() -> None:
    """``bot.mcp`` and ``bot.cli`` import nothing from ``bot.slack``, nor it from them: each
    reads ``bot.answers``, which imports no reader and no reader's library."""
    assert _offences(("bot/mcp", "bot/cli"), ("bot.slack",)) == []
    assert _offences(("bot/slack",), ("bot.mcp", "bot.cli")) == []
    readers = ("bot.slack", "bot.mcp", "bot.cli", "slack_bolt", "slack_sdk", "mcp")
    assert _offences(("bot/answers",), readers) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from tests.fakes.http import FakeServer\n", ["x.py:1 imports tests.fakes.http"]),
        ("def main():\n    import tests.clock\n", ["x.py:2 imports tests.clock"]),
        ("from tests import local_http\n", ["x.py:1 imports tests"]),
        ("from . import tests\nimport testsuite\n", []),
    ],
)
def test_the_check_sees_every_kind_of_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, expected: list[str]
) -> None:
    """A function's import and ``from tests import x`` count; relative and look-alikes do not."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "x.py").write_text(source)
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert [o.removeprefix("pkg/") for o in _offences(("pkg",), ("tests",))] == expected


# The one scope, and the payload's stored form of it (made only by ``ScopeView.of``).
_SCOPE_CLASSES = {"data/scope.py:Scope", "briefing/payload.py:ScopeView"}


def _scope_classes(root: Path, folders: tuple[str, ...]) -> set[str]:
    """``file:Class`` for each class under ``folders`` whose name holds ``Scope``."""
    found = set()
    for folder in folders:
        for path in sorted((root / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            found |= {
                f"{path.relative_to(root).as_posix()}:{node.name}"
                for node in ast.walk(tree)
                if isinstance(node, ast.ClassDef) and "scope" in node.name.lower()
            }
    return found


def test_the_product_has_one_scope_type() -> None:
    """Briefings, ``/risk``, MCP tokens and the web view share ``data.scope.Scope``: a sixth
    scope type (five were once written for the same teams and services) fails here."""
    assert _scope_classes(ROOT, PRODUCT) == _SCOPE_CLASSES


def test_the_scope_check_sees_a_private_or_nested_scope(tmp_path: Path) -> None:
    """A private ``_Scope`` inside a function counts as much as a public ``SubscriberScope``."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "x.py").write_text(
        "class SubscriberScope: ...\ndef f():\n    class _Scope: ...\nclass Scoped: ...\n"
    )
    assert _scope_classes(tmp_path, ("pkg",)) == {
        "pkg/x.py:SubscriberScope",
        "pkg/x.py:_Scope",
        "pkg/x.py:Scoped",
    }
