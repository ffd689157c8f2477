"""The two path-glob dialects side by side: riskbrief.toml's shell globs and CODEOWNERS'
gitignore patterns, on the edge cases where they part (``**``, a leading or trailing ``/``,
``*`` at ``/``, a folder's name)."""

from __future__ import annotations

import pytest

from data.codeowners import parse_codeowners
from data.path_globs import in_globs, matches

# (glob, path, riskbrief.toml matches, CODEOWNERS matches)
EDGES = [
    # ``*`` never crosses ``/`` in either; a bare name is the root's in toml, any depth's in
    # CODEOWNERS.
    ("src/*", "src/a.py", True, True),
    ("src/*", "src/a/b.py", False, False),
    ("*.py", "setup.py", True, True),
    ("*.py", "lib/setup.py", False, True),
    ("?.py", "a/b.py", False, True),
    # ``**``: across folders in both as a whole part; inside a part only toml crosses.
    ("src/**", "src/a/b.py", True, True),
    ("src/**", "src", False, False),
    ("**/x.py", "x.py", True, True),
    ("**/x.py", "a/b/x.py", True, True),
    ("src/**/x.py", "src/x.py", True, True),
    ("src/**.py", "src/a/b.py", True, False),
    ("src/**.py", "src/b.py", True, True),
    ("**/", "a/b.py", True, True),
    # A leading ``/`` anchors CODEOWNERS at the root; toml globs are always at the root.
    ("/src/*", "src/a.py", True, True),
    ("/x.py", "a/x.py", False, False),
    ("/x.py", "x.py", True, True),
    # A trailing ``/`` is everything below: toml's at the root, CODEOWNERS' at any depth.
    ("src/", "src/a/b.py", True, True),
    ("src/", "lib/src/a.py", False, True),
    ("src/", "src", False, False),
    ("/src/", "lib/src/a.py", False, False),
    # A folder's name alone: only itself in toml, everything below it in CODEOWNERS.
    ("services/checkout", "services/checkout", True, True),
    ("services/checkout", "services/checkout/main.go", False, True),
    # Brackets: a class in toml, literal in CODEOWNERS (GitHub's rule).
    ("[ab].md", "a.md", True, False),
    ("[ab].md", "[ab].md", False, True),
]


@pytest.mark.parametrize(("glob", "path", "toml", "codeowners"), EDGES)
def test_each_dialect_matches_as_documented(
    glob: str, path: str, toml: bool, codeowners: bool
) -> None:
    """A glob matches a path as docs/configuration.md says for riskbrief.toml and as
    GitHub's docs say for CODEOWNERS, each dialect by its one implementation."""
    assert matches(glob, path) is toml
    owned = parse_codeowners(f"{glob} @owner").owners(path)
    assert owned == (("@owner",) if codeowners else ())


def test_a_toml_list_takes_out_whatever_the_order_and_codeowners_last_line_wins() -> None:
    """A toml ``!`` glob takes its paths out wherever it stands; in CODEOWNERS the last
    matching line decides, so a broad line after a narrow one takes the path back."""
    assert not in_globs(["!docs/**", "**"], "docs/a.md")
    owners = parse_codeowners("/docs/ @docs\n* @everyone\n")
    assert owners.owners("docs/a.md") == ("@everyone",)
