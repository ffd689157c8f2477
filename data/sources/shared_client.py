"""Sources that share one HTTP client: the last of them closes it once all have run.

GitHub's and GitLab's sources of one organisation share a connection pool; ``riskbrief
sync`` closes each source after it runs (``data.sync``), so only the last may close
the pool, or the ones after it would find it shut.
"""

from __future__ import annotations

from typing import Protocol

from data.handoff import Handoff, Source

__all__ = ["Closable", "close_with_last"]


class Closable(Protocol):
    """A client holding a connection pool."""

    def close(self) -> None:
        """Release the pool."""
        ...


class _ClosesClient:
    """The last source of those sharing ``client``: closing it closes the client."""

    def __init__(self, source: Source, client: Closable) -> None:
        self._source = source
        self._client = client

    @property
    def name(self) -> str:
        """The wrapped source's name."""
        return self._source.name

    def sync(self, run: Handoff) -> None:
        """Sync the wrapped source."""
        self._source.sync(run)

    def close(self) -> None:
        """Close the shared connection pool once every source sharing it has run."""
        self._client.close()


def close_with_last(sources: list[Source], client: Closable) -> bool:
    """Make the last of ``sources`` close ``client`` after it runs; False when there is none."""
    if not sources:
        return False
    sources[-1] = _ClosesClient(sources[-1], client)
    return True
