"""Which sources ``riskbrief sync`` runs: built from ``riskbrief.toml`` and the environment.

The composition root for data sources: each registered spec
(``data.sources.registry``) builds its own from its ``[sources.<key>]`` table and
the variables it declares. A source that is configured but lacks its token is one
sentence naming the variable.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy.engine import Engine
from tqdm import tqdm

from bot.settings import Settings
from data.config import OrgConfig
from data.handoff import Source
from data.rules.revert_incidents import RevertIncidents
from data.sources.registry import configured
from data.sources.spec import SourceContext
from data.sync import run_sources

log = structlog.get_logger("riskbrief.sync")

__all__ = ["BarProgress", "configured_sources", "registered_sources", "sync_hook"]


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


def registered_sources(
    settings: Settings,
    org: OrgConfig,
    environ: Mapping[str, str] | None = None,
    git_paths: Sequence[Path] = (),
) -> list[Source]:
    """The sources of every registered spec (``data.sources.registry``) whose table is set,
    in its order; with ``git_paths``, only the local clones' spec's, on those paths."""
    context = SourceContext(
        org, os.environ if environ is None else environ, settings.config.parent, tuple(git_paths)
    )
    out: list[Source] = []
    for spec, source_settings in configured(org):
        if git_paths and not spec.clones:
            continue
        out.extend(spec.sources(source_settings, context))
    return out


def configured_sources(
    settings: Settings,
    org: OrgConfig,
    git_paths: Sequence[Path] = (),
    environ: Mapping[str, str] | None = None,
) -> list[Source]:
    """Every source to sync, in an order where later ones can use what earlier ones stored.

    With ``git_paths`` only those clones are mined (``riskbrief sync --git PATH``).
    Changes come before deploys (a deploy ships changes already stored) and
    reverts become incidents last, once every change is in the store. A source
    configured without its credentials is a ``ConfigError`` naming the variable.
    Each source reads its credentials from ``environ`` (the process's).
    """
    # The registry's order: clones, the code hosts (Codecov's comparisons attach to
    # changes already stored), the incident tools and trackers, then files.
    sources = registered_sources(settings, org, environ, git_paths)
    if org.sources.reverts_as_incidents:
        sources.append(RevertIncidents())
    return sources


def sync_hook(
    settings: Settings, record: Callable[[str, str | None], None] | None = None
) -> Callable[[Engine, OrgConfig], None]:
    """What ``serve``'s scheduler runs to sync: every configured source, summaries to the log
    and, when given, to ``record`` (the source's name and its error, if any)."""

    def sync(engine: Engine, org: OrgConfig) -> None:
        for summary in run_sources(engine, org, configured_sources(settings, org)):
            if record is not None:
                record(summary.source, summary.error)
            log.info(
                "sync.source",
                source=summary.source,
                added=summary.added,
                updated=summary.updated,
                skipped=summary.skipped,
                error=summary.error,
            )

    return sync
