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

Its parts: ``bot.pages.config`` (``PagesConfig``), ``bot.pages.routing`` (the routes and
the links' addresses), ``bot.pages.recognition`` (who is looking) and
``bot.pages.rendering`` (the templates, the messages, the stylesheet).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any
from wsgiref.types import StartResponse, WSGIEnvironment

import structlog
from sqlalchemy.engine import Engine
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.wrappers import Request, Response

from bot.pages import views
from bot.pages.config import DEFAULT_PREFIX, PagesConfig
from bot.pages.links import LINK_PARAMETER
from bot.pages.page import Page, Url
from bot.pages.recognition import ViewerRecognizer
from bot.pages.rendering import PageRenderer
from bot.pages.routing import page_address, page_routing
from bot.pages.signin import SESSION_COOKIE, SIGNOUT_FIELD, SignIn, SignInRoutes
from bot.pages.tables import Grid, grid_csv, sorted_grid
from bot.pages.viewer import Via, Viewer
from bot.pages.views import PageContext
from data.clock import utcnow
from data.config import OrgConfig
from data.store.engine import session_scope
from scoring.errors import NotFoundError, RiskbriefError

# ``DEFAULT_PREFIX``, ``PagesConfig``, ``SESSION_COOKIE`` and ``SignIn`` are answered here
# too: every maker of a web view (``serve``, ``riskbrief web``, the tests, the benchmarks)
# imports them beside ``PagesApp``.
__all__ = ["DEFAULT_PREFIX", "SESSION_COOKIE", "PagesApp", "PagesConfig", "SignIn"]

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

# The longest query a page reads: every page writes its query back into its permalink and
# into each table's sort and CSV links, so a longer one would come back many times over.
MAX_QUERY_STRING = 2048


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
        self._rules = page_routing(views.VIEWS)
        self._renderer = PageRenderer(config.prefix)
        self._message = self._renderer.message
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
        self._recognizer = ViewerRecognizer(engine, org, config, self._message)

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
            return self._renderer.static(values["file"])
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

    # -- pages ------------------------------------------------------------------------------

    def _page(self, request: Request, endpoint: str, values: dict[str, Any], path: str) -> Response:
        if len(request.query_string) > MAX_QUERY_STRING:
            return self._message(
                "Address too long",
                f"A page's address takes at most {MAX_QUERY_STRING} characters after its '?'; "
                "open the page from one of its links.",
                414,
            )
        viewer = self._recognizer.viewer(request, path)
        if isinstance(viewer, Response):
            return viewer
        view = self._views[endpoint]
        adapter = self._rules.bind("localhost", script_name=self._config.prefix)

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
            return self._csv(endpoint, grids, wanted)
        return self._html(page, viewer, url, path, args)

    def _csv(self, endpoint: str, grids: tuple[Grid, ...], wanted: str) -> Response:
        """The table ``wanted`` of a page as a CSV file; not found when it has none of that id."""
        grid = next((g for g in grids if g.key == wanted), None)
        if grid is None:
            return self.not_found()
        return Response(
            grid_csv(grid),
            200,
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{endpoint}-{grid.key}.csv"'},
        )

    def _html(
        self, page: Page, viewer: Viewer, url: Url, path: str, args: dict[str, str]
    ) -> Response:
        """``page`` made with its template, its links written back to ``path``."""

        def sort_url(grid: str, column: str, descending: bool) -> str:
            kept = {k: v for k, v in args.items() if k not in ("sort", "dir", "csv")}
            kept.update(sort=f"{grid}.{column}", dir="desc" if descending else "asc")
            return page_address(path, kept.items())

        def csv_url(grid: str) -> str:
            kept = {k: v for k, v in args.items() if k != "csv"}
            kept["csv"] = grid
            return page_address(path, kept.items())

        permalink = page_address(path, args.items())
        signer = self._config.signer
        signout = (
            signer.signout_token(viewer.sid)
            if signer is not None and viewer.via is Via.SESSION and viewer.sid is not None
            else None
        )
        html = self._renderer.render(
            page.template,
            page=page,
            viewer=viewer,
            url=url,
            sort_url=sort_url,
            csv_url=csv_url,
            permalink=permalink,
            signout_token=signout,
            signout_field=SIGNOUT_FIELD,
            prefix=self._config.prefix,
            signin=self._config.signin is not None,
            **page.values,
        )
        return Response(html, 200, mimetype="text/html")

    def not_found(self) -> Response:
        """The one answer for a page that does not exist and for one outside the scope."""
        return self._renderer.not_found()
