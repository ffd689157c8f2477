"""What a file's path says about it: migration, test, infrastructure, sensitive code, manifest."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

__all__ = ["PathKinds", "is_migration", "is_test_path", "path_kinds"]

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
