"""What a Rust crate's ``Cargo.toml`` and ``Cargo.lock`` declare, for
``data.sources.local_git.manifests``: the lints, badges, dev-dependencies, workspace members and
descriptive metadata left out, and a lock's own crates' versions, which a release bumps."""

from __future__ import annotations

import tomllib
from typing import Any

__all__ = ["cargo_lock", "cargo_manifest", "only_added"]

# Cargo.toml tables and package keys that configure lints or describe the crate.
_CARGO_METADATA = frozenset(
    {"description", "keywords", "categories", "readme", "homepage", "repository",
     "documentation", "authors", "license", "license-file", "metadata", "exclude", "include",
     "version"}
)  # fmt: skip


def cargo_manifest(text: str) -> object:
    document: dict[str, Any] = tomllib.loads(text)
    document.pop("lints", None)
    document.pop("badges", None)
    # A crate's dev-dependencies build its tests, examples and benchmarks only: no crate that
    # depends on it and no binary it builds ever compiles them (tokio's tracing tests).
    document.pop("dev-dependencies", None)
    document.pop("dev_dependencies", None)
    targets = document.get("target")
    if isinstance(targets, dict):
        for key, table in list(targets.items()):
            if isinstance(table, dict):
                table.pop("dev-dependencies", None)
                table.pop("dev_dependencies", None)
                if not table:
                    del targets[key]
        if not targets:
            del document["target"]
    package = document.get("package")
    if isinstance(package, dict):
        document["package"] = {k: v for k, v in package.items() if k not in _CARGO_METADATA}
    workspace = document.get("workspace")
    if isinstance(workspace, dict):
        workspace.pop("lints", None)
        workspace.pop("metadata", None)
        # Which crates a workspace holds is no dependency: a crate joins or leaves with its own
        # files, which the change shows (axum's examples moved out of its members). Its shared
        # ``[workspace.package]`` fields are its crates' metadata; ``[workspace.dependencies]``
        # and the resolver stay.
        for key in ("members", "exclude", "default-members"):
            workspace.pop(key, None)
        shared = workspace.get("package")
        if isinstance(shared, dict):
            workspace["package"] = {k: v for k, v in shared.items() if k not in _CARGO_METADATA}
    return document


def cargo_lock(text: str) -> object:
    document: dict[str, Any] = tomllib.loads(text)
    packages = document.get("package")
    if isinstance(packages, list):
        # A package with no ``source`` is one of the workspace's own crates: its version is
        # the release's (sharkdp/bat's "Bump version to v0.18.0" relocked only that), no
        # dependency; the packages it depends on, and every fetched package, stay.
        document["package"] = [
            {k: v for k, v in p.items() if k != "version"}
            if isinstance(p, dict) and "source" not in p
            else p
            for p in packages
        ]
    return document


def _fetched(packages: list[Any]) -> list[Any]:
    """A lock's packages, the workspace's own crates without the list of what they depend on
    (which a dev-dependency joins, ``assert_cmd`` in ``bat``'s)."""
    return [
        {k: v for k, v in p.items() if k != "dependencies"}
        if isinstance(p, dict) and "source" not in p
        else p
        for p in packages
    ]


def only_added(was: object, now: object) -> bool:
    """Whether the lock ``now`` (``cargo_lock``'s declarations) only adds packages to ``was``:
    every package it held before is still there as it was, but for what the workspace's own
    crates depend on."""
    if not (isinstance(was, dict) and isinstance(now, dict)):
        return False
    before, after = was.get("package"), now.get("package")
    if not (isinstance(before, list) and isinstance(after, list)):
        return False
    before, after = _fetched(before), _fetched(after)
    kept = [p for p in after if p in before]
    return len(kept) == len(before) and {k: v for k, v in was.items() if k != "package"} == {
        k: v for k, v in now.items() if k != "package"
    }
