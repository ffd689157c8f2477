"""What a source's settings say it does, asked of every ``[sources.<key>]`` table alike.

A settings model that can report incidents has ``reports_incidents()``; one that
reads named repositories (a code host) has ``repositories_read()``. The config
(``SourcesConfig.incidents_known``), the sources' registry and GitHub's default
repositories ask these of each table present, so no list names a source. Like a
source's ``settings`` module, this imports nothing of the project.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

__all__ = ["ReadsRepositories", "ReportsIncidents", "reports_incidents", "repositories_read"]


@runtime_checkable
class ReportsIncidents(Protocol):
    """Settings of a source that may report incidents (PagerDuty, a labelled issue, …)."""

    def reports_incidents(self) -> bool:
        """Whether these settings read incidents, so that a service without one had none."""
        ...


@runtime_checkable
class ReadsRepositories(Protocol):
    """Settings of a code host reading the ``[[repositories]]`` it names (GitLab's projects)."""

    def repositories_read(self) -> tuple[str, ...]:
        """The ``[[repositories]]`` names it reads, so no other source reads them too."""
        ...


def reports_incidents(settings: object) -> bool:
    """Whether ``settings`` (any source's) read incidents; ``False`` for one that never does."""
    return isinstance(settings, ReportsIncidents) and settings.reports_incidents()


def repositories_read(settings: object) -> tuple[str, ...]:
    """The repositories ``settings`` (any source's) name; none for a source reading none."""
    return settings.repositories_read() if isinstance(settings, ReadsRepositories) else ()
