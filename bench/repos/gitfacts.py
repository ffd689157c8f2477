"""What git says about a clone, read with plain git commands: release-looking tags, the tags a
pattern matches, and the commits each ships (``git rev-list TAG --not ANCESTORS``).

A tag's ancestors are the other matched tags of its release line that it reaches
(``git tag --merged TAG``); a tag on a commit an earlier tag of its line was made on
ships nothing. Lines are the product's (``data.sources.local_git.tags.line_groups``:
a project's renamed namings are one line, a monorepo package's tags another), and a
package's line begins at its first tag: the project's tags that reach none of the line's
tags (by ``git tag --merged``) released the package before it and are of its line too
(``package_line``), so its first tag ships what followed them. The ranges are git's own.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from data.sources.local_git.tags import line_groups, release_line

__all__ = [
    "GitCommit",
    "Tag",
    "git",
    "inner_commits",
    "matched_tags",
    "merged_tags",
    "package_line",
    "release_looking",
    "tag_lines",
    "tag_range",
]

# A release: a version of two numbers or more and nothing after it (no pre-release).
_RELEASE = re.compile(r"^.*?v?\d+(?:[._]\d+)+$")


def git(path: Path, *args: str) -> str:
    """``git -C path args…``'s output; raises ``CalledProcessError`` when git fails."""
    done = subprocess.run(["git", "-C", str(path), *args], capture_output=True, check=True)
    return done.stdout.decode("utf-8", "replace")


@dataclass(frozen=True, slots=True)
class Tag:
    """A tag: its name, the commit it names (through any chain of tags) and its creation time
    (Unix seconds)."""

    name: str
    sha: str
    created: int


@dataclass(frozen=True, slots=True)
class GitCommit:
    """A commit of a tag's range: its parents and the files it changed (first-parent diff)."""

    sha: str
    parents: tuple[str, ...]
    files: tuple[str, ...]


def _all_tags(path: Path) -> list[Tag]:
    out = git(
        path,
        "for-each-ref",
        "refs/tags",
        "--format=%(refname:strip=2)%00%(*objectname)%00%(*objecttype)%00%(objectname)"
        "%00%(creatordate:unix)",
    )
    rows = [(line.split("\0") + [""] * 5)[:5] for line in out.splitlines()]
    # ``%(*objectname)`` peels one level only: a tag made on another annotated tag
    # (``git tag -a v1.0 -m x rc1``) peels to that tag, not to the commit it names.
    deeper = [name for name, _, kind, _, _ in rows if kind == "tag"]
    commits = _commits_of(path, deeper) if deeper else {}
    tags: list[Tag] = []
    for name, peeled, _kind, obj, created in rows:
        sha = commits.get(name) or peeled or obj
        tags.append(Tag(name, sha, int(created) if created.isdigit() else 0))
    return tags


def _commits_of(path: Path, names: list[str]) -> dict[str, str]:
    """Each tag of ``names`` → the commit it names through any chain of tags
    (``refs/tags/NAME^{commit}``); a tag that names no commit is left out."""
    query = "".join(f"refs/tags/{name}^{{commit}}\n" for name in names)
    done = subprocess.run(
        ["git", "-C", str(path), "cat-file", "--batch-check=%(objectname) %(objecttype)"],
        input=query.encode("utf-8"),
        capture_output=True,
        check=True,
    )
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    out: dict[str, str] = {}
    for name, line in zip(names, lines, strict=False):
        sha, _, kind = line.partition(" ")
        if kind == "commit":
            out[name] = sha
    return out


def release_looking(path: Path) -> list[str]:
    """The clone's tags that look like releases: a version and nothing after it."""
    return sorted(t.name for t in _all_tags(path) if _RELEASE.match(t.name))


def matched_tags(path: Path, pattern: str) -> list[Tag]:
    """The tags ``pattern`` matches (case-insensitive search, as the product reads it)."""
    regex = re.compile(pattern, re.IGNORECASE)
    return sorted((t for t in _all_tags(path) if regex.search(t.name)), key=lambda t: t.created)


def tag_lines(tags: list[Tag], repository: str, services: list[str]) -> dict[str, str]:
    """Each tag's name → the release line it is released as."""
    counts = Counter(release_line(t.name) for t in tags)
    groups = line_groups(counts, repository, services)
    return {t.name: groups[release_line(t.name)] for t in tags}


def merged_tags(path: Path, tag: Tag) -> frozenset[str]:
    """The names of the tags ``tag`` reaches (``git tag --merged``), those on its commit and
    itself included."""
    return frozenset(git(path, "tag", "--merged", tag.sha).split())


def package_line(
    own: Sequence[Tag], project: Sequence[Tag], merged: Mapping[str, frozenset[str]]
) -> list[Tag]:
    """A package's release line (``tool-v0.3.0``, ``formik@2.1.6``): its own tags and the
    project's tags that reach none of them, its releases before the line began (``v0.2.0``,
    ``v2.1.1``), oldest first. A project tag on a commit the line tagged reaches that tag:
    the line's release already. ``merged`` maps a tag's name to ``merged_tags``."""
    names = {t.name for t in own}
    earlier = [t for t in project if not merged[t.name] & names]
    return sorted([*own, *earlier], key=lambda t: (t.created, t.name))


def tag_range(
    path: Path, tag: Tag, line: Sequence[Tag], merged: frozenset[str] | None = None
) -> list[GitCommit]:
    """The commits ``tag`` ships by git: reached from it and from no other tag of ``line``
    that it reaches; none when an earlier tag of the line was made on its commit. ``merged``
    is ``merged_tags(path, tag)`` when already read."""
    if any(t.sha == tag.sha and (t.created, t.name) < (tag.created, tag.name) for t in line):
        return []
    names = {t.name for t in line}
    reached = (merged_tags(path, tag) if merged is None else merged) & names
    ancestors = sorted({t.sha for t in line if t.name in reached and t.sha != tag.sha})
    span = [tag.sha, *(["--not", *ancestors] if ancestors else [])]
    out = git(
        path,
        "log",
        "--format=%x1e%H %P",
        "--name-only",
        "-z",
        "--no-renames",
        "--diff-merges=first-parent",
        *span,
    )
    commits: list[GitCommit] = []
    for entry in out.split("\x1e")[1:]:
        head, _, rest = entry.partition("\n")
        shas = head.strip("\0\n").split()
        files = tuple(p.strip("\n") for p in rest.split("\0") if p.strip())
        commits.append(GitCommit(shas[0], tuple(shas[1:]), files))
    return commits


def inner_commits(commits: list[GitCommit]) -> dict[str, frozenset[str]]:
    """Each merge of a range → the commits of the range it brought in (reached from its second
    parents, not from its first), walking only inside the range."""
    parents = {c.sha: c.parents for c in commits}

    def reach(start: str) -> set[str]:
        seen: set[str] = set()
        stack = [start]
        while stack:
            sha = stack.pop()
            if sha in seen or sha not in parents:
                continue
            seen.add(sha)
            stack.extend(parents[sha])
        return seen

    out: dict[str, frozenset[str]] = defaultdict(frozenset)
    for c in commits:
        if len(c.parents) > 1:
            first = reach(c.parents[0])
            brought = set().union(*(reach(p) for p in c.parents[1:]))
            out[c.sha] = frozenset(brought - first)
    return dict(out)
