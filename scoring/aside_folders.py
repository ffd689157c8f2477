"""The folders and names that set a file aside from a project's code: tests, fixtures, docs and
docs sites, examples, prose and Storybook's stories (``scoring.paths``), and of those, the
folders named for examples alone (``in_examples``), which a repository of examples reads as
code (``scoring.example_collections``).

The expressions are lower-case and searched in "/" + the lower-cased path, as
``scoring.paths``' are.
"""

from __future__ import annotations

import functools
import re

from scoring.source_sets import examples_folder, named_folders

__all__ = ["ASIDE", "ASIDE_BY_NAME", "in_examples"]

# Folders of examples by their name (``examples/``, ``samples/``, ``demo/``, ``tutorial/``, ...).
_EXAMPLE_NAMES = r"_?examples?|_?samples?|demos?|tutorials?|quickstarts?|sandbox"
_EXAMPLES = re.compile(rf"/(?:{_EXAMPLE_NAMES})/")
# The other folders set aside: tests, fixtures, docs and docs sites.
_OTHER_ASIDE = (
    r"tests?|tst|spec|__tests?__|__mocks__|testdata|test_data|fixtures|__fixtures__|x?docs?"
    r"|docs_src|website|_?site"
)
# The files set aside by their names wherever they sit.
_ASIDE_NAMES = (
    r"[^/]*\.(md|markdown|rst|adoc|rdoc)$"
    # Storybook's stories (``Button.stories.tsx``): a component's examples, which no build ships.
    r"|[^/]*\.stor(?:y|ies)\.(?:[cm]?[jt]sx?|mdx|svelte|vue)$"
)
# Tests, fixtures, documentation (Maven 1's ``xdocs/`` too) and examples: never a risky
# kind (manifests aside).
ASIDE = re.compile(rf"/(?:({_OTHER_ASIDE}|{_EXAMPLE_NAMES})/|{_ASIDE_NAMES})")
# What sets a file aside that is no example's: in a repository of examples it stays aside.
_NOT_FOR_EXAMPLES = re.compile(rf"/(?:({_OTHER_ASIDE})/|{_ASIDE_NAMES})")
# What sets a file aside by its own name: prose and stories, whatever its folder.
ASIDE_BY_NAME = re.compile(rf"/(?:{_ASIDE_NAMES})")


# Asked of every file of a clone, by the sync and by each of quickstart's readings of its layout.
@functools.lru_cache(maxsize=1 << 17)
def in_examples(path: str) -> bool:
    """Whether ``path`` is set aside for its folder's name saying examples alone (``examples/``,
    ``samples/``, ``tutorial/``, ``play-java-chatroom-example/``), not for a docs or tests
    folder or a name of its own (``README.md``); a JVM package's folders are no folder."""
    slashed = "/" + path.lower()
    folders, dirs = named_folders(path, slashed, slashed[slashed.rfind("/") + 1 :])
    return (_EXAMPLES.search(folders) is not None or any(map(examples_folder, dirs))) and (
        _NOT_FOR_EXAMPLES.search(folders) is None
    )
