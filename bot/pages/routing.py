"""The web view's routes (each page's and its own) and the addresses its links write back."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from urllib.parse import urlencode

from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request

from bot.pages.links import LINK_PARAMETER
from bot.pages.views import PageSpec

__all__ = ["link_free_query", "page_address", "page_routing"]

# The web view's own routes, around the pages: signing in and out, and the stylesheet.
_OWN_RULES = (
    Rule("/signin", endpoint="signin"),
    Rule("/signin/callback", endpoint="callback"),
    Rule("/signout", endpoint="signout"),
    Rule("/static/<file>", endpoint="static"),
)


def page_routing(pages: Sequence[PageSpec]) -> Map:
    """Each page's routes, as its ``PageSpec`` declares them, and the web view's own."""
    own = {str(rule.endpoint) for rule in _OWN_RULES}
    names = [view.name for view in pages]
    clash = sorted(n for n in set(names) if names.count(n) > 1 or n in own)
    if clash:
        raise ValueError(f"pages named twice or as one of the web view's own routes: {clash}")
    rules = [Rule(route, endpoint=view.name) for view in pages for route in view.routes]
    return Map([*rules, *(rule.empty() for rule in _OWN_RULES)], strict_slashes=False)


def link_free_query(request: Request) -> list[tuple[str, str]]:
    """The request's query without a link's token."""
    return [(k, v) for k, v in request.args.items(multi=True) if k != LINK_PARAMETER]


def page_address(path: str, query: Iterable[tuple[str, str]]) -> str:
    """``path`` (as ``MapAdapter.build`` writes it: percent-encoded) with ``query`` after it.

    Every link a page writes back to itself (a header's sort, a table's CSV, the permalink, the
    redirect that takes a link's token away, the sign-in's way back) is made here, from the
    path built again from the values the request matched, never from ``request.path``, which
    is decoded: a pull request's key ``acme/shop#12`` would end the path at its ``#``.
    """
    pairs = list(query)
    return path + ("?" + urlencode(pairs) if pairs else "")
