"""Every page, declared once: its name, the routes it answers and its function. Each page is a
function of who asks and what (``bot.pages.page.PageContext``): the core's records laid out as
tables, facts and charts for a template, one module per family of pages (``weeks``,
``changes``, ``scopes``, ``agents``, ``ranking``, ``search``). No view reads the request or
writes HTML; ``app`` does both, and makes its routing from ``VIEWS``.

A record the viewer may not see raises ``NotFoundError`` in the core, which ``app`` answers
with the one "not found" page, so a page outside the scope reads exactly as one that does
not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.pages.agents import agents_page
from bot.pages.changes import change_page, deploy_page
from bot.pages.page import Page, PageContext, Url
from bot.pages.ranking import ranking_page
from bot.pages.scopes import home_page, scope_page
from bot.pages.search import search_page
from bot.pages.weeks import rows_page, week_page

__all__ = ["VIEWS", "Page", "PageContext", "PageSpec", "Url"]


@dataclass(frozen=True, slots=True)
class PageSpec:
    """One page: ``name``, which links build it by (``ctx.url(name, …)``) and its CSV file is
    named after; its ``routes`` under the web view's prefix, in werkzeug's syntax, each
    ``<value>`` handed to ``page`` by name; and ``page``, the function of ``PageContext``
    (and those values) returning the ``Page``."""

    name: str
    routes: tuple[str, ...]
    page: Callable[..., Page]


VIEWS: tuple[PageSpec, ...] = (
    PageSpec("home", ("/",), home_page),
    PageSpec("week", ("/week", "/week/<week>"), week_page),
    PageSpec("rows", ("/rows/<week>",), rows_page),
    PageSpec("change", ("/change/<path:key>",), change_page),
    PageSpec("deploy", ("/deploy/<path:key>",), deploy_page),
    PageSpec("service", ("/service/<name>",), lambda ctx, name: scope_page(ctx, name, "service")),
    PageSpec("team", ("/team/<name>",), lambda ctx, name: scope_page(ctx, name, "team")),
    PageSpec("agents", ("/agents",), agents_page),
    PageSpec("ranking", ("/ranking",), ranking_page),
    PageSpec("search", ("/search",), search_page),
)
