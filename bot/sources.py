"""Which sources ``riskbrief sync`` runs: built from ``riskbrief.toml`` and the environment.

The composition root for data sources: tokens come from the settings, what to
read from the ``[sources]`` section and ``[[repositories]]``. A source that is
configured but lacks its token is one sentence naming the variable.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy.engine import Engine
from tqdm import tqdm

from bot.settings import Settings
from data.config import OrgConfig
from data.sources.gitlog import repository_name
from data.sources.local_git import LocalGitSource
from data.sources.reverts import RevertIncidents
from data.sync import Source, run_sources

log = structlog.get_logger("riskbrief.sync")

__all__ = ["BarProgress", "configured_sources", "git_sources", "sync_hook"]


class BarProgress:
    """One tqdm bar per source on stderr, shown only on a terminal."""

    def __init__(self, enabled: bool | None = None) -> None:
        self._enabled = sys.stderr.isatty() if enabled is None else enabled
        self._bars: dict[str, Any] = {}

    def advance(self, source: str, count: int, unit: str) -> None:
        """Move ``source``'s bar on by ``count`` ``unit``."""
        bar = self._bars.get(source)
        if bar is None:
            bar = tqdm(
                desc=source,
                unit=f" {unit}",
                disable=not self._enabled,
                leave=False,
                file=sys.stderr,
            )
            self._bars[source] = bar
        bar.update(count)

    def close(self) -> None:
        """Clear the bars before the summary lines are printed."""
        for bar in self._bars.values():
            bar.close()
        self._bars.clear()


def git_sources(org: OrgConfig, paths: Sequence[Path]) -> list[Source]:
    """Local clones: the given paths, or every ``[[repositories]]`` entry with a ``path``."""
    git = org.sources.git
    if paths:
        out: list[Source] = []
        for path in paths:
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
                        path, repository_name(path), branch=git.branch, deploy_tags=git.deploy_tags
                    )
                )
        return out
    return [LocalGitSource.from_config(r, org) for r in org.repositories if r.path]


def configured_sources(
    settings: Settings, org: OrgConfig, git_paths: Sequence[Path] = ()
) -> list[Source]:
    """Every source to sync, in an order where later ones can use what earlier ones stored.

    With ``git_paths`` only those clones are mined (``riskbrief sync --git PATH``).
    Reverts become incidents last, once every change is in the store.
    """
    sources: list[Source] = list(git_sources(org, git_paths))
    if org.sources.reverts_as_incidents:
        sources.append(RevertIncidents())
    return sources


def sync_hook(settings: Settings) -> Callable[[Engine, OrgConfig], None]:
    """What ``serve``'s scheduler runs to sync: every configured source, summaries to the log."""

    def sync(engine: Engine, org: OrgConfig) -> None:
        for summary in run_sources(engine, org, configured_sources(settings, org)):
            log.info(
                "sync.source",
                source=summary.source,
                added=summary.added,
                updated=summary.updated,
                skipped=summary.skipped,
                error=summary.error,
            )

    return sync
