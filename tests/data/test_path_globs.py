"""Service path globs: ``**`` crosses folders, and a ``!`` glob takes paths out."""

from __future__ import annotations

import pytest

from data.config import parse_org_config
from data.path_globs import in_globs, matches
from scoring.errors import ConfigError


def test_a_bang_glob_takes_paths_out_whatever_its_place() -> None:
    """``!docs/**`` leaves docs out of ``**``, before or after it; a path matching none is out."""
    assert in_globs(["**", "!docs/**", "!**/*_test.go"], "cmd/main.go")
    assert not in_globs(["**", "!docs/**"], "docs/index.md")
    assert not in_globs(["!docs/**", "**"], "docs/index.md")
    assert not in_globs(["**", "!**/*_test.go"], "pkg/a_test.go")
    assert not in_globs(["src/**", "!src/**/tests/**"], "src/a/tests/t.py")
    assert not in_globs(["src/**"], "lib/a.py")


def test_a_glob_names_only_the_paths_it_spells() -> None:
    """A folder's glob never reaches below it, ``*`` stops at ``/``, and ``**`` crosses it."""
    assert matches("services/checkout", "services/checkout")
    assert not matches("services/checkout", "services/checkout/main.go")
    assert matches("src/*", "src/a.py")
    assert not matches("src/*", "src/a/b.py")
    assert matches("*.py", "setup.py")
    assert not matches("*.py", "lib/setup.py")
    assert matches("src/**.py", "src/a/b.py")


def test_a_service_s_bang_glob_leaves_its_files_to_no_service() -> None:
    """A file a service's ``!`` glob takes out belongs to the next service that matches it."""
    org = parse_org_config(
        """
[[services]]
key = "api"
paths = ["**", "!docs/**"]
[[services]]
key = "site"
paths = ["docs/**"]
"""
    )
    assert org.service_for_path(None, "main.go") == "api"
    assert org.service_for_path(None, "docs/index.md") == "site"


def test_a_lone_bang_is_no_glob() -> None:
    """``!`` alone is refused when riskbrief.toml is read."""
    with pytest.raises(ConfigError, match="'!' is not a path glob"):
        parse_org_config('[[services]]\nkey = "api"\npaths = ["!"]\n')
