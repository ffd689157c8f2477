"""What every page view is handed and returns: the context of one request, the page laid
out for a template, and the query's values several pages read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.answers.access import Access
from bot.answers.records.trend import MAX_WEEKS
from bot.pages.grids import Url
from bot.pages.tables import Grid
from data.config import OrgConfig

__all__ = ["Page", "PageContext", "Url", "scope_names", "weeks_asked"]


@dataclass(frozen=True, slots=True)
class PageContext:
    """What a view is handed: the store, the organisation, the viewer's access, the query."""

    session: Session
    org: OrgConfig
    access: Access
    args: Mapping[str, str]
    now: datetime
    url: Url


@dataclass(frozen=True, slots=True)
class Page:
    """A template, its title, its values and its tables (which sort and export by id)."""

    template: str
    title: str
    values: dict[str, Any] = field(default_factory=dict)
    grids: tuple[Grid, ...] = ()


def scope_names(ctx: PageContext) -> list[str] | None:
    """The team or service ``?scope=`` names, or ``None`` for all the viewer may see."""
    scope = ctx.args.get("scope", "").strip()
    return [scope] if scope else None


def weeks_asked(ctx: PageContext) -> int:
    """How many weeks ``?weeks=`` asks for, 12 by default, kept between 4 and the most kept."""
    try:
        return max(4, min(MAX_WEEKS, int(ctx.args.get("weeks", "12"))))
    except ValueError:
        return 12
