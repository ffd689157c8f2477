"""Who may import whom among the top-level folders, read from the source with ``ast``.

Every import counts, a function's own and one under ``TYPE_CHECKING`` too: a
benchmark that imports ``tests`` inside ``main`` breaks a checkout without the
tests just the same. The product's modules import one another in no circle.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from bot.checks.registry import CHECKS

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


def _module_name(path: Path, root: Path) -> str:
    """``data.config`` for ``data/config/__init__.py``, ``data.sync`` for ``data/sync.py``."""
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(root: Path, folders: tuple[str, ...]) -> dict[str, dict[str, int]]:
    """Each module under ``folders`` to the modules of those folders it imports, with a line.

    Every import counts: top-level, inside a function, under ``TYPE_CHECKING``,
    relative. ``from a.b import c`` is an import of the module ``a.b.c`` when there
    is one, else of ``a.b`` (``c`` is a name in it). Importing ``a.b.c`` also runs
    the packages ``a`` and ``a.b`` first, so those are imported too, except the
    packages the importer is itself inside: they are already running. So a
    package's ``__init__`` re-exporting its submodules is no circle; it is one when
    a submodule imports the package back (``from a.b import x`` in ``a/b/c.py``).
    """
    files = {
        _module_name(path, root): path
        for folder in folders
        for path in sorted((root / folder).rglob("*.py"))
    }

    def known(name: str) -> str | None:
        # ``a.b.name`` where ``name`` is a function or class of ``a.b``: the module is ``a.b``.
        while name and name not in files:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, dict[str, int]] = {}
    for module, path in files.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        edges: dict[str, int] = {}
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            names: list[str] = []
            line = 0
            if isinstance(node, ast.Import):
                names, line = [alias.name for alias in node.names], node.lineno
            elif isinstance(node, ast.ImportFrom):
                line = node.lineno
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*up, *([node.module] if node.module else [])])
                names = [f"{base}.{alias.name}" for alias in node.names]
            for name in names:
                target = known(name)
                if target is None or target == module:
                    continue
                edges.setdefault(target, line)
                parts = target.split(".")
                for i in range(1, len(parts)):
                    above = ".".join(parts[:i])
                    if above in files and above != module and not module.startswith(f"{above}."):
                        edges.setdefault(above, line)
        graph[module] = edges
    return graph


def cycles(graph: Mapping[str, Mapping[str, int]]) -> list[list[str]]:
    """The circles of ``graph`` (Tarjan's strongly connected components of two or more
    modules), each as a path ``a -> b -> … -> a`` through it, for the message."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(_circle(graph, set(component)))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _circle(graph: Mapping[str, Mapping[str, int]], component: set[str]) -> list[str]:
    """One closed path through ``component``, from its first module back to it (breadth first)."""
    start = min(component)
    came: dict[str, str] = {}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(graph[v]):
            if w == start:
                path = [v]
                while path[-1] != start:
                    path.append(came[path[-1]])
                return [start, *reversed(path[:-1]), start]
            if w in component and w not in came:
                came[w] = v
                queue.append(w)
    return sorted(component)


# The code hosts are the registry's entries: a new host is checked here with nothing edited.
CODE_HOSTS = tuple(entry.module for entry in CHECKS)


def test_code_hosts_meet_in_the_checks_room_only() -> None:
    """No code host's package imports another's, and ``bot/checks`` imports none of them: its
    registry names each by its module, imported when asked, so a process loads only the
    hosts it serves."""
    for host in CODE_HOSTS:
        others = tuple(h for h in CODE_HOSTS if h != host)
        assert _offences((host.replace(".", "/"),), others) == []
    assert _offences(("bot/checks",), CODE_HOSTS) == []
    # Every package of ``bot`` answering a webhook (a ``webhook_of``) is a registered host:
    # the checks above would pass on an empty registry, or beside a host left out of it.
    hooked = {
        f"bot.{p.parent.name}"
        for p in (ROOT / "bot").glob("*/__init__.py")
        if "def webhook_of(" in p.read_text(encoding="utf-8")
    }
    assert CODE_HOSTS
    assert hooked == set(CODE_HOSTS)


def test_the_product_imports_in_no_circle() -> None:
    """No module of the product reaches itself through imports of any kind; a circle is
    printed as its path, each step a file and the line of its import."""
    graph = import_graph(ROOT, PRODUCT)
    found = [
        " -> ".join(f"{a} (line {graph[a][b]})" for a, b in itertools.pairwise(c)) + f" -> {c[-1]}"
        for c in cycles(graph)
    ]
    assert found == []


# docs/architecture.md's one direction: each package to the project's packages it may import.
DIRECTION = {
    "scoring": (),
    "data": ("scoring",),
    "briefing": ("scoring", "data"),
    "evaluation": ("scoring", "data"),
    "bot": ("evaluation", "briefing", "scoring", "data"),
}

# data/'s floors from the top; a module imports only its own floor's and those below it.
DATA_FLOORS = (
    ("data.sync", "data.sample_load"),
    ("data.sources",),
    ("data.rules",),
    ("data.store", "data.ingest", "data.migrations"),
    # The foot: values, settings models and what every floor shares.
    ("data",),
)


def _floor(module: str) -> int:
    """The index in ``DATA_FLOORS`` of the floor ``module`` stands on (the foot by default)."""
    for i, floor in enumerate(DATA_FLOORS[:-1]):
        if any(module == p or module.startswith(f"{p}.") for p in floor):
            return i
    return len(DATA_FLOORS) - 1


def direction_offences(graph: Mapping[str, Mapping[str, int]]) -> list[str]:
    """``module:line imports module`` for each import against ``DIRECTION`` or ``DATA_FLOORS``."""
    found = []
    for module, edges in sorted(graph.items()):
        top = module.split(".")[0]
        for target, line in sorted(edges.items()):
            to = target.split(".")[0]
            if to != top and to in DIRECTION and to not in DIRECTION[top]:
                found.append(f"{module}:{line} imports {target}")
            elif top == to == "data" and _floor(target) < _floor(module):
                found.append(f"{module}:{line} imports {target}, a floor above it")
    return found


def test_the_packages_import_one_way() -> None:
    """bot → briefing → scoring → data (``evaluation`` beside briefing) and, inside ``data/``,
    sync → sources → rules → store → values and settings: no import, a function's own or a
    type-only one included, runs back up."""
    assert direction_offences(import_graph(ROOT, PRODUCT)) == []


def _folder(module: str, graph: Mapping[str, object]) -> str:
    """The folder ``module`` is in: its package's name (itself, for an ``__init__``)."""
    parts = module.split(".")
    return module if any(m.startswith(f"{module}.") for m in graph) else ".".join(parts[:-1])


def test_the_folders_of_data_import_in_no_circle() -> None:
    """No folder of ``data/`` reaches itself through another (``sources/github`` and
    ``sources/tracker`` once did): each stands above all it imports."""
    graph = import_graph(ROOT, ("data",))
    folders: dict[str, dict[str, int]] = {}
    for module, edges in graph.items():
        mine = _folder(module, graph)
        into = folders.setdefault(mine, {})
        for target, line in edges.items():
            theirs = _folder(target, graph)
            # A package runs before its modules: that is no arrow between folders.
            if theirs != mine and not mine.startswith(f"{theirs}."):
                into.setdefault(theirs, line)
    assert cycles(folders) == []


def test_sources_hand_records_to_the_sync() -> None:
    """A source imports neither the sync above it nor the ingest that writes the store: it
    hands its records to ``data.handoff.Handoff`` (``SyncRun``)."""
    assert _offences(("data/sources",), ("data.sync", "data.sample_load", "data.ingest")) == []


# What opens or names the store: its package, and the libraries that open a session on it.
_STORE = ("data.store", "sqlmodel", "sqlalchemy")


def store_reaches(path: Path) -> list[str]:
    """``line: what`` for each place ``path`` reaches the store itself: an import of
    ``data.store``, SQLModel or SQLAlchemy (their ``Session`` with them), or an ``.engine``."""
    found = [
        f"{line}: imports {hits[0]}"
        for line, modules in _imported(path)
        if (hits := [m for m in modules if any(m == b or m.startswith(f"{b}.") for b in _STORE)])
    ]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found += [
        f"{node.lineno}: uses .engine"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "engine"
    ]
    return found


def test_sources_never_open_the_store() -> None:
    """A source neither imports the store nor opens a session on it, nor reaches for an
    engine: what it must know of the store it asks its ``Handoff``, and its records it hands
    to ``Handoff.checkpoint`` (the codecov and sample sources once opened it themselves)."""
    found = [
        f"{path.relative_to(ROOT).as_posix()}:{offence}"
        for path in sorted((ROOT / "data/sources").rglob("*.py"))
        for offence in store_reaches(path)
    ]
    assert found == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("from data.store.coverage import save_totals\n", ["1: imports data.store.coverage"]),
        ("from data import store\n", ["1: imports data.store"]),
        ("def f():\n    from sqlmodel import Session\n", ["2: imports sqlmodel"]),
        ("import sqlalchemy.orm\n", ["1: imports sqlalchemy.orm"]),
        ("def f(run):\n    return run.engine\n", ["2: uses .engine"]),
        ("from data.handoff import Handoff\nstored = 'data.store'\n", []),
    ],
)
def test_the_store_check_sees_each_way_in(tmp_path: Path, text: str, expected: list[str]) -> None:
    """An import of the store or of a session's library, a function's own included, and an
    ``.engine`` are each seen; a mere mention in a string is not."""
    path = tmp_path / "source.py"
    path.write_text(text)
    assert store_reaches(path) == expected


_TYPE_ONLY = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import data\n"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"data/store/x.py": "from data.rules import y\n"}, ["data.store.x:1"]),
        ({"data/sources/x.py": "def f():\n    import data.sync\n"}, ["data.sources.x:2"]),
        ({"scoring/x.py": _TYPE_ONLY}, ["scoring.x:3"]),
        ({"data/sync.py": "import data.sources.x\nimport data.store.x\n"}, []),
        ({"briefing/x.py": "import bot.cli\n"}, ["briefing.x:1"]),
    ],
)
def test_the_direction_check_sees_every_kind_of_import(
    tmp_path: Path, files: dict[str, str], expected: list[str]
) -> None:
    """A function's import and a type-only one run back up as much as any; a downward one
    does not."""
    for pkg in ("data", "data/store", "data/sources", "data/rules", "scoring", "briefing", "bot"):
        (tmp_path / pkg).mkdir(parents=True, exist_ok=True)
        (tmp_path / pkg / "__init__.py").write_text("")
    for name in ("data/sync.py", "data/sources/x.py", "data/store/x.py", "data/rules/y.py"):
        (tmp_path / name).write_text("")
    (tmp_path / "bot/cli.py").write_text("")
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    found = direction_offences(import_graph(tmp_path, ("bot", "briefing", "scoring", "data")))
    assert sorted({f.split(" ")[0] for f in found}) == expected


def test_the_store_reads_neither_sources_nor_ingest() -> None:
    """``data/store`` is below the sources and the ingest that write into it."""
    assert _offences(("data/store",), ("data.sources", "data.ingest")) == []


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # A type-only import closes a circle as much as any other.
        (
            {
                "a.py": "import pkg.b\n",
                "b.py": (
                    "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.a import A\n"
                ),
            },
            [["pkg.a", "pkg.b", "pkg.a"]],
        ),
        # So does one inside a function, and a relative one.
        (
            {"a.py": "def f():\n    from . import b\n", "b.py": "from .a import f\n"},
            [["pkg.a", "pkg.b", "pkg.a"]],
        ),
        # A package re-exporting its submodules is no circle...
        (
            {
                "__init__.py": "from pkg.a import x\n",
                "a.py": "x = 1\n",
                "b.py": "from pkg.a import x\n",
            },
            [],
        ),
        # ...until a submodule imports the package back.
        (
            {"__init__.py": "from pkg.a import x\n", "a.py": "from pkg import y\nx = 1\n"},
            [["pkg", "pkg.a", "pkg"]],
        ),
        # Importing a submodule from outside runs its package first.
        (
            {
                "sub/__init__.py": "from pkg.b import z\n",
                "sub/m.py": "",
                "b.py": "import pkg.sub.m\nz = 1\n",
            },
            [["pkg.b", "pkg.sub", "pkg.b"]],
        ),
    ],
)
def test_the_circle_check_sees_every_kind_of_import(
    tmp_path: Path, files: dict[str, str], expected: list[list[str]]
) -> None:
    """Type-only, function-level and relative imports close circles; an ``__init__``
    re-exporting its submodules does not, unless one of them imports the package."""
    for name, text in {"__init__.py": "", **files}.items():
        (tmp_path / "pkg" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "pkg" / name).write_text(text)
    (tmp_path / "pkg" / "sub").mkdir(exist_ok=True)
    assert cycles(import_graph(tmp_path, ("pkg",))) == expected


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
