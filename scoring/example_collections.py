"""Whether a repository is a collection of examples, whose examples are what it makes.

riskbrief sets examples aside (``scoring.paths``): a library's ``examples/`` shows how to
use it and ships nothing, so a change there is never high risk and no service holds it. A
repository whose code is nearly all in folders named for examples (Play's samples, one
``play-java-chatroom-example/`` with its own sbt build each; ``flutter/samples``) is another
thing: the examples are its product, each a project a reader runs, and a change to one is a
change to what it ships. There the examples' files are read as code
(``scoring.paths.undocumented_kinds``) by the sync, which marks them so
(``Marked.UNDOCUMENTED``), and by the quickstart, which drafts their services.

The rule reads the repository's files at one commit (the mined branch's head), never one
change: whether a folder of examples is the product depends on what else is there. It weighs
each file by its size: a library whose core is a few large files (raysan5/raylib: 67 files of
code, 3.2 MB, beside 462 examples, 5.9 MB) keeps its examples aside, though they are most of
its files.

A collection's projects are not all named for examples (microsoft/vscode-extension-samples:
``helloworld-sample/`` beside ``chat-tutorial/`` and ``wasm-component-model/``, each an
extension with its own ``package.json``). Where most of the top folders that are projects of
their own (a dependency manifest in the folder itself) are named for examples, their unnamed
siblings are read as the same kind of thing when the share is weighed.
"""

from __future__ import annotations

from collections.abc import Mapping

from scoring.aside_folders import in_examples
from scoring.manifests import manifest_name
from scoring.paths import path_kinds, undocumented_kinds

__all__ = ["COLLECTION_SHARE", "MIN_EXAMPLE_FILES", "example_code", "is_collection"]

# The share of a repository's code, by size (its examples' counted), that must lie in examples
# for the examples to be its product: most of it, so a library's own code, however small beside
# its examples, keeps them aside. Play's samples hold about nine tenths in examples (0.92 of the
# bytes, 0.94 of the files), a web framework with a large examples/ folder (axum) under half,
# raylib 0.65 of the bytes (0.87 of the files).
COLLECTION_SHARE = 0.8
# A handful of example files beside no other code (a new project's first example) is no
# collection: the rule needs enough files to say what the repository makes.
MIN_EXAMPLE_FILES = 20


def example_code(path: str) -> bool:
    """Whether ``path`` is an example's code: in a folder named for examples, set aside by
    ``path_kinds`` for that, and code once no folder sets it aside (tests, docs, data and
    generated files inside an example stay what they are)."""
    return in_examples(path) and not path_kinds(path).code and undocumented_kinds(path).code


def is_collection(sizes: Mapping[str, int]) -> bool:
    """Whether the repository whose files are ``sizes`` ({path: bytes}) is a collection of
    examples: at least ``MIN_EXAMPLE_FILES`` files of example code (``example_code``), and at
    least ``COLLECTION_SHARE`` of all its code's bytes (``path_kinds``' code and the
    examples')."""
    # Examples first, by their folders' names alone: most repositories have too few to be a
    # collection, and classifying every path of a large one costs seconds.
    examples = [p for p in sizes if in_examples(p) and example_code(p)]
    if len(examples) < MIN_EXAMPLE_FILES:
        return False
    siblings = _sibling_projects(sizes)
    # The code beside them may be at most this much.
    most = sum(sizes[p] for p in examples) * (1 - COLLECTION_SHARE) / COLLECTION_SHARE
    code = 0
    for path, size in sizes.items():
        if path_kinds(path).code:
            top, slash, _ = path.partition("/")
            if slash and top in siblings:
                # A sibling project's code is weighed as an example's: it raises the bound.
                most += size * (1 - COLLECTION_SHARE) / COLLECTION_SHARE
                continue
            code += size
            if code > most:
                return False
    return True


def _sibling_projects(sizes: Mapping[str, int]) -> frozenset[str]:
    """The top folders that are projects of their own (a dependency manifest in the folder
    itself) not named for examples, where more such projects are named for examples than not:
    a collection's samples whose names do not say so. Empty otherwise."""
    named: set[str] = set()
    unnamed: set[str] = set()
    for path in sizes:
        top, slash, name = path.partition("/")
        if slash and "/" not in name and manifest_name("/" + path.lower()):
            (named if in_examples(path) else unnamed).add(top)
    return frozenset(unnamed) if len(named) > len(unnamed) else frozenset()
