"""What a clone's release tags made of deploys, in one line each for sync, quickstart and doctor.

A clone's deploys are its release tags (``[sources.git] deploy_tags``). A clone with no tag
at all gets no deploy, and nothing else would say so: its deploy cards and change failure
rate stay empty. A tag whose release changed no service's files (a release that bumped
only ``package.json``) makes no deploy either, so "110 tags" become "94 deploys"; the
line says how many and why. Both are read here from the clone and the store as they are;
the tags' own rules stay in ``data.sources.local_git.tags``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlmodel import Session

    from data.config import OrgConfig

__all__ = ["no_tags_line", "tagless_clones", "undeployed_tag_lines"]


def _clones(org: OrgConfig) -> list[tuple[str, Path]]:
    """The configured clones a deploy pattern reads: (repository, folder)."""
    if not org.sources.git.deploy_tags:
        return []
    out = []
    for repo in org.repositories:
        path = Path(repo.path).expanduser() if repo.path else None
        if path is not None and path.is_dir():
            out.append((repo.name, path))
    return out


def tagless_clones(org: OrgConfig) -> list[str]:
    """The configured clones that have no tag at all, so no release is read as a deploy."""
    from data.sources.local_git.tags import tag_names
    from scoring.errors import SourceError

    names = []
    for name, path in _clones(org):
        try:
            tags = tag_names(path)
        except SourceError:
            # A clone that cannot be read is said by the sync and the repositories check.
            continue
        if not tags:
            names.append(name)
    return names


def no_tags_line(repositories: list[str]) -> str:
    """The sentence for clones without release tags: what it means and what to do."""
    one = len(repositories) == 1
    names = ", ".join(repositories)
    its = "its" if one else "their"
    return (
        f"{names} {'has' if one else 'have'} no tags, so none of {its} releases is read as a "
        "deploy (deploy risk and the change failure rate need deploys); tag "
        f"{its} releases (`git tag v1.2.0 <commit>`) and run `riskbrief sync`, or read deploys "
        "from another source (docs/sources.md)"
    )


def undeployed_tag_lines(session: Session, org: OrgConfig) -> list[str]:
    """For each clone, one line on the release tags that made no deploy, and why."""
    from data.sources.local_git.git_command import is_shallow
    from data.sources.local_git.tags import release_tags
    from data.store.reads.deploys import deploy_keys_under
    from scoring.errors import SourceError

    pattern = org.sources.git.deploy_tags
    lines = []
    for name, path in _clones(org):
        assert pattern is not None
        try:
            # A shallow clone's cut-off tags are said by the sync's own note.
            if is_shallow(path):
                continue
            tags = release_tags(path, pattern)
        except SourceError:
            continue
        if not tags:
            continue
        prefix = f"git-tag:{name}:"
        keys = deploy_keys_under(session, prefix)
        deployed = {key[len(prefix) :].rpartition(":")[0] for key in keys}
        missing = [t.name for t in tags if t.name not in deployed]
        if not missing:
            continue
        lines.append(
            f"{name}: {len(missing)} of {len(tags)} release tags made no deploy (newest "
            f"`{missing[-1]}`): the commits each released changed no file of a service it "
            "deploys, only files outside their paths (a release that changed only a version, "
            "a lock file, CI or release notes, say)"
        )
    return lines
