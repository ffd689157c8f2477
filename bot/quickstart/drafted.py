"""A drafted service and a clone's layout of them, and what every rule that drafts one asks:
a service's key from a name, its ``!`` globs from a folder's contents, whether a path is in
one, and the clone's hand-written code."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.quickstart.build_output import is_build_output
from bot.quickstart.clone_files import tracked_sizes
from bot.quickstart.folder_exclusions import excluded
from data.path_globs import in_globs
from scoring.example_collections import example_code, is_collection
from scoring.paths import path_kinds

__all__ = [
    "DraftedService",
    "Layout",
    "drafted_service",
    "hand_written_code",
    "in_a_service",
    "service_key",
]


@dataclass(frozen=True, slots=True)
class DraftedService:
    """A drafted service: its key, the globs of its code (the first its module's folder) and
    its ``!`` globs."""

    key: str
    globs: tuple[str, ...]
    excluded: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Layout:
    """The services of a clone and what they were read from."""

    services: tuple[DraftedService, ...]
    found_by: str


def service_key(name: str) -> str:
    """A service's key from a folder's or package's name: lower case, dashes for the rest."""
    key = re.sub(r"[^a-z0-9_.-]+", "-", name.lower()).strip("-.")
    return key if key and key[0].isalnum() else f"s-{key}"


def hand_written_code(path: Path, files: list[str]) -> list[str]:
    """The ``files`` of the clone at ``path`` that are hand-written code
    (``scoring.paths.path_kinds``), not what a build wrote; in a repository of examples, its
    examples' code too (``scoring.example_collections``)."""
    tracked = set(files)
    collection = is_collection(tracked_sizes(path, files))
    return [
        f for f in files
        if (path_kinds(f).code or (collection and example_code(f)))
        and not is_build_output(f, tracked)
    ]  # fmt: skip


def drafted_service(
    key: str, globs: tuple[str, ...], more: tuple[str, ...], files: list[str], history: list[str]
) -> DraftedService:
    """The service ``key`` of ``globs``, with the ``!`` globs of the docs, examples and tests
    its folders hold now or held (``folder_exclusions``) and ``more``."""
    out = [g for glob in globs for g in excluded(glob, files, history)]
    return DraftedService(key, globs, tuple(dict.fromkeys([*out, *more])))


def _literal(glob: str) -> str:
    """What every path a glob matches starts with: its part before the first wildcard."""
    return re.split(r"[*?\[]", glob, maxsplit=1)[0]


def in_a_service(path: str, services: Sequence[DraftedService]) -> bool:
    """Whether a drafted service holds ``path``; only services whose globs' literal starts it
    begins with are matched, so a clone of many files and modules is read in time."""
    return any(
        any(path.startswith(_literal(g)) for g in s.globs)
        and in_globs((*s.globs, *s.excluded), path)
        for s in services
    )
