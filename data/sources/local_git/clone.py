"""A local clone as a proposed change reads it: its top folder, its refs and its name.

Refs are outside text: they go to git as arguments after checks, never through
a shell. The default target is ``origin/HEAD``, else ``main``/``master`` or
their ``origin/`` copies; a change's diff starts at its merge base with it.
"""

from __future__ import annotations

import re
from pathlib import Path

from data.config import OrgConfig
from data.sources.local_git.git_command import UNSHALLOW, is_shallow, shallow_clone_error
from data.sources.local_git.gitlog import repository_name, run_git
from scoring.errors import SourceError

__all__ = [
    "clone_repository",
    "clone_top",
    "commit_sha",
    "default_base",
    "default_target",
    "merge_base",
]

# An origin URL's last two path parts, ``owner/name``, SSH or HTTPS, ``.git`` or not.
_REMOTE = re.compile(r"[:/]([\w.-]+)/([\w.-]+?)(?:\.git)?/?$")


def clone_top(path: Path) -> Path:
    """The clone's top folder, or a ``SourceError`` when ``path`` is no git clone."""
    if not path.is_dir():
        raise SourceError(f"{path} is not a directory; pass the path of a local git clone.")
    done = run_git(path, "rev-parse", "--show-toplevel", check=False)
    top = done.stdout.decode("utf-8", "replace").strip()
    if done.returncode != 0 or not top:
        raise SourceError(f"{path} is not a git clone; pass the path of a local git clone.")
    return Path(top)


def commit_sha(path: Path, ref: str) -> str:
    """The full sha ``ref`` names, or a ``SourceError`` saying to name a commit there."""
    # A ref starting with "-" would be read as an option; no branch or tag can start so.
    if not ref or ref.startswith("-") or "\0" in ref:
        raise SourceError(f"{ref!r} is not a ref; name a branch, tag or sha of the clone.")
    done = run_git(path, "rev-parse", "--verify", "-q", f"{ref}^{{commit}}", check=False)
    if done.returncode != 0:
        raise SourceError(f"{ref!r} is not a commit in {path}; name a branch, tag or sha there.")
    return done.stdout.decode("ascii", "replace").strip()


def default_target(path: Path) -> str:
    """The tip of the default branch: ``origin/HEAD``, else main, master or their origin copies."""
    candidates: list[str] = []
    remote_head = run_git(path, "symbolic-ref", "-q", "refs/remotes/origin/HEAD", check=False)
    if remote_head.returncode == 0:
        candidates.append(remote_head.stdout.decode("utf-8", "replace").strip())
    candidates += ["main", "master", "origin/main", "origin/master"]
    for ref in candidates:
        probe = run_git(path, "rev-parse", "--verify", "-q", f"{ref}^{{commit}}", check=False)
        if probe.returncode == 0:
            return probe.stdout.decode("ascii", "replace").strip()
    raise SourceError(
        f"{path} has no origin/HEAD, main or master to compare with; pass --base with "
        "the branch the change will merge into."
    )


def merge_base(path: Path, target: str, head: str) -> str:
    """Where ``head`` left ``target``: the commit the change's diff starts from."""
    done = run_git(path, "merge-base", target, head, check=False)
    if done.returncode != 0:
        if is_shallow(path):
            raise shallow_clone_error(path, "where the change left its base is unknown", UNSHALLOW)
        raise SourceError(
            f"{head[:12]} shares no history with {target[:12]} in {path}; "
            "pass --base with the branch the change will merge into."
        )
    return done.stdout.decode("ascii", "replace").strip()


def default_base(path: Path, head: str = "HEAD") -> str:
    """Where ``head`` left the default branch: its merge base with ``default_target``."""
    return merge_base(path, default_target(path), head)


def clone_repository(path: Path, org: OrgConfig | None = None) -> str:
    """The name the store knows the clone by: its ``[[repositories]]`` entry, else its origin."""
    top = clone_top(path).resolve()
    for repo in org.repositories if org is not None else ():
        if repo.path is not None and Path(repo.path).expanduser().resolve() == top:
            return repo.name
    remote = run_git(top, "config", "--get", "remote.origin.url", check=False)
    match = _REMOTE.search(remote.stdout.decode("utf-8", "replace").strip())
    if match:
        return f"{match[1]}/{match[2]}"
    return repository_name(top)
