"""Files declared to the app once: each ``[[sources.files]]`` table, a file re-read every sync.

``FILES`` is what ``data.sources.registry`` lists, after every other source, so a
file's deploys and incidents land on changes already stored. Its table is an array:
each table is one file and one source.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from data.config.sources.files import FileImportConfig
from data.sources.spec import SourceContext, SourceSpec

if TYPE_CHECKING:
    from data.handoff import Source

__all__ = ["FILES"]


def _sources(settings: FileImportConfig, context: SourceContext) -> Sequence[Source]:
    from data.sources.files.source import FileImportSource

    return [FileImportSource(settings, context.base)]


FILES = SourceSpec(
    key="files",
    title="Files",
    settings=FileImportConfig,
    env=(),
    sources=_sources,
    many=True,
)
