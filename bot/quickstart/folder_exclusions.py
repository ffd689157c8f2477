"""The ``!`` globs that take a drafted service's docs, examples, test data and tests out of it,
read from the files its folder holds at HEAD and in its history."""

from __future__ import annotations

from collections.abc import Sequence

from bot.quickstart.build_output import output_globs
from bot.quickstart.service_names import DOCS, is_aside_name, is_test_module
from data.path_globs import matches
from scoring.source_sets import JVM_PACKAGES
from scoring.test_names import test_file_name

__all__ = ["excluded"]

# Files beside the code that are tests by name (Go's ``_test.go``), taken out wherever they sit.
_TEST_FILES = ("*_test.go", "test_*.py", "*_test.py", "*.test.*", "*.spec.*", "*_spec.rb")
# The rest of the scorer's test names (``scoring.test_names``) in other languages, each taken out
# only where a file of it matches none of the above: zlib's ``contrib/iostream2/zstream_test.cpp``
# and ``contrib/dotzlib/DotZLib/UnitTests.cs`` sat in its one service, and PHPUnit's
# ``*Test.php`` beside the classes they test (flysystem's ``src/ConfigTest.php``) in its.
_MORE_TEST_FILES = ("*_test.*", "*Test.java", "*Tests.java", "*Test.kt", "*Tests.kt",
                    "*Test.cs", "*Tests.cs", "*Test.php")  # fmt: skip


def _is_go_package(folder: str, files: list[str]) -> bool:
    """True for a folder holding Go code of its own (cobra's ``doc`` package), not only tests."""
    return any(
        f.startswith(f"{folder}/") and "/" not in f[len(folder) + 1 :] and f.endswith(".go")
        and not f.endswith("_test.go")
        for f in files
    )  # fmt: skip


def excluded(glob: str, files: list[str], history: Sequence[str] = ()) -> tuple[str, ...]:
    """The ``!`` globs that take docs, examples, test data, tests and nested test modules
    (``android-test``) out of a folder ``glob``: only those matching one of its tracked files
    or of the ``history``'s paths, the top's dot folders (CI, editor settings) too for a
    service of the whole clone. A docs or site folder that is a Go package at HEAD stays."""
    if glob != "**" and not glob.endswith("/**"):
        return ()
    prefix = glob.removesuffix("**")
    paths = dict.fromkeys([*files, *history])
    if any(c in prefix for c in "*?[{"):
        inside = [f for f in paths if matches(glob, f)]
    else:
        inside = [f for f in paths if f.startswith(prefix)]
    # Each folder name to take out, with where it was found.
    folders: dict[str, set[str]] = {}
    # The folder names of JVM packages (src/main/kotlin/com/google/samples/…): a name, no
    # folder of samples or tests (``scoring.source_sets.JVM_PACKAGES``), whether the glob is the
    # module's folder or its ``src/main`` itself.
    packages: set[str] = set()
    for f in inside:
        root = JVM_PACKAGES.search("/" + f)
        end = len(f) if root is None else max(len(prefix), root.end() - 1)
        parts = f[len(prefix) : end].split("/")[:-1]
        if root is not None:
            packages.update(f[end:].split("/")[:-1])
        for i, part in enumerate(parts):
            # A compound name saying docs or examples (lazygit's ``docs-master/``) too.
            aside = is_aside_name(part)
            if not is_test_module(part) and not aside:
                continue
            where = prefix + "/".join(parts[: i + 1])
            if (part.lower() in DOCS or aside) and _is_go_package(where, files):
                continue
            folders.setdefault(part, set()).add(where)
            break
    # A name some package also has is taken out where it was found, not at any depth.
    out = [
        g
        for name in sorted(folders)
        for g in (
            sorted(f"!{where}/**" for where in folders[name])
            if name in packages
            else [f"!{prefix}**/{name}/**"]
        )
    ]
    out += [
        f"!{prefix}**/{name}"
        for name in _TEST_FILES
        if any(matches(f"**/{name}", f) for f in inside)
    ]
    others = [
        f for f in inside
        if test_file_name(f.rpartition("/")[2])
        and not any(matches(f"**/{n}", f) for n in _TEST_FILES)
    ]  # fmt: skip
    out += [
        f"!{prefix}**/{name}"
        for name in _MORE_TEST_FILES
        if any(matches(f"**/{name}", f) for f in others)
    ]
    if glob == "**":
        out += sorted(
            {f"!{f.split('/', 1)[0]}/**" for f in inside if f.startswith(".") and "/" in f}
        )
    out += output_globs(prefix, inside, paths)
    return tuple(out)
