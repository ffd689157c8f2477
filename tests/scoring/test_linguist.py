"""Linguist's classification of paths, through go-enry, and riskbrief's rules beside it."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from scoring.code_lines import code_lines
from scoring.linguist import (
    _MAY_BE_DOCUMENTATION,
    _MAY_BE_TEST,
    LanguageType,
    content_generated,
    is_configuration,
    is_documentation,
    is_generated,
    is_test,
    is_vendored,
    language_of,
    linguist,
    type_of,
)
from scoring.paths import path_kinds


@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("lib/phoenix/socket.ex", "Elixir"),
        ("src/main.rs", "RenderScript"),  # ambiguous by extension: a programming language
        ("apps/web/src/web.erl", "Erlang"),
        ("src/Main.hs", "Haskell"),
        ("Sources/App/App.swift", "Swift"),
        ("lib/app.dart", "Dart"),
        ("src/core.clj", "Clojure"),
        ("src/lexer.ml", "OCaml"),
        ("src/Pkg.jl", "Julia"),
        ("R/model.R", "R"),
        ("src/main.zig", "Zig"),
        ("build.sbt", "Scala"),
        # go-enry's extension index names only a Gerber image's solder layer for these; the
        # programming language Linguist lists them for wins by path.
        ("contracts/token/ERC20/ERC20.sol", "Solidity"),
        ("src/main.odin", "Odin"),
        ("tools/build.star", "Starlark"),
    ],
)
def test_languages_of_every_ecosystem_are_programming(path: str, language: str) -> None:
    """Each ecosystem's source files are a programming language to Linguist, and code."""
    known = linguist(path)
    assert known.language == language
    assert known.type is LanguageType.PROGRAMMING
    assert path_kinds(path).code


@pytest.mark.parametrize(
    "path",
    ["priv/static/phoenix.js", "priv/static/phoenix.cjs.js", "priv/static/phoenix.mjs",
     "priv/static/phoenix.js.map", "priv/static/phoenix.mjs.map", "dist/app.js",
     "vendor/github.com/x/y.go", "node_modules/a/index.js", "assets/app.min.js",
     "deps/plug/lib/plug.ex"],
)  # fmt: skip
def test_bundles_vendored_and_built_files_are_generated(path: str) -> None:
    """Committed bundles, their source maps and vendored trees are no one's hand-written code."""
    kinds = path_kinds(path)
    assert kinds.generated
    assert not kinds.code


@pytest.mark.parametrize(
    "path",
    [
        "pyproject.toml",
        "setup.cfg",
        "tox.ini",
        ".pre-commit-config.yaml",
        "config.yml",
        "settings.gradle.kts",
        "gradle/publishing.gradle.kts",
    ],
)
def test_configuration_and_data_are_no_code(path: str) -> None:
    """Configuration and data files (Linguist's data type) hold no lines of code, a Gradle
    script's ``.gradle.kts`` read as Linguist names it whole, not as Kotlin's ``.kts``."""
    assert not path_kinds(path).code


@pytest.mark.parametrize(
    "path",
    ["db/queries/users.sql", "proto/api/v1/user.proto", "prisma/schema.prisma", "wit/host.wit"],
)
def test_schema_and_query_languages_are_code(path: str) -> None:
    """SQL and schema languages, typed as data by Linguist, ship and are read as code."""
    assert path_kinds(path).code


@pytest.mark.parametrize(
    "path", [".github/workflows/ci.yml", ".vscode/settings.json", ".gitignore", "Jenkinsfile"]
)
def test_ci_and_editor_settings_stay_hand_written(path: str) -> None:
    """CI and editor settings, vendored to Linguist's language bar, are hand-written config."""
    kinds = path_kinds(path)
    assert not kinds.generated
    assert not kinds.code
    assert not kinds.ships


def test_code_named_like_documentation_is_code_but_not_in_a_docs_folder() -> None:
    """Linguist's document names hold for text and for docs folders, not for source files."""
    assert path_kinds("lib/license.rs").code
    assert path_kinds("src/changes.py").code
    assert not path_kinds("docs/conf.py").code
    assert path_kinds("LICENSE").aside


@pytest.mark.parametrize(
    ("path", "ships"),
    [("k8s/deploy.yaml", True), ("deploy/values.yaml", True), ("pyproject.toml", True),
     ("poetry.lock", True), ("docs/requirements.txt", False), (".travis.yml", False),
     ("README.md", False)],
)  # fmt: skip
def test_what_ships_without_code(path: str, ships: bool) -> None:
    """Manifests and deployment configuration change what ships; CI and docs do not."""
    assert path_kinds(path).ships is ships


def test_content_rules_find_minified_and_mapped_output() -> None:
    """Linguist's content rules call minified text and a mapped bundle generated."""
    assert content_generated("lib/a.js", b"var a=1;" * 2000)
    assert content_generated("lib/a.js", b"var x = 1;\n//# sourceMappingURL=a.js.map\n")
    assert not content_generated("lib/a.js", b"function add(a, b) {\n  return a + b;\n}\n")


_FORKED = """
import os, sys
import bot.runtime.serve
from scoring.linguist import linguist
assert "enry" not in sys.modules
pid = os.fork()
if pid == 0:
    print(linguist("dist/app.js").vendored, flush=True)
    os._exit(0)
os.waitpid(pid, 0)
"""


def test_a_process_forked_after_the_import_still_classifies() -> None:
    """serve's parent never loads go-enry, so a worker forked from it (gunicorn's) loads its
    own and answers, where one forked after the load could hang in Go's runtime."""
    done = subprocess.run(
        [sys.executable, "-c", _FORKED], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "True"


@pytest.mark.parametrize(
    "path",
    ["src/app.py", "vendor/a/b.go", "dist/app.js", "docs/conf.py", "docs/guide.md",
     "lib/license.rs", "CHANGES.rst", "tests/test_app.py", "src/test/java/FooTest.java",
     "pyproject.toml", ".github/workflows/ci.yml", "api/schema.graphql", "Makefile"],
)  # fmt: skip
def test_each_verdict_asked_alone_is_the_classifications(path: str) -> None:
    """Each of Linguist's verdicts asked on its own, as ``path_kinds`` asks them, is the one
    ``linguist`` gives with the rest."""
    known = linguist(path)
    language = language_of(path)
    alone = (language, type_of(language), is_vendored(path), is_generated(path))
    assert alone == (known.language, known.type, known.vendored, known.generated)
    assert is_documentation(path) == known.documentation
    assert is_configuration(path) == known.configuration
    assert is_test(path) == known.test


_BY_NAME_ALONE = """
import sys
from scoring.paths import path_kinds
kinds = path_kinds("svc1/d2/test_f3.py")
print(kinds.test, kinds.code, "enry" in sys.modules)
"""


def test_a_test_by_its_name_needs_no_linguist_verdict() -> None:
    """A test file by its name is classified by riskbrief's own rules alone: go-enry, whose
    every verdict costs tens of microseconds, is not even loaded."""
    done = subprocess.run(
        [sys.executable, "-c", _BY_NAME_ALONE],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.split() == ["True", "False", "False"]


def _real_paths() -> list[str]:
    """This repository's files and the running Python's library tree, relative paths all."""
    root = Path(__file__).resolve().parents[2]
    listed = subprocess.run(
        ["git", "-C", str(root), "ls-files"], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    library = Path(sysconfig.get_paths()["stdlib"])
    stdlib = [str(p.relative_to(library.parent)) for p in library.rglob("*") if p.is_file()]
    return [p for p in listed + stdlib if p]


# Linguist's own examples of each list, and near misses in every case.
_NAMED = [
    "CITATION.cff",
    "CITATIONS.bib",
    "inst/doc/x.R",
    "groovydoc/a.html",
    "Man/a.1",
    "Samples/a.c",
    "Demos/b.py",
    "Examples/c.go",
    "ChangeLog",
    "CHANGES.md",
    "LICENCE",
    "license.txt",
    "COPYING.LESSER",
    "INSTALL",
    "ReadMe.rst",
    "Documentation/x.rst",
    "src/FooTEST.cs",
    "x/Spec/FooSpec.scala",
    "pkg/foo_TEST.go",
    "a/b.Spec.ts",
    "src/__tests__/a.js",
    "spec/a_spec.rb",
    "x/test/FooTest.java",
    "foo.test.tsx",
]


def test_the_words_before_go_enry_never_hide_its_verdict() -> None:
    """A path without a word of Linguist's test or documentation rules is one go-enry calls
    neither, so asking it first changes no verdict (thousands of real paths and Linguist's
    own examples)."""
    import enry

    paths = _real_paths() + _NAMED
    assert len(paths) > 2000
    skipped = 0
    for path in paths:
        if _MAY_BE_TEST.search(path) is None:
            skipped += 1
            assert not enry.is_test(path), path
        if _MAY_BE_DOCUMENTATION.search(path) is None:
            skipped += 1
            folder = path.rpartition("/")[0]
            assert not enry.is_documentation(path), path
            assert not (folder and enry.is_documentation(folder + "/")), path
    # The words spare go-enry most paths, or they would cost more than they save.
    assert skipped > len(paths)


def test_a_gerber_file_named_like_solidity_holds_no_code_by_its_text() -> None:
    """A ``.sol`` file whose text is a Gerber image's holds no line of code, while a Solidity
    contract's comments are no code and its statements are; ``.gbr`` stays data by path."""
    contract = [
        " pragma solidity ^0.8.20;",
        "+/// @dev a token",
        "+contract A {",
        "+    uint x;",
        "+}",
    ]
    assert code_lines("contracts/A.sol", [contract]) == (3, 0)
    gerber = ["+G04 EAGLE Gerber RS-274X export*", "+G75*", "+%MOMM*%", "+%FSLAX34Y34*%", "+D10*"]
    assert code_lines("board/pcb.sol", [gerber]) == (0, 0)
    assert not path_kinds("board/pcb.gbr").code


@pytest.mark.parametrize(
    "path",
    [
        "src/cartservice/src/Dockerfile.debug",
        "Dockerfile.mainline.alpine",
        "hack/containers/Containerfile.webhook",
        "Dockerfile",
    ],
)
def test_a_dockerfile_named_by_dockers_convention_is_a_dockerfile(path: str) -> None:
    """``Dockerfile.<variant>`` and ``Containerfile.<variant>`` (``docker build -f``) are the
    Dockerfile language where Linguist knows no language by their extension."""
    assert language_of(path) == "Dockerfile"


@pytest.mark.parametrize("path", ["docs/Dockerfile.md", "boilerplate.Dockerfile.txt"])
def test_a_known_extension_keeps_its_language_after_dockerfile(path: str) -> None:
    """A name whose extension Linguist knows keeps that language: a Dockerfile's notes are no
    Dockerfile."""
    assert language_of(path) not in (None, "Dockerfile")
