"""Local clones declared to the app once: ``[sources.git]`` and the clones it mines.

``GIT`` is what ``data.sources.registry`` lists, first, so that every commit is
stored before a code host's sources read the same changes. Its table is always
there (its defaults mine every ``[[repositories]]`` entry with a ``path``), and it
is the spec ``riskbrief sync --git PATH`` runs alone, on those paths.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from data.config.sources.git import GitSourceConfig
from data.sources.spec import SourceContext, SourceSpec

if TYPE_CHECKING:
    from data.handoff import Source

__all__ = ["GIT"]


def _sources(settings: GitSourceConfig, context: SourceContext) -> Sequence[Source]:
    """The given paths (``--git PATH``), else every ``[[repositories]]`` entry with a ``path``."""
    from data.sources.local_git.gitlog import repository_name
    from data.sources.local_git.source import LocalGitSource

    org = context.org
    if not context.paths:
        return [LocalGitSource.from_config(r, org) for r in org.repositories if r.path]
    out: list[Source] = []
    for path in context.paths:
        configured = next(
            (
                r
                for r in org.repositories
                if r.path and Path(r.path).expanduser().resolve() == path.resolve()
            ),
            None,
        )
        if configured is not None:
            out.append(LocalGitSource.from_config(configured, org))
        else:
            out.append(
                LocalGitSource(
                    path,
                    repository_name(path),
                    branch=settings.branch,
                    deploy_tags=settings.deploy_tags,
                )
            )
    return out


GIT = SourceSpec(
    key="git",
    title="local clones",
    settings=GitSourceConfig,
    env=(),
    sources=_sources,
    clones=True,
)
