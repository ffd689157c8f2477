"""What a file's path says about it: migration, test, infrastructure, sensitive code, manifest."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from scoring.facts import ChangeFacts

__all__ = ["ChangePaths", "PathKinds", "change_paths", "is_migration", "is_test_path", "path_kinds"]

_MIGRATION = re.compile(
    r"(^|/)(migrations?|migrate|alembic/versions|db/migrate|schema)(/|$)|\.sql$", re.IGNORECASE
)
_TEST = re.compile(r"(^|/)(tests?|spec|__tests__)/|(^|/)test_[^/]+$|_test\.|\.test\.|\.spec\.")
_INFRA = re.compile(
    r"(^|/)(terraform|helm|k8s|kubernetes|infra|deploy|charts)/|\.tf$|(^|/)Dockerfile$"
    r"|^\.github/workflows/",
    re.IGNORECASE,
)
_SENSITIVE = re.compile(r"(^|/|_|-)(auth|oauth|login|payments?|billing|crypto|secrets?)(/|_|-|\.)")
_MANIFEST = re.compile(
    r"(^|/)(package(-lock)?\.json|yarn\.lock|pnpm-lock\.yaml|requirements[^/]*\.txt|pyproject\.toml"
    r"|poetry\.lock|uv\.lock|Pipfile(\.lock)?|go\.(mod|sum)|Cargo\.(toml|lock)|Gemfile(\.lock)?"
    r"|pom\.xml|build\.gradle(\.kts)?)$"
)


@dataclass(frozen=True, slots=True)
class PathKinds:
    """What a file's path says about it, by naming conventions."""

    migration: bool
    test: bool
    infra: bool
    sensitive: bool
    manifest: bool


# The same paths come back change after change; classifying each once keeps a
# million-change rescoring from spending its time in regular expressions.
@functools.lru_cache(maxsize=1 << 17)
def path_kinds(path: str) -> PathKinds:
    """Classify a path once: migration, test, infrastructure, auth/payments, dependency manifest."""
    return PathKinds(
        migration=bool(_MIGRATION.search(path)),
        test=bool(_TEST.search(path)),
        infra=bool(_INFRA.search(path)),
        sensitive=bool(_SENSITIVE.search(path)),
        manifest=bool(_MANIFEST.search(path)),
    )


def is_migration(path: str) -> bool:
    """True for schema migration files."""
    return path_kinds(path).migration


def is_test_path(path: str) -> bool:
    """True for test files by the common naming conventions."""
    return path_kinds(path).test


@dataclass(frozen=True, slots=True)
class ChangePaths:
    """What the paths of one change's files say, gathered in one pass over them."""

    test_files: int
    # Lines added and deleted in files that are not tests.
    source_lines: int
    # The first schema migration among the files, in their order.
    migration: str | None
    infra: bool
    sensitive: bool
    manifest: bool


def change_paths(change: ChangeFacts) -> ChangePaths:
    """What ``change``'s paths say: test files, source lines and the risky kinds touched.

    The tests and content signals and the migration gate ask about the same
    change one after another, so the answer for the last change asked about is
    kept. It is keyed by identity: the kept reference stops the id from being
    reused, and the facts are frozen.
    """
    last = _last_change_paths[0]
    if last is not None and last[0] is change:
        return last[1]
    test_files = source_lines = 0
    migration: str | None = None
    infra = sensitive = manifest = False
    for f in change.files:
        k = path_kinds(f.path)
        if k.test:
            test_files += 1
        else:
            source_lines += f.added + f.deleted
        if k.migration and migration is None:
            migration = f.path
        infra |= k.infra
        sensitive |= k.sensitive
        manifest |= k.manifest
    paths = ChangePaths(test_files, source_lines, migration, infra, sensitive, manifest)
    # One tuple, replaced whole, so that a reader never pairs a change with another's paths.
    _last_change_paths[0] = (change, paths)
    return paths


_last_change_paths: list[tuple[ChangeFacts, ChangePaths] | None] = [None]
