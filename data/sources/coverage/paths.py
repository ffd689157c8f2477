"""A report's file paths mapped to paths in the repository, and those outside it refused.

CI writes paths in many ways: relative to a Cobertura ``<source>`` root, absolute
on the build machine (``/home/runner/work/app/app/src/x.py``), relative to a
module (JaCoCo's package directories), or with ``../`` out of the checkout. An
absolute path (a ``<source>`` root joined with a relative name included) is
made relative by cutting, in order, the ``--strip-prefix`` given, a ``<source>``
root it lies under, or the build's checkout directory inferred from the report
(``learn_checkout``) when neither was given; the ``--strip-prefix`` is cut from
the roots too. When the repository's files are known, a relative path is
matched exactly, else by the one repository file ending with it (a package
path), and a path cut from an absolute one also by its longest tail that is a
repository file. A path that climbs out (``../``), or is absolute and under none
of those directories (``/usr/lib/python3/…``), is outside the repository and is
ignored.
"""

from __future__ import annotations

import posixpath
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

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
        self._checkout: str | None = None
        self.roots: list[str] = []
        for r in roots:
            self.add_root(r)

    def add_root(self, root: str) -> None:
        """A Cobertura ``<source>`` root, read as the report goes."""
        norm = _norm(root)
        if self._strip and norm == self._strip:
            # The checkout itself: names under it are already repository paths.
            return
        if self._strip and norm.startswith(self._strip + "/"):
            # A root under the build's checkout (/ci/app/src with --strip-prefix /ci/app)
            # is the repository directory src, known or not the repository's files.
            norm = norm[len(self._strip) + 1 :]
        if norm and norm not in self.roots:
            self.roots.append(norm)

    def learn_checkout(self, paths: Iterable[str]) -> None:
        """Infer the build's checkout directory from the report's absolute paths.

        Only when neither ``--strip-prefix`` nor a ``<source>`` root says where the
        checkout is, and the repository's files are known: each absolute path votes
        for the directory its longest repository-file tail lies under, and the
        directory with strictly the most votes is the checkout. A tie (a report of
        one build file and one system file) infers nothing, so nothing is credited
        to a guess.
        """
        if self._files is None or self._strip or self.roots:
            return
        votes: Counter[str] = Counter()
        for raw in paths:
            path = _norm(raw)
            if not path.startswith("/"):
                continue
            parts = path.split("/")
            for i in range(2, len(parts)):
                if "/".join(parts[i:]) in self._files:
                    votes["/".join(parts[:i])] += 1
                    break
        ranked = votes.most_common(2)
        if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
            self._checkout = ranked[0][0]

    def map(self, raw: str) -> str | None:
        """``raw`` as a path in the repository, or ``None`` when it lies outside it."""
        for candidate, cut in self._candidates(_norm(raw)):
            if not candidate or candidate == ".." or candidate.startswith(("../", "/")):
                continue
            found = self._in_repository(candidate, cut)
            if found is not None:
                return found
        return None

    def _candidates(self, path: str) -> Iterator[tuple[str, bool]]:
        """Relative readings of ``path``, each with whether it was cut from an absolute one."""
        if path.startswith("/"):
            located = [path]
        else:
            located = [_norm(posixpath.join(root, path)) for root in self.roots]
            located.append(path)
        for p in located:
            if self._strip and p.startswith(self._strip + "/"):
                yield p[len(self._strip) + 1 :], True
            if not p.startswith("/"):
                yield p, False
                continue
            for base in (*self.roots, self._checkout):
                if base and base.startswith("/") and p.startswith(base + "/"):
                    yield p[len(base) + 1 :], True

    def _in_repository(self, path: str, cut: bool) -> str | None:
        if self._files is None:
            # Nothing to match against: the relative path inside the checkout is kept.
            return path
        if path in self._files:
            return path
        found = self._by_suffix.get(path)
        if found is not None or not cut:
            return found
        # A path under the checkout but deeper than the repository's (a build
        # directory's copy, /ci/app/build/lib/app/x.py): its longest tail that is a
        # repository file.
        parts = path.split("/")
        for i in range(1, len(parts)):
            tail = "/".join(parts[i:])
            if tail in self._files:
                return tail
        return None


def _norm(path: str) -> str:
    path = path.strip().replace("\\", "/")
    if len(path) > 2 and path[1] == ":":
        # A Windows drive (C:/agent/_work/src/x.cs) is as absolute as /.
        path = "/" + path[3:]
    path = posixpath.normpath(path) if path else ""
    path = path.removeprefix("./")
    return "" if path == "." else path.rstrip("/")
