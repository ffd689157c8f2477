"""The tables several pages share: changes, deploys and incidents as rows with their links."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.answers.records.models import ChangeRow, DeployRow, IncidentRow
from bot.pages.tables import Grid, GridColumn, cell

__all__ = ["Url", "changes_grid", "deploys_grid", "incidents_grid"]

# How a view builds a link to another page: its name, then its path's and query's values.
Url = Callable[..., str]


def _when(at: datetime | None) -> str:
    return "–" if at is None else at.strftime("%Y-%m-%d %H:%M")


def changes_grid(key: str, caption: str, rows: list[ChangeRow], url: Url) -> Grid:
    """Changes as a table: key (linked to its page), score and band first (what a phone shows
    without scrolling sideways), then title, service, when and drivers."""
    return Grid(
        key,
        caption,
        (
            GridColumn("key", "Change"),
            GridColumn("score", "Score", numeric=True),
            GridColumn("band", "Band"),
            GridColumn("title", "Title"),
            GridColumn("service", "Service"),
            GridColumn("merged", "Merged (UTC)"),
            GridColumn("drivers", "Drivers"),
        ),
        tuple(
            (
                cell(c.key, url("change", key=c.key)),
                cell(c.score),
                cell(c.band, band=c.band),
                cell(c.title),
                cell(c.service, url("service", name=c.service) if c.service else None),
                cell(_when(c.merged_at)),
                cell(", ".join(c.drivers)),
            )
            for c in rows
        ),
    )


def deploys_grid(key: str, caption: str, rows: list[DeployRow], url: Url) -> Grid:
    """Deploys as a table, each with its incidents counted: score, band and incidents first;
    its service and time (which its key names too) on a wide screen only."""
    return Grid(
        key,
        caption,
        (
            GridColumn("key", "Deploy"),
            GridColumn("score", "Score", numeric=True),
            GridColumn("band", "Band"),
            GridColumn("incidents", "Incidents", numeric=True),
            GridColumn("status", "Status"),
            GridColumn("service", "Service", wide=True),
            GridColumn("finished", "Finished (UTC)", wide=True),
        ),
        tuple(
            (
                cell(d.key, url("deploy", key=d.key)),
                cell(d.score),
                cell(d.band, band=d.band),
                cell(len(d.incidents)),
                cell(d.status),
                cell(d.service, url("service", name=d.service)),
                cell(_when(d.finished_at)),
            )
            for d in rows
        ),
    )


def incidents_grid(key: str, caption: str, rows: list[IncidentRow], url: Url) -> Grid:
    """Incidents as a table, with minutes to resolve."""
    return Grid(
        key,
        caption,
        (
            GridColumn("key", "Incident"),
            GridColumn("service", "Service"),
            GridColumn("title", "Title"),
            GridColumn("opened", "Opened (UTC)"),
            GridColumn("minutes", "Minutes to resolve", numeric=True),
        ),
        tuple(
            (
                cell(i.key),
                cell(i.service, url("service", name=i.service)),
                cell(i.title),
                cell(_when(i.opened_at)),
                cell(i.minutes_to_resolve),
            )
            for i in rows
        ),
    )
