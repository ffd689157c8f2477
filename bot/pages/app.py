"""The web view as a WSGI application: routes, who is looking, and the answer of every page.

Every page is a view of ``bot.pages.views`` (the core's records laid out), answered at the
routes its ``PageSpec`` declares, rendered with a Jinja2 template that escapes everything it
prints. Around each:

- **Who**: a briefing's signed link (``?t=``, then a signed session cookie and a redirect
  that takes the token out of the address bar), a sign-in with the organisation's OpenID
  Connect provider, an MCP bearer token for scripts, or nobody at all for ``riskbrief
  web`` on one's own machine (``open``).
- **Not found is one page**: anything outside the viewer's scope answers the very bytes
  that a page that does not exist answers.
- **Headers**: a Content-Security-Policy with no script at all, ``Referrer-Policy:
  no-referrer`` so a link's token never leaves in a Referer, ``no-store`` caching (but for
  the stylesheet, the same for everyone, which may be kept for an hour).
- GET and HEAD only outside the sign-in and sign-out: a page never changes anything, so a
  mail scanner that follows a link changes nothing either. Signing out (a POST from a page's
  own form) is the one write: it revokes the session in the store for every replica.
- **Links**: every link a page writes to itself is built from the path matched, so a change
  key's ``#`` stays encoded; a page's query is bounded, since it is written back into them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from importlib.resources import files
from typing import Any
from urllib.parse import urlencode
from wsgiref.types import StartResponse, WSGIEnvironment

import structlog
from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.engine import Engine
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from bot.answers.access import Access, TokenTable
from bot.pages import views
from bot.pages.links import LINK_PARAMETER, LinkSigner, SessionValue
from bot.pages.search import MAX_QUERY
from bot.pages.signin import (
    SESSION_COOKIE,
    SIGNOUT_FIELD,
    SignIn,
    SignInRoutes,
    cookie_name,
    see_other,
    set_session,
)
from bot.pages.tables import breakable, grid_csv, sorted_grid
from bot.pages.viewer import (
    Via,
    Viewer,
    subscriber_access,
    token_viewer,
)
from bot.pages.views import PageContext, PageSpec
from data.clock import utcnow
from data.config import OrgConfig
from data.store.engine import session_scope
from data.store.web_sessions import is_revoked
from scoring.errors import NotFoundError, RiskbriefError

__all__ = ["DEFAULT_PREFIX", "SESSION_COOKIE", "PagesApp", "PagesConfig", "SignIn"]

DEFAULT_PREFIX = "/web"

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
_HEADERS = {
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}

log = structlog.get_logger("riskbrief.pages")

# The web view's own routes, around the pages: signing in and out, and the stylesheet.
_OWN_RULES = (
    Rule("/signin", endpoint="signin"),
    Rule("/signin/callback", endpoint="callback"),
    Rule("/signout", endpoint="signout"),
    Rule("/static/<file>", endpoint="static"),
)


def _routing(pages: Sequence[PageSpec]) -> Map:
    """Each page's routes, as its ``PageSpec`` declares them, and the web view's own."""
    own = {str(rule.endpoint) for rule in _OWN_RULES}
    names = [view.name for view in pages]
    clash = sorted(n for n in set(names) if names.count(n) > 1 or n in own)
    if clash:
        raise ValueError(f"pages named twice or as one of the web view's own routes: {clash}")
    rules = [Rule(route, endpoint=view.name) for view in pages for route in view.routes]
    return Map([*rules, *(rule.empty() for rule in _OWN_RULES)], strict_slashes=False)


_STATIC = {"site.css": "text/css; charset=utf-8"}
# The longest query a page reads: every page writes its query back into its permalink and
# into each table's sort and CSV links, so a longer one would come back many times over.
MAX_QUERY_STRING = 2048


@dataclass(frozen=True, slots=True)
class PagesConfig:
    """How the web view is reached and who may see it.

    ``open`` shows the whole organisation to anyone who reaches it: only for
    ``riskbrief web`` listening on the loopback address. Otherwise a viewer comes with a
    link ``signer`` made, a sign-in through ``signin``, or one of the MCP ``tokens``.
    """

    prefix: str = DEFAULT_PREFIX
    signer: LinkSigner | None = None
    open: bool = False
    signin: SignIn | None = None
    admins: frozenset[str] = frozenset()
    tokens: TokenTable | None = None
    secure_cookies: bool = False


class PagesApp:
    """The web view's WSGI application (mounted at ``config.prefix``)."""

    def __init__(
        self,
        engine: Engine,
        org: OrgConfig,
        config: PagesConfig,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._engine = engine
        self._org = org
        self._config = config
        self._clock = clock
        # Read when the application is made, so that every page registered is routed.
        self._views = {view.name: view.page for view in views.VIEWS}
        self._rules = _routing(views.VIEWS)
        self._env = Environment(
            loader=PackageLoader("bot.pages", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._env.globals["search_max"] = MAX_QUERY
        self._env.filters["breakable"] = breakable
        self._not_found = (
            self._env.get_template("not_found.html").render(prefix=config.prefix).encode()
        )
        self._signin = SignInRoutes(
            engine,
            config.prefix,
            config.signin,
            config.signer,
            config.admins,
            config.secure_cookies,
            self._message,
            self.not_found,
            clock,
        )

    # -- WSGI -------------------------------------------------------------------------

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        try:
            response = self._respond(request)
        except Exception:
            # A page that fails says so in one sentence; the log has the rest (never the
            # query string, which may hold a link's token).
            log.exception("pages.failed", path=request.path)
            response = self._message(
                "Something went wrong",
                "This page could not be made; try again, and if it keeps failing, the "
                "riskbrief log says why.",
                500,
            )
        for name, value in _HEADERS.items():
            response.headers.setdefault(name, value)
        return response(environ, start_response)

    def _respond(self, request: Request) -> Response:
        path = request.path
        prefix = self._config.prefix
        if path != prefix and not path.startswith(prefix + "/"):
            return self.not_found()
        adapter = self._rules.bind(
            "localhost", script_name=prefix, path_info=path[len(prefix) :] or "/"
        )
        try:
            endpoint, values = adapter.match(method="GET")
        except NotFound:
            return self.not_found()
        except HTTPException:
            return self.not_found()
        if endpoint == "static":
            return self._static(values["file"])
        if endpoint == "callback":
            return self._signin.callback(request)
        if endpoint == "signin":
            return self._signin.start(request)
        if endpoint == "signout":
            return self._signin.signout(request)
        if request.method not in ("GET", "HEAD"):
            return self._message("Not allowed", "Pages are only read here.", 405)
        # The page's own address as its links write it: the path built again from the values
        # it matched, so a change key's ``#`` stays percent-encoded (``request.path`` is decoded).
        path = adapter.build(str(endpoint), dict(values))
        return self._page(request, str(endpoint), dict(values), path)

    # -- who is looking -----------------------------------------------------------------

    def _viewer(self, request: Request, path: str) -> Viewer | Response:
        config = self._config
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer ") and config.tokens is not None:
            viewer = token_viewer(config.tokens, header[7:].strip())
            if viewer is None:
                return self._message(
                    "Not signed in",
                    "That bearer token is not one riskbrief knows; use a token from "
                    "RISKBRIEF_MCP_TOKENS.",
                    401,
                )
            return viewer
        token = request.args.get(LINK_PARAMETER)
        if token is not None and config.signer is not None:
            subscriber = config.signer.link_subscriber(token)
            if subscriber is None or self._subscriber_access(subscriber) is None:
                return self._message(
                    "Link expired",
                    "This link has expired or is not valid; open the link in your newest "
                    "briefing, or sign in.",
                    401,
                )
            # The token leaves the address bar (and so history and screenshots) at once.
            response = see_other(_address(path, _kept(request)))
            self._set_session(response, SessionValue(subscriber, None))
            return response
        cookie = request.cookies.get(cookie_name(SESSION_COOKIE, config.secure_cookies))
        if cookie is not None and config.signer is not None:
            value = config.signer.session(cookie)
            if value is not None:
                viewer = self._session_viewer(value)
                if viewer is not None:
                    return viewer
        # Open (``riskbrief web``): whoever reaches it sees the whole organisation, unless they
        # came by a briefing's link, which opens that briefing's scope as it would anywhere.
        if config.open:
            return Viewer(Access.organisation(self._org), Via.OPEN, "this machine")
        if config.signin is not None:
            next_path = _address(path, _kept(request))
            return see_other(f"{config.prefix}/signin?" + urlencode({"next": next_path}))
        return self._message(
            "Not signed in",
            "Open the web view from the link in your briefing; this riskbrief has no sign-in "
            "configured.",
            401,
        )

    def _subscriber_access(self, key: str) -> Access | None:
        with session_scope(self._engine) as session:
            return subscriber_access(session, self._org, key)

    def _session_viewer(self, value: SessionValue) -> Viewer | None:
        with session_scope(self._engine) as session:
            # Signed out (on any replica): the cookie is still signed, but opens nothing.
            if is_revoked(session, value.sid):
                return None
            if value.organisation:
                if value.email is None or value.email.lower() not in self._config.admins:
                    return None
                return Viewer(Access.organisation(self._org), Via.SESSION, value.email, value.sid)
            if value.subscriber is None:
                return None
            access = subscriber_access(session, self._org, value.subscriber)
        if access is None:
            return None
        return Viewer(access, Via.SESSION, value.email or value.subscriber, value.sid)

    def _set_session(self, response: Response, value: SessionValue) -> None:
        assert self._config.signer is not None
        set_session(
            response,
            self._config.signer,
            value,
            prefix=self._config.prefix,
            secure=self._config.secure_cookies,
        )

    # -- pages ------------------------------------------------------------------------------

    def _page(self, request: Request, endpoint: str, values: dict[str, Any], path: str) -> Response:
        if len(request.query_string) > MAX_QUERY_STRING:
            return self._message(
                "Address too long",
                f"A page's address takes at most {MAX_QUERY_STRING} characters after its '?'; "
                "open the page from one of its links.",
                414,
            )
        viewer = self._viewer(request, path)
        if isinstance(viewer, Response):
            return viewer
        view = self._views[endpoint]
        prefix = self._config.prefix
        adapter = self._rules.bind("localhost", script_name=prefix)

        def url(page: str, /, **params: Any) -> str:
            clean = {k: v for k, v in params.items() if v is not None}
            return adapter.build(page, clean)

        args = {k: v for k, v in request.args.items() if k != LINK_PARAMETER}
        try:
            with session_scope(self._engine) as session:
                ctx = PageContext(session, self._org, viewer.access, args, self._clock(), url)
                page = view(ctx, **values)
        except NotFoundError:
            return self.not_found()
        except RiskbriefError as exc:
            return self._message("Cannot answer", str(exc), 400)
        grids = tuple(sorted_grid(g, args.get("sort"), args.get("dir")) for g in page.grids)
        page = replace(page, grids=grids)
        wanted = args.get("csv")
        if wanted is not None:
            grid = next((g for g in grids if g.key == wanted), None)
            if grid is None:
                return self.not_found()
            return Response(
                grid_csv(grid),
                200,
                mimetype="text/csv",
                headers={
                    "Content-Disposition": f'attachment; filename="{endpoint}-{grid.key}.csv"'
                },
            )

        def sort_url(grid: str, column: str, descending: bool) -> str:
            kept = {k: v for k, v in args.items() if k not in ("sort", "dir", "csv")}
            kept.update(sort=f"{grid}.{column}", dir="desc" if descending else "asc")
            return _address(path, kept.items())

        def csv_url(grid: str) -> str:
            kept = {k: v for k, v in args.items() if k != "csv"}
            kept["csv"] = grid
            return _address(path, kept.items())

        permalink = _address(path, args.items())
        signer = self._config.signer
        signout = (
            signer.signout_token(viewer.sid)
            if signer is not None and viewer.via is Via.SESSION and viewer.sid is not None
            else None
        )
        html = self._env.get_template(page.template).render(
            page=page,
            viewer=viewer,
            url=url,
            sort_url=sort_url,
            csv_url=csv_url,
            permalink=permalink,
            signout_token=signout,
            signout_field=SIGNOUT_FIELD,
            prefix=prefix,
            signin=self._config.signin is not None,
            **page.values,
        )
        return Response(html, 200, mimetype="text/html")

    def not_found(self) -> Response:
        """The one answer for a page that does not exist and for one outside the scope."""
        return Response(self._not_found, 404, mimetype="text/html")

    def _message(self, title: str, sentence: str, status: int) -> Response:
        html = self._env.get_template("message.html").render(
            title=title, sentence=sentence, prefix=self._config.prefix
        )
        return Response(html, status, mimetype="text/html")

    def _static(self, name: str) -> Response:
        kind = _STATIC.get(name)
        if kind is None:
            return self.not_found()
        data = (files("bot.pages") / "static" / name).read_bytes()
        response = Response(data, 200, content_type=kind)
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response


def _kept(request: Request) -> list[tuple[str, str]]:
    """The request's query without a link's token."""
    return [(k, v) for k, v in request.args.items(multi=True) if k != LINK_PARAMETER]


def _address(path: str, query: Iterable[tuple[str, str]]) -> str:
    """``path`` (as ``MapAdapter.build`` writes it: percent-encoded) with ``query`` after it.

    Every link a page writes back to itself (a header's sort, a table's CSV, the permalink, the
    redirect that takes a link's token away, the sign-in's way back) is made here, from the
    path built again from the values the request matched, never from ``request.path``, which
    is decoded: a pull request's key ``acme/shop#12`` would end the path at its ``#``.
    """
    pairs = list(query)
    return path + ("?" + urlencode(pairs) if pairs else "")
