"""One name, one thing: no two classes or type aliases of the product share a name.

A class or a module-level type alias (``X: TypeAlias = …``, ``X = Annotated[…]``,
``X = A | B``, ``X = Callable[…]``, ``type X = …``) is counted by its name in every module
of ``bot``, ``briefing``, ``data``, ``scoring`` and ``evaluation``; a private name
(``_X``) and a type variable (``TypeVar``, ``ParamSpec``) are not. A name kept twice on
purpose is in ``KEPT``, with the files holding it, and the glossary
(docs/architecture.md, "Kept twice on purpose") says why.

Functions are not all counted yet (a host's ``webhook_of`` is one role per host, and some
names are still shared), but the ones issue 65 found meaning two to four things, and the
names they were given, are each defined once at most (``ONE_FUNCTION``).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path
from typing import Any

from tests.test_layering import PRODUCT, ROOT

# Each name the glossary keeps twice, and exactly where.
KEPT: dict[str, frozenset[str]] = {
    "BadItem": frozenset({"data/sources/github/rest.py", "data/sources/gitlab/updated_lists.py"}),
    "DeploymentsSource": frozenset(
        {"data/sources/github/deployments.py", "data/sources/gitlab/deploys.py"}
    ),
    "MalformedPull": frozenset(
        {"data/sources/bitbucket/pull.py", "data/sources/github/pull_records.py"}
    ),
}

# Function names that once meant two to four functions: each is now defined at most once at
# a module's top level in the product. ``check_states`` is one role (``HostChecks``) that
# each host's package plays, so it is not here.
ONE_FUNCTION: tuple[str, ...] = (
    "answer",
    "answer_query",
    "dated_local_time",
    "delivery_states",
    "local_time",
    "payload_service_name",
    "service_from_names",
    "service_named",
    "states",
    "this_week",
    "week_local_time",
)

# Python 3.12's ``type X = …`` statement, where the running Python has it.
_TYPE_STATEMENT: Any = getattr(ast, "TypeAlias", None)


def _is_type_alias(node: ast.stmt) -> str | None:
    """The name ``node`` declares a type alias of, else ``None``."""
    if _TYPE_STATEMENT is not None and isinstance(node, _TYPE_STATEMENT):  # type X = …
        return str(node.name.id)
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        annotation = node.annotation
        said = annotation.attr if isinstance(annotation, ast.Attribute) else None
        if isinstance(annotation, ast.Name):
            said = annotation.id
        return node.target.id if said == "TypeAlias" else None
    if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
        return None
    target, value = node.targets[0], node.value
    if not isinstance(target, ast.Name):
        return None
    name = target.id
    camel = name[:1].isupper() and any(c.islower() for c in name)
    if not camel:
        return None  # a constant (MAX_WEEKS) or a single letter
    if isinstance(value, ast.Call):
        return None  # a TypeVar, or a value (GITLAB = SourceSpec(…))
    if isinstance(value, ast.Subscript | ast.Attribute | ast.Name):
        return name
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.BitOr):
        return name
    return None


def declared(path: Path) -> list[str]:
    """The public classes and type aliases ``path`` declares at its top level."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            names.append(node.name)
        else:
            alias = _is_type_alias(node)
            if alias is not None:
                names.append(alias)
    return [n for n in names if not n.startswith("_")]


def shared_names(root: Path, folders: tuple[str, ...]) -> dict[str, frozenset[str]]:
    """Every name declared in more than one module under ``folders``, and those modules."""
    where: dict[str, set[str]] = defaultdict(set)
    for folder in folders:
        for path in sorted((root / folder).rglob("*.py")):
            for name in declared(path):
                where[name].add(path.relative_to(root).as_posix())
    return {name: frozenset(files) for name, files in where.items() if len(files) > 1}


def functions(path: Path) -> list[str]:
    """The public functions ``path`` defines at its top level."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and not node.name.startswith("_")
    ]


def _glossary() -> str:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    start = text.index("## Glossary")
    return text[start : text.index("\n## ", start + 1)]


def test_no_two_product_types_share_a_name_unless_the_glossary_keeps_them() -> None:
    """A second class or alias of a name fails, saying where both are."""
    shared = shared_names(ROOT, PRODUCT)
    unexplained = {name: sorted(files) for name, files in shared.items() if KEPT.get(name) != files}
    assert unexplained == {}, (
        "name each for what it is (see the glossary's stages in docs/architecture.md), or "
        "say in the glossary why it is kept twice and add it to KEPT"
    )


def test_every_name_kept_twice_is_explained_and_still_twice() -> None:
    """``KEPT`` lists only names still shared, each with its reason in the glossary."""
    shared = shared_names(ROOT, PRODUCT)
    glossary = _glossary()
    kept = glossary[glossary.index("**Kept twice on purpose.**") :].split("\n\n")[0]
    for name, files in KEPT.items():
        assert shared.get(name) == files, name
        assert f"`{name}`" in kept, name
        for file in files:
            assert f"`{file}`" in kept, (name, file)


def test_each_function_name_issue_65_split_is_defined_once_at_most() -> None:
    """``local_time``, ``this_week``, ``states`` and the rest name one function each."""
    where: dict[str, list[str]] = defaultdict(list)
    for folder in PRODUCT:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for name in functions(path):
                if name in ONE_FUNCTION:
                    where[name].append(path.relative_to(ROOT).as_posix())
    twice = {name: files for name, files in where.items() if len(files) > 1}
    assert twice == {}, "name each function for what it does (docs/architecture.md, Glossary)"


def test_the_check_sees_classes_and_aliases_but_not_type_variables(tmp_path: Path) -> None:
    """A class and an alias of one name clash; a TypeVar, a constant or a private name not."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "one.py").write_text(
        "from typing import Annotated, TypeVar\n"
        "class Page: ...\n"
        "ClientT = TypeVar('ClientT')\n"
        "MAX_PAGES = 3\n"
        "class _Private: ...\n"
        "Week = Annotated[str, 'week']\n",
        encoding="utf-8",
    )
    (tmp_path / "b" / "two.py").write_text(
        "from typing import TypeAlias, TypeVar\n"
        "Page: TypeAlias = dict[str, int]\n"
        "ClientT = TypeVar('ClientT')\n"
        "MAX_PAGES = 4\n"
        "class _Private: ...\n"
        "class Holder:\n"
        "    class Week: ...\n",
        encoding="utf-8",
    )
    assert shared_names(tmp_path, ("a", "b")) == {"Page": {"a/one.py", "b/two.py"}}
