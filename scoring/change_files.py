"""What one change's files say, gathered once for the signals and gates that ask about them."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from scoring.facts import ChangeFacts, FileChange
from scoring.paths import path_kinds

__all__ = [
    "ChangeFiles",
    "change_files",
    "code_lines_of",
    "is_generated_name",
    "no_code_factor",
    "written_by_hand",
]

# Files no one writes by hand, by name: dependency lock files, vendored and
# generated folders, minified and compiled output. They count in neither a
# change's size nor its spread (the sources add the repository's own markers,
# ``FileChange.generated``). Lower-case, searched in "/" + the lower-cased path.
_GENERATED_NAME = re.compile(
    r"/(?:vendor|vendored|third_party|third-party|node_modules|__generated__|generated)/"
    r"|/(?:uv\.lock|poetry\.lock|pipfile\.lock|pdm\.lock|package-lock\.json"
    r"|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lockb?|deno\.lock|cargo\.lock"
    r"|go\.sum|go\.work\.sum|gemfile\.lock|composer\.lock|gradle\.lockfile|podfile\.lock"
    r"|pubspec\.lock|mix\.lock|flake\.lock|packages\.lock\.json|package\.resolved)$"
    r"|\.(?:min\.js|min\.css|js\.map|css\.map|pb\.go|g\.dart)$|_pb2(?:_grpc)?\.pyi?$"
)


@functools.lru_cache(maxsize=1 << 16)
def is_generated_name(path: str) -> bool:
    """True for a lock file, a vendored or generated folder's file, or minified/compiled output."""
    return _GENERATED_NAME.search("/" + path.lower()) is not None


def written_by_hand(f: FileChange) -> bool:
    """False for a file its repository marks generated or whose name says it is."""
    return not f.generated and not is_generated_name(f.path)


# A change that touches no code has its signals' points multiplied by this, so that
# it stays below the high band: it cannot break what ships.
_NO_CODE_FACTOR = 0.5


def no_code_factor(high: float) -> float:
    """What a change touching no code has its points multiplied by, given the high band's floor.

    A half, or less when the high band starts at 50 or below: a full score
    (100) times the factor always rounds below ``high``.
    """
    return min(_NO_CODE_FACTOR, max(0.0, (high - 1.0) / 100.0))


def code_lines_of(f: FileChange) -> tuple[int, int]:
    """The lines of hand-written code ``f`` adds and deletes: a change's size.

    (0, 0) for a file that is no code by its path (``PathKinds.code``: tests,
    docs, examples, test data, CI, project files, manifests, assets, data) or
    that no one wrote by hand. Otherwise the source's count of code lines
    (comments and blank lines out, ``scoring.code_lines``) where it read the
    text, else every added and deleted line: a code host's API gives only counts.
    """
    if not path_kinds(f.path).code or not written_by_hand(f):
        return 0, 0
    added = f.added if f.code_added is None else f.code_added
    deleted = f.deleted if f.code_deleted is None else f.code_deleted
    return added, deleted


@dataclass(frozen=True, slots=True)
class ChangeFiles:
    """What one change's files say, gathered in one pass over them."""

    test_files: int
    # Lines of code added and deleted (``code_lines_of``): tests, docs, comments out.
    source_lines: int
    # Lines of code added (``code_lines_of``): what a reviewer must read.
    code_added: int
    # The first schema migration among the files, in their order.
    migration: str | None
    infra: bool
    sensitive: bool
    manifest: bool
    # Files with CODEOWNERS data, and those of them no rule covers.
    owner_files: int
    unowned_files: int
    # Logins (``@login``, not ``@org/team`` or e-mail) that CODEOWNERS makes owners of
    # any touched file with owner data; empty when any such file has only team or no
    # owners, since then an owner's approval cannot be checked.
    personal_owners: frozenset[str]
    # Files no one wrote by hand (``written_by_hand``): lock files, vendored, generated.
    generated_files: int = 0
    # Services (``FileChange.service``) of the hand-written files.
    services: int = 0
    # Lines of code deleted (``code_lines_of``).
    code_deleted: int = 0
    # False when the change adds or deletes no line of code and touches no dependency
    # manifest or migration: only docs, tests, examples, CI, project files, assets,
    # data, comments or whitespace. Such a change is never high risk (``scoring.risk``).
    touches_code: bool = True


_NO_LOGINS: frozenset[str] = frozenset()


def change_files(change: ChangeFacts) -> ChangeFiles:
    """What ``change``'s files say: tests, source lines, risky kinds and CODEOWNERS coverage.

    The scorer works it out once per change and hands it to every signal and gate.
    """
    test_files = code_added = code_deleted = owner_files = unowned_files = generated = 0
    services: set[str] = set()
    migration: str | None = None
    infra = sensitive = manifest = False
    logins: frozenset[str] | None = None
    for f in change.files:
        path = f.path
        k = path_kinds(path)
        by_hand = written_by_hand(f)
        if not by_hand:
            generated += 1
        elif f.service:
            services.add(f.service)
        if k.test:
            test_files += 1
        if k.code and by_hand:
            code = code_lines_of(f)
            code_added += code[0]
            code_deleted += code[1]
        if k.migration and migration is None:
            migration = path
        infra |= k.infra
        sensitive |= k.sensitive
        manifest |= k.manifest
        owners = f.owners
        if owners is None:
            continue
        owner_files += 1
        if not owners:
            unowned_files += 1
        elif logins is not _NO_LOGINS:
            mine = _logins(owners)
            if not mine:
                logins = _NO_LOGINS
            elif logins is None:
                logins = mine
            elif mine is not logins:
                # Most files share one rule's owners; a union only when they differ.
                logins = logins | mine
    return ChangeFiles(
        test_files,
        code_added + code_deleted,
        code_added,
        migration,
        infra,
        sensitive,
        manifest,
        owner_files,
        unowned_files,
        _NO_LOGINS if logins is None else logins,
        generated,
        len(services),
        code_deleted,
        not change.files or bool(code_added or code_deleted or manifest or migration),
    )


# The same few CODEOWNERS rules match file after file.
@functools.lru_cache(maxsize=4096)
def _logins(owners: tuple[str, ...]) -> frozenset[str]:
    """The personal owners (``@login``) among a file's owners, lower-cased, without the ``@``."""
    return frozenset(
        o.removeprefix("@").lower() for o in owners if o.startswith("@") and "/" not in o
    )
