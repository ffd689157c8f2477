"""The rows a scope's week counts, by the one rule every reader goes by.

A team's or a service's week counts its services' changes, deploys and incidents; the whole
organisation's counts those of every service and also its changes in code no service holds
(a change of a repository's tooling or of code no service maps is still the organisation's).
The briefing, ``ask``/``/risk``, MCP and the web view all cut their weeks with it, so each
counts the same changes for the same scope and week (docs/briefing.md, "Which changes a week
counts").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlmodel import Session

from data.store.window import Window, WindowRows, load_window

__all__ = ["counted_rows", "scope_rows"]


def counted_rows(
    window: Window, since: datetime, until: datetime, services: Sequence[str], whole: bool
) -> WindowRows:
    """The rows of ``[since, until)`` a scope of ``services`` counts, cut from ``window``:
    ``whole`` (the whole organisation) adds its changes in code no service holds."""
    return window.slice(since, until, services, unowned=whole)


def scope_rows(
    session: Session,
    since: datetime,
    until: datetime,
    version: str,
    services: Sequence[str],
    whole: bool,
    *,
    outcomes: bool = True,
    changes_only: bool = False,
    later_fixed: Mapping[str, frozenset[str]] | None = None,
) -> WindowRows:
    """The rows of ``[since, until)`` a scope of ``services`` counts (``counted_rows``), read
    from the store: the whole organisation's read whole, another scope's by its services."""
    window = load_window(
        session,
        since,
        until,
        version,
        None if whole else services,
        outcomes=outcomes,
        changes_only=changes_only,
        later_fixed=later_fixed,
    )
    return counted_rows(window, since, until, services, whole)
