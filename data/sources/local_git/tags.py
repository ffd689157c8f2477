"""Release tags of the clone as deploys: each ships exactly the commits git says it ships.

A tag ``T`` ships the commits it reaches that no other release of its line
reaching it did: ``git rev-list T --not A1 A2 …`` over the line's tags that
are ancestors of ``T``, whatever their tagger dates say. An older release
tagged after its successor (a tagger date after the next release's) still
ships its own commits, and the successor, which reaches it, does not
ship them again; a second tag on a released commit ships nothing.

A line is the tag's name without its version (``v1.2.3`` and ``1.2.3`` are one
line, ``plugin-legacy@5.0.0`` another), except that the project's own namings
over its life are one line: ``PROJ_3_8_1``, ``proj-3.9`` and
``rel/proj-3.10`` of ``acme/proj`` (``project_lines``). A package's line naming
a service (a monorepo's ``plugin-legacy@``) is released apart. Reachability
keeps the branches apart, so a tag cut on a maintenance branch (flask's
``3.1.3`` on ``stable``) ships neither the main line's work nor what an
earlier release already shipped, even when an older maintenance branch was
merged forward into it (flask merges ``2.2.x`` into ``2.3.x``: ``2.3.3`` does
not ship again what ``2.3.2`` shipped). The first tag of a line ships
everything it reaches.

Each tag is a deploy of every service its commits touch (only of the
package's service when the line names one; never, for the project's tags, of
a service whose own line had begun), carrying the commits that touched it. A
package's line begins at its first tag: the project's tags that reach none of
its tags (a workspace's ``v0.2.0`` before ``tool-v0.3.0``) release the package
too, and its first tag ships only what followed them. The linking
then ships exactly the changes those commits landed. A tag whose
commits are not on the synced branch (a maintenance branch never merged
back) has them read as changes by the source (``off_branch_tips``); when a
merge carried them onto it later, that merge is opened (``carriers``), so each
is a change its tag ships.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from data.config import OrgConfig
from data.deploy_rule import DeployRule, FoundBy
from data.source_values import SourceDeploy
from data.sources.local_git.gitlog import run_git
from scoring.errors import SourceError

__all__ = [
    "TagDeploy",
    "deploy_tag_notes",
    "line_groups",
    "line_service",
    "off_branch_tips",
    "project_lines",
    "release_line",
    "release_tags",
    "tag_deploys",
    "tag_names",
    "unmatched_tags_note",
]

# Where the version starts in a tag's name: its first digit run followed by a dot, an
# underscore and a digit (``LANG_3_0_1``), or the end.
_VERSION = re.compile(r"v?\d+(?:[.\d]|_\d|$)")
# Words of a tag's line that say "release", not which project: ``rel/``, ``release-``, ``r``.
_GENERIC = frozenset({"", "v", "r", "rel", "release", "releases", "tag", "tags", "version", "ver"})
_WORD = re.compile(r"[^a-z0-9]+")
# What a service key may not hold (``data.config``: lower-case letters, digits, ``_.-``).
_NOT_KEY = re.compile(r"[^a-z0-9_.-]+")


@dataclass(frozen=True, slots=True)
class TagDeploy:
    """A release tag: its name, the commit it points at and when it was made."""

    name: str
    sha: str
    at: datetime


def release_line(name: str) -> str:
    """The release line of a tag: its name before the version (``plugin-legacy@``, ``parent-``),
    ``""`` for plain versions; ``v1.2`` and ``1.2`` are one line."""
    match = _VERSION.search(name)
    return name if match is None else name[: match.start()]


def _words(text: str) -> frozenset[str]:
    """The words naming a project in a line or a repository's name, lower-case, without
    trailing digits (``commons-lang3-`` → commons, lang) or release words (``rel/``)."""
    words = (w.rstrip("0123456789") for w in _WORD.split(text.lower()))
    return frozenset(w for w in words if w not in _GENERIC)


def project_lines(
    lines: Mapping[str, int], repository: str, also: Iterable[str] = ()
) -> frozenset[str]:
    """The release lines that are the project's own namings over its life: a line whose words
    are all words of the repository's name, of the most used line or of ``also``
    (``PROJ_``, ``proj-``, ``rel/proj-`` of ``acme/proj``; plain versions and ``release-``
    always); ``lines`` maps each line to its number of tags."""
    if not lines:
        return frozenset()
    top = max(lines, key=lambda line: (lines[line], line == "", line))
    own = _words(repository) | _words(top)
    for name in also:
        own |= _words(name)
    return frozenset(line for line in lines if _words(line) <= own)


def _package_names(line: str) -> tuple[str, ...]:
    """The names a package's tag line may give its service by: the package's own name
    (``@lit-labs/ssr@`` → ``ssr``, ``grep-cli-`` → ``grep-cli``) and its whole name as a
    service key (``lit-labs-ssr``, a Go module's ``cmd/tool/`` → ``cmd-tool``)."""
    whole = line.rstrip("@-_/").lower()
    own = whole.rsplit("/", 1)[-1]
    key = _NOT_KEY.sub("-", whole).strip("-.")
    # The whole name first: ``@lit-labs/context@`` is not ``@lit/context@``'s ``context``.
    return tuple(dict.fromkeys(n for n in (key, own) if n))


def line_service(line: str, services: Sequence[str]) -> str | None:
    """The service a package's tag line names (``@vitejs/plugin-legacy@`` → ``plugin-legacy``),
    by the package's name or its whole name as a key; ``None`` when it names none."""
    known = set(services)
    return next((name for name in _package_names(line) if name in known), None)


def line_groups(
    lines: Mapping[str, int], repository: str, services: Sequence[str]
) -> dict[str, str]:
    """Each release line → the line it is released as: ``""`` for the project's own namings
    (``project_lines``), else itself.

    With two services or more, a line naming one (``plugin-legacy@``) releases that
    service apart and stays its own line; with one, a line naming it is the project's.
    """
    several = len(services) > 1
    apart = {line for line in lines if several and line_service(line, services) is not None}
    rest = {line: n for line, n in lines.items() if line not in apart}
    own = project_lines(rest, repository, () if several else services)
    return {line: "" if line in own else line for line in lines}


def tag_names(path: Path) -> list[str]:
    """Every tag of the clone, newest first."""
    done = run_git(
        path, "for-each-ref", "--sort=-creatordate", "refs/tags", "--format=%(refname:strip=2)"
    )
    return done.stdout.decode("utf-8", "replace").split()


def unmatched_tags_note(path: Path, pattern: str, repository: str) -> str | None:
    """One sentence when ``pattern`` matches none of the clone's tags, else ``None``
    (a clone without tags has nothing to match: no sentence)."""
    names = tag_names(path)
    regex = re.compile(pattern, re.IGNORECASE)
    if not names or any(regex.search(n) for n in names):
        return None
    return (
        f"{repository}: deploy_tags `{pattern}` in [sources.git] matches none of the clone's "
        f"tags; its newest tag is `{names[0]}`, so no deploy is read; change the pattern to "
        "match its release tags"
    )


def deploy_tag_notes(org: OrgConfig) -> list[str]:
    """A sentence for each configured clone whose ``deploy_tags`` pattern matches no tag."""
    pattern = org.sources.git.deploy_tags
    notes: list[str] = []
    if not pattern:
        return notes
    for repo in org.repositories:
        path = Path(repo.path).expanduser() if repo.path else None
        if path is None or not path.is_dir():
            continue
        try:
            note = unmatched_tags_note(path, pattern, repo.name)
        except SourceError:
            continue
        if note is not None:
            notes.append(note)
    return notes


def _peeled_commit(path: Path, name: str) -> str | None:
    """The commit the tag ``name`` points at through any chain of tag objects (a tag of a
    tag: ``git tag -a v1.0 rc1``); ``None`` when it ends in a tree or a blob."""
    done = run_git(
        path, "rev-parse", "--verify", "--quiet", f"refs/tags/{name}^{{commit}}", check=False
    )
    sha = done.stdout.decode("ascii", "replace").strip()
    return sha if done.returncode == 0 and sha else None


def release_tags(path: Path, pattern: str) -> list[TagDeploy]:
    """Tags matching ``pattern`` with the commit each points at, oldest first (annotated tags
    by tagger date).

    ``%(*objectname)`` peels one tag object only (as git 2.39 does): a tag made on another
    annotated tag (``git tag -a v1.0 rc1``) would name the inner tag object, a sha no commit
    has, so no other release would reach it. Such a tag is peeled to its commit, and a tag
    of a tree or a blob is no release.
    """
    done = run_git(
        path,
        "for-each-ref",
        "refs/tags",
        "--format=%(refname:strip=2)%00%(*objectname)%00%(objectname)%00"
        "%(taggerdate:unix)%00%(committerdate:unix)%00%(*committerdate:unix)%00"
        "%(objecttype)%00%(*objecttype)",
    )
    regex = re.compile(pattern, re.IGNORECASE)
    out: list[TagDeploy] = []
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        fields = (line.split("\0") + [""] * 8)[:8]
        name, peeled, obj, tagged, committed, peeled_committed, kind, peeled_kind = fields
        if not regex.search(name):
            continue
        stamp = tagged or committed or peeled_committed
        if not stamp.isdigit():
            continue
        sha: str | None = peeled or obj
        if (peeled_kind or kind) != "commit":
            sha = _peeled_commit(path, name)
        if sha is None:
            continue
        out.append(TagDeploy(name, sha, datetime.fromtimestamp(int(stamp), tz=UTC)))
    out.sort(key=lambda t: (t.at, t.name))
    return out


def _reaches(path: Path, shas: Iterable[str]) -> dict[str, frozenset[str]]:
    """Which of ``shas`` each of them reaches, itself included, from one ``git rev-list``.

    ``--simplify-by-decoration`` keeps only the commits a ref points at, each with its
    nearest such ancestors as parents, so the walk is as long as the list of refs.
    """
    unique = sorted(set(shas))
    if not unique:
        return {}
    bit = {sha: 1 << i for i, sha in enumerate(unique)}
    done = run_git(
        path, "rev-list", "--parents", "--simplify-by-decoration", "--topo-order", "--reverse",
        *unique,
    )  # fmt: skip
    masks: dict[str, int] = {}
    for line in done.stdout.decode("ascii", "replace").splitlines():
        commit, *parents = line.split()
        mask = bit.get(commit, 0)
        for parent in parents:
            mask |= masks.get(parent, 0)
        masks[commit] = mask
    return {
        sha: frozenset(other for other, b in bit.items() if masks.get(sha, bit[sha]) & b)
        for sha in unique
    }


def _ancestors(tags: Sequence[TagDeploy], reaches: Mapping[str, frozenset[str]]) -> list[list[str]]:
    """For each of a line's ``tags`` (oldest first), the commits of the line's other tags it
    reaches: its ancestors, and its own commit when an older tag was made on it (a re-tag
    ships nothing)."""
    out: list[list[str]] = []
    for i, tag in enumerate(tags):
        reached = reaches.get(tag.sha, frozenset())
        shas = {t.sha for t in tags if t.sha != tag.sha and t.sha in reached}
        if any(t.sha == tag.sha for t in tags[:i]):
            shas.add(tag.sha)
        out.append(sorted(shas))
    return out


def _commits(path: Path, tag: TagDeploy, excluded: Sequence[str]) -> list[tuple[str, list[str]]]:
    """The commits ``tag`` reaches and none of ``excluded`` does, with the files each changed
    against its first parent."""
    span = [tag.sha, *(["--not", *excluded] if excluded else [])]
    done = run_git(
        path,
        "log",
        "--format=%x1e%H",
        "--name-only",
        "-z",
        "--no-renames",
        "--diff-merges=first-parent",
        *span,
    )
    out: list[tuple[str, list[str]]] = []
    for entry in done.stdout.decode("utf-8", "replace").split("\x1e")[1:]:
        sha, _, rest = entry.partition("\n")
        out.append((sha.strip("\0\n"), [p.strip("\n") for p in rest.split("\0") if p.strip()]))
    return out


def _lines(
    tags: Sequence[TagDeploy], repository: str, services: Sequence[str]
) -> dict[str, list[TagDeploy]]:
    """The matching tags by the line they are released as (``line_groups``), oldest first."""
    counts = Counter(release_line(t.name) for t in tags)
    groups = line_groups(counts, repository, services)
    lines: dict[str, list[TagDeploy]] = defaultdict(list)
    for tag in tags:
        lines[groups[release_line(tag.name)]].append(tag)
    return lines


def _with_earlier_releases(
    line_tags: Sequence[TagDeploy],
    project: Sequence[TagDeploy],
    reaches: Mapping[str, frozenset[str]],
) -> list[TagDeploy]:
    """A package's line (``tool-v0.3.0``, oldest first) with the project's releases of the
    package before the line began: the project's tags that reach none of the line's commits
    (``v0.1.0``, ``v0.2.0`` of a workspace tagged as a whole before its per-crate tags). A
    project tag on a commit the line tagged too (``v0.3.0`` beside ``tool-v0.3.0``) is the
    line's release already."""
    own = {t.sha for t in line_tags}
    earlier = [t for t in project if not reaches.get(t.sha, frozenset({t.sha})) & own]
    return sorted([*line_tags, *earlier], key=lambda t: (t.at, t.name))


def off_branch_tips(path: Path, rev: str, pattern: str, after: datetime | None = None) -> list[str]:
    """The commits of the tags matching ``pattern`` (made after ``after``) that ``rev`` does not
    reach, oldest tag first: releases cut on a maintenance branch never merged back."""
    tags = [t for t in release_tags(path, pattern) if after is None or t.at > after]
    if not tags:
        return []
    done = run_git(path, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False)
    head = done.stdout.decode("ascii", "replace").strip()
    if done.returncode != 0 or not head:
        return []
    on_branch = _reaches(path, [head, *(t.sha for t in tags)]).get(head, frozenset())
    return list(dict.fromkeys(t.sha for t in tags if t.sha not in on_branch))


def tag_deploys(
    path: Path,
    repository: str,
    org: OrgConfig,
    pattern: str,
    after: datetime | None = None,
    *,
    cut: frozenset[str] = frozenset(),
    dropped: list[str] | None = None,
) -> Iterator[SourceDeploy]:
    """A deploy per service the commits of each matching tag touch (tags made after ``after``,
    and the older tags of their line that reach one of them: what those ship shrinks).

    A tag whose commits run into ``cut`` (a shallow clone's commits whose parents are cut
    off) is no deploy: the earlier release that would bound what it shipped is cut off
    with them, so it would ship a made-up batch. Its name is added to ``dropped``.
    """
    keys = [s.key for s in org.services if s.repository in (None, repository)]
    tags = release_tags(path, pattern)
    lines = _lines(tags, repository, keys)
    reaches = _reaches(path, (t.sha for t in tags))
    # A service with a release line of its own (vite's ``create-vite@``) is deployed by that
    # line alone: the project's tags (``v8.2.2``) release the other packages.
    released_apart = {s for line in lines if line and (s := line_service(line, keys)) is not None}
    deploys: list[SourceDeploy] = []
    for line, line_tags in lines.items():
        only = line_service(line, keys) if line else None
        if only is not None:
            line_tags = _with_earlier_releases(line_tags, lines.get("", []), reaches)
        new = {t.sha for t in line_tags if after is None or t.at > after}
        for tag, excluded in zip(line_tags, _ancestors(line_tags, reaches), strict=True):
            if not new & reaches.get(tag.sha, frozenset({tag.sha})):
                continue
            shipped: dict[str, list[str]] = defaultdict(list)
            commits = _commits(path, tag, excluded)
            if cut and any(sha in cut for sha, _ in commits):
                if dropped is not None:
                    dropped.append(tag.name)
                continue
            for sha, files in commits:
                for service in {org.service_for_path(repository, p) for p in files}:
                    if service is None or service != (only or service):
                        continue
                    if only is None and service in released_apart:
                        continue
                    shipped[service].append(sha)
            deploys.extend(
                SourceDeploy(
                    key=f"git-tag:{repository}:{tag.name}:{service}",
                    service=service,
                    finished_at=tag.at,
                    environment="production",
                    sha=tag.sha,
                    status="success",
                    source="git-tag",
                    shipped=tuple(shas),
                    found_by=FoundBy(DeployRule.TAG, tag.name, pattern),
                )
                for service, shas in sorted(shipped.items())
            )
    deploys.sort(key=lambda d: (d.finished_at, d.key))
    yield from deploys
