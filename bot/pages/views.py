"""Every page by the name of its route. Each page is a function of who asks and what
(``bot.pages.page.PageContext``): the core's records laid out as tables, facts and charts
for a template, one module per family of pages (``weeks``, ``changes``, ``scopes``,
``agents``, ``ranking``, ``search``). No view reads the request or writes HTML; ``app``
does both.

A record the viewer may not see raises ``NotFoundError`` in the core, which ``app`` answers
with the one "not found" page, so a page outside the scope reads exactly as one that does
not exist.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.pages.agents import agents_page
from bot.pages.changes import change_page, deploy_page
from bot.pages.page import Page, PageContext, Url
from bot.pages.ranking import ranking_page
from bot.pages.scopes import home_page, scope_page
from bot.pages.search import search_page
from bot.pages.weeks import rows_page, week_page

__all__ = ["VIEWS", "Page", "PageContext", "Url"]

VIEWS: dict[str, Callable[..., Page]] = {
    "home": home_page,
    "week": week_page,
    "rows": rows_page,
    "change": change_page,
    "deploy": deploy_page,
    "service": lambda ctx, name: scope_page(ctx, name, "service"),
    "team": lambda ctx, name: scope_page(ctx, name, "team"),
    "agents": agents_page,
    "ranking": ranking_page,
    "search": search_page,
}
