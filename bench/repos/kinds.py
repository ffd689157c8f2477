"""What a path or a line is, by rule and independent of the product: docs, tests, examples, CI
or project files (not code a reviewer must read), and comment lines of code files.

Dependency manifests and lock files are not project files here: a dependency change can break
a build, so the suite never counts it as harmless.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable

__all__ = ["comment_syntax", "is_comment", "is_docs_or_tests", "is_not_code"]

# Folders whose files are docs, tests, test data, examples or CI, at any depth.
_DOCS = frozenset({"doc", "docs", "documentation", "site", "website", "_site", "man"})
_TESTS = frozenset(
    {
        "test", "tests", "testing", "__tests__", "__mocks__", "spec", "specs", "testdata",
        "test-data", "test_data", "fixtures", "e2e", "it", "integration-tests",
        # Perl's and Raku's tests (``prove`` runs ``t/*.t``, authors' tests in ``xt/``), and
        # git's own suite.
        "t", "xt",
    }
)  # fmt: skip
_EXAMPLES = frozenset(
    {"example", "examples", "_example", "_examples", "sample", "samples", "demo", "demos"}
)
_CI = frozenset({".github", ".circleci", ".gitlab", ".buildkite", ".devcontainer", ".vscode",
                 ".idea", ".azure-pipelines", ".ci", ".husky", ".changeset"})  # fmt: skip
_FOLDERS = _DOCS | _TESTS | _EXAMPLES
# A compound folder name whose first word is one of these is that folder too: sttp's
# ``examples-ce2/`` (its examples for Cats Effect 2), ``docs_api/``, scryer-prolog's
# ``tests-pl/`` (its tests written in Prolog).
_COMPOUND = frozenset(
    {"doc", "docs", "example", "examples", "sample", "samples", "demo", "demos", "test", "tests"}
)  # fmt: skip
_WORDS = re.compile(r"[-_.]")
# A folder's last word saying tests names a package of tests (Pharo's ``Neo-JSON-Tests``,
# okhttp's ``okhttp-tests``) as a first word does (``tests-pl``).
_TESTS_LAST = frozenset({"test", "tests"})
# File names (lower-case globs) that are the project's own documents wherever they are,
# unless the name is a source file's: cobra's ``licenses.go`` or a ``security.py`` is code.
_PROJECT_DOCS = (
    "readme*", "changelog*", "changes*", "history*", "news*", "license*", "licence*",
    "copying*", "authors*", "contributors*", "contributing*", "code_of_conduct*", "security*",
    "notice*", "maintainers*", "support*", "funding*", "citation*",
)  # fmt: skip
# File names that are docs or project files wherever they are, and tests.
_FILES = (
    "codeowners", ".gitignore", ".gitattributes", ".gitmodules", ".editorconfig", ".mailmap",
    ".travis.yml",
    "appveyor.yml", ".appveyor.yml", "azure-pipelines.yml", ".pre-commit-config.yaml",
    ".readthedocs.yaml", ".readthedocs.yml", "mkdocs.yml", ".coveragerc", "codecov.yml",
    ".codecov.yml", "renovate.json", ".renovaterc*", "dependabot.yml", ".prettierrc*",
    ".prettierignore", ".eslintrc*", ".eslintignore", ".npmignore", ".dockerignore",
    ".clang-format", ".clang-tidy", ".rubocop*.yml", ".golangci.y*ml", ".flake8",
    "tox.ini", "noxfile.py", "conftest.py", ".nvmrc", ".node-version", ".tool-versions",
    "*.md", "*.rst", "*.adoc", "*.asciidoc", "*.png", "*.jpg", "*.jpeg", "*.gif", "*.svg",
    "*.ico", "*.webp",
)  # fmt: skip
_TEST_FILES = (
    "*_test.go", "test_*.py", "*_test.py", "*.test.js", "*.test.ts", "*.test.jsx",
    "*.test.tsx", "*.test.mjs", "*.spec.js", "*.spec.ts", "*.spec.jsx", "*.spec.tsx",
    "*_spec.rb", "*_test.rb", "*_test.rs", "*_test.cc", "*_test.cpp", "*.spec.lua",
    "*_spec.lua", "*.spec.luau",
)  # fmt: skip
# Test classes by their capital T, matched in the name's own case: ``FooTest.java`` is a test,
# ``Latest.java`` and UniTask's ``CombineLatest.cs`` are not.
_TEST_CLASSES = (
    "*Test.java", "*Tests.java", "*Test.kt", "*Tests.kt", "*Tests.cs", "*Test.cs", "*Test.php",
)  # fmt: skip
# Text files that are build inputs, not prose.
_TXT_BUILD = ("cmakelists.txt", "requirements*.txt", "constraints*.txt")
_GO_CODE = re.compile(r"(?<!_test)\.go$")
# A JVM source set's languages, and the sources laid out by package beside them (protobuf,
# AIDL, SQLDelight): below ``src/<set>/<one of these>/`` the folders are a package's name.
_JVM_LANGUAGES = frozenset({"java", "kotlin", "scala", "groovy", "proto", "aidl", "sqldelight"})
# A Gradle source set's camelCase name that says it holds tests: ``androidTest``,
# ``androidUnitTest``, ``jvmTest``, ``commonTest``, ``integrationTest``, ``testFixtures`` (not
# ``latest``).
_TEST_SOURCE_SET = re.compile(r"[a-z][A-Za-z0-9]*Tests?|test[A-Z][A-Za-z0-9]*")


def _name_is(name: str, globs: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, g) for g in globs)


def is_docs_or_tests(path: str) -> bool:
    """True for a file under a docs, tests, test data or examples folder, or a test file.

    A docs folder holding Go code is a Go package (cobra's ``doc``), not docs; a JVM package's
    folders (``src/main/java/com/example/``) are a name, not a folder of examples. ``it`` is
    Maven's integration tests only as ``src/it/`` (``lang/it/`` is Italian), a Gradle source set
    named for tests (``src/androidTest/``) tests as ``src/test/`` is, and ``man`` the
    manual pages only at the root, as Linguist's documentation rule has it
    (``custom-completions/man/`` completes the ``man`` command).
    """
    cased = path.split("/")
    parts = path.lower().split("/")
    name = parts[-1]
    for i, part in enumerate(parts[:-1]):
        if part in _DOCS and _GO_CODE.search(name):
            continue
        if (part == "it" and (i == 0 or parts[i - 1] != "src")) or (part == "man" and i > 0):
            continue
        words = _WORDS.split(part)
        if part in _FOLDERS or words[0] in _COMPOUND or words[-1] in _TESTS_LAST:
            return True
        if i > 0 and parts[i - 1] == "src" and _TEST_SOURCE_SET.fullmatch(cased[i]):
            # A Gradle source set named for tests (Android's instrumented ``src/androidTest/``,
            # Kotlin Multiplatform's ``src/jvmTest/``, ``src/testFixtures/``): tests, as
            # ``src/test/`` is, though its package folders below are a name.
            return True
        if part in _JVM_LANGUAGES and i >= 2 and parts[i - 2] == "src":
            # Below a JVM source set's root (src/main/java/) the folders are a package's name
            # (com/example/demo, com/google/samples/apps), not what the file is.
            break
    return _name_is(name, _TEST_FILES) or _name_is(cased[-1], _TEST_CLASSES)


def is_ci(path: str) -> bool:
    """True for a file in a CI, editor or development-container folder (``.github/``,
    ``.devcontainer/``): the project's tooling, never its code."""
    return any(part in _CI for part in path.lower().split("/")[:-1])


def is_not_code(path: str) -> bool:
    """True for docs, tests, test data, examples, CI and project files (never a dependency
    manifest or lock file)."""
    parts = path.lower().split("/")
    name = parts[-1]
    if is_docs_or_tests(path) or is_ci(path):
        return True
    if name.endswith(".txt"):
        return not _name_is(name, _TXT_BUILD)
    if _name_is(name, _PROJECT_DOCS) and not _is_source_name(name) and not _is_template(name):
        return True
    return _name_is(name, _FILES)


# Templates and configuration a module renders or ships: a Puppet module's ``security.pp`` and
# ``security_crs.conf.erb`` are no project documents for being named like ``SECURITY.md``.
_TEMPLATE_EXTENSIONS = frozenset(
    {".pp", ".epp", ".erb", ".j2", ".jinja", ".jinja2", ".tmpl", ".tpl", ".conf", ".cfg", ".ini",
     ".yml", ".yaml", ".json", ".toml", ".xml", ".sql"}
)  # fmt: skip


def _is_template(name: str) -> bool:
    """True for a file name with a template's or configuration format's extension."""
    dot = name.rfind(".")
    return dot > 0 and name[dot:] in _TEMPLATE_EXTENSIONS


def _is_source_name(name: str) -> bool:
    """True for a file name with a programming language's extension (not a config format's)."""
    dot = name.rfind(".")
    return dot > 0 and name[dot:] in _SOURCE_EXTENSIONS


# Comment syntax by file extension: (line prefixes, whether C-style blocks are used).
_HASH = ("#",)
_SLASH = ("//",)
_HASH_LANGS = (
    ".py", ".pyi", ".rb", ".sh", ".bash", ".zsh", ".fish", ".ksh", ".pl", ".r", ".yml", ".yaml",
    ".toml", ".cmake", ".ps1", ".tcl",
)  # fmt: skip
_SLASH_LANGS = (
    ".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".hh", ".hxx", ".inl", ".java", ".kt", ".kts",
    ".go", ".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".mts", ".cts", ".cs", ".rs",
    ".swift", ".scala", ".groovy", ".gradle", ".dart", ".m", ".mm", ".proto", ".fs", ".vue",
)  # fmt: skip
_SOURCE_EXTENSIONS = frozenset(
    (*_SLASH_LANGS, ".py", ".pyi", ".rb", ".sh", ".bash", ".zsh", ".fish", ".ksh", ".pl", ".r",
     ".php", ".lua", ".hs", ".clj", ".el", ".ex", ".exs", ".erl", ".ps1", ".tcl")
) - {".gradle", ".proto"}  # fmt: skip
# PHP 8's attributes begin with ``#[``, its line comments with any other ``#``.
_PHP: tuple[tuple[str, ...], bool] = (("//", "#"), True)
_SYNTAX: dict[str, tuple[tuple[str, ...], bool]] = {
    **dict.fromkeys(_HASH_LANGS, (_HASH, False)),
    **dict.fromkeys(_SLASH_LANGS, (_SLASH, True)),
    ".php": _PHP,
    ".sql": (("--",), True),
    ".lua": (("--",), False),
    ".hs": (("--",), False),
    ".clj": ((";",), False),
    ".el": ((";",), False),
}


def comment_syntax(path: str) -> tuple[tuple[str, ...], bool] | None:
    """The line-comment prefixes of ``path``'s language and whether it has ``/* */`` blocks;
    ``None`` when the suite does not know the language."""
    name = path.lower().rsplit("/", 1)[-1]
    if name in ("cmakelists.txt", "dockerfile", "makefile") or name.startswith("dockerfile."):
        return _HASH, False
    dot = name.rfind(".")
    return _SYNTAX.get(name[dot:]) if dot >= 0 else None


def is_comment(line: str, syntax: tuple[tuple[str, ...], bool]) -> bool:
    """True for a line that is a comment whole (a doc comment's ``*`` lines included)."""
    text = line.strip()
    prefixes, blocks = syntax
    if syntax is _PHP and text.startswith("#["):
        return False
    if text.startswith(prefixes):
        return True
    return blocks and (text.startswith(("/*", "*/")) or text == "*" or text.startswith("* "))
