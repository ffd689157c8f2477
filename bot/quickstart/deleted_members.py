"""The workspace members the last year deleted: each a service of its old folder.

A monorepo drops a package (vite-plugin-react's ``packages/plugin-react-oxc``, removed in the
year after it shipped): while it stood it was a member its workspace's globs named
(``packages/*`` in ``pnpm-workspace.yaml`` or package.json's ``workspaces``), as its siblings
still are, and the year's changes to it were a member's, not code in no service.
"""

from __future__ import annotations

from pathlib import Path

from bot.quickstart.build_files import workspace_globs
from data.path_globs import matches

__all__ = ["deleted_members"]


def deleted_members(path: Path, files: list[str], deleted: list[str]) -> list[str]:
    """The folders, in the order first met, that the workspace globs of the clone at ``path``
    name as members, holding code the year ``deleted`` and no file HEAD tracks."""
    globs = [g for g in workspace_globs(path) if not g.startswith("!")]
    if not globs or not deleted:
        return []
    # Every folder HEAD holds a file in, at any depth.
    held = {"/".join(p[:i]) for f in files if (p := f.split("/")) for i in range(1, len(p))}
    found: list[str] = []
    for gone in deleted:
        parts = gone.split("/")
        for glob in globs:
            depth = glob.strip("/").count("/") + 1
            if "**" in glob or len(parts) <= depth:
                continue
            folder = "/".join(parts[:depth])
            if folder not in found and folder not in held and matches(glob.strip("/"), folder):
                found.append(folder)
    return found
