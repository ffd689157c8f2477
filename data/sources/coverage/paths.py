"""A report's file paths mapped to paths in the repository, and those outside it refused.

CI writes paths in many ways: relative to a Cobertura ``<source>`` root, absolute
on the build machine (``/home/runner/work/app/app/src/x.py``), relative to a
module (JaCoCo's package directories), or with ``../`` out of the checkout. A
path is mapped by, in order: the ``--strip-prefix`` given; the report's
``<source>`` roots; and, when the repository's files are known, the shortest
suffix of the path that is a file of the repository. A path that still climbs
out (``../``) or stays absolute is outside the repository and is ignored.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Sequence

__all__ = ["PathMapper"]


class PathMapper:
    """Maps one report's paths to repository paths (``None`` when outside the repository)."""

    def __init__(
        self,
        repo_files: Iterable[str] | None = None,
        strip_prefix: str | None = None,
        roots: Sequence[str] = (),
    ) -> None:
        self._files = frozenset(repo_files) if repo_files is not None else None
        # Each repository file under every run of its trailing components, for report
        # paths relative to a module or package (``com/acme/Foo.java``); a suffix two
        # files share maps to neither.
        self._by_suffix: dict[str, str | None] = {}
        for f in self._files or ():
            parts = f.split("/")
            for i in range(1, len(parts)):
                suffix = "/".join(parts[i:])
                self._by_suffix[suffix] = None if suffix in self._by_suffix else f
        self._strip = _norm(strip_prefix) if strip_prefix else None
        self.roots: list[str] = []
        for r in roots:
            self.add_root(r)

    def add_root(self, root: str) -> None:
        """A Cobertura ``<source>`` root, read as the report goes."""
        norm = _norm(root)
        if norm and norm not in self.roots:
            self.roots.append(norm)

    def map(self, raw: str) -> str | None:
        """``raw`` as a path in the repository, or ``None`` when it lies outside it."""
        path = _norm(raw)
        candidates: list[str] = []
        if self._strip and path.startswith(self._strip + "/"):
            candidates.append(path[len(self._strip) + 1 :])
        for root in self.roots:
            if path.startswith("/"):
                if path.startswith(root + "/"):
                    candidates.append(path[len(root) + 1 :])
            else:
                candidates.append(_norm(posixpath.join(root, path)))
        candidates.append(path)
        for c in candidates:
            if not c or c == ".." or c.startswith("../"):
                continue
            found = self._in_repository(c)
            if found is not None:
                return found
        return None

    def _in_repository(self, path: str) -> str | None:
        absolute = path.startswith("/")
        if self._files is None:
            # Nothing to match against: only a relative path inside the checkout is kept.
            return None if absolute else path
        if path in self._files:
            return path
        parts = path.split("/")
        if absolute:
            # A build machine's path (/home/runner/work/app/app/src/x.py): the longest
            # tail of it that is a whole repository path.
            for i in range(2, len(parts)):
                tail = "/".join(parts[i:])
                if tail in self._files:
                    return tail
            return None
        return self._by_suffix.get(path)


def _norm(path: str) -> str:
    path = path.strip().replace("\\", "/")
    if len(path) > 2 and path[1] == ":":
        # A Windows drive (C:/agent/_work/src/x.cs) is as absolute as /.
        path = "/" + path[3:]
    path = posixpath.normpath(path) if path else ""
    path = path.removeprefix("./")
    return "" if path == "." else path.rstrip("/")
