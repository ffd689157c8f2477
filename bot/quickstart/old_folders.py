"""Each drafted service's paths from before its folders moved (``folder_moves``), with the
``!`` globs of the parts that went elsewhere and of the docs, examples and tests the history
shows in them."""

from __future__ import annotations

from pathlib import Path

from bot.quickstart.drafted import DraftedService, Layout
from bot.quickstart.folder_exclusions import excluded
from bot.quickstart.folder_moves import Moved, moved_folders
from data.path_globs import matches

__all__ = ["with_old_folders"]


def _also_out(moved: Moved, history: list[str]) -> tuple[str, ...]:
    """The ``!`` globs of the docs, examples and tests the history shows in an old folder,
    outside the parts its move already took out (``!flask/testsuite/**``)."""
    if not moved.glob.endswith("/**"):
        return ()
    prefix = moved.glob.removesuffix("**")
    inside = [p for p in history if p.startswith(prefix)]
    rest = [p for p in inside if not any(matches(g[1:], p) for g in moved.excluded)]
    return excluded(moved.glob, [], rest)


def with_old_folders(path: Path, layout: Layout, files: list[str], history: list[str]) -> Layout:
    """Each service's paths from before a move, with their own ``!`` globs: the parts that
    went elsewhere, and the docs, examples and tests the history shows in them."""
    services = [(s.key, (*s.globs, *s.excluded)) for s in layout.services]
    moved = moved_folders(path, services, files)
    if not moved:
        return layout
    out = []
    for s in layout.services:
        olds = moved.get(s.key, ())
        more = [g for m in olds for g in (*m.excluded, *_also_out(m, history))]
        out.append(
            DraftedService(
                s.key,
                (*s.globs, *(m.glob for m in olds)),
                tuple(dict.fromkeys([*s.excluded, *more])),
            )
        )
    return Layout(tuple(out), layout.found_by)
