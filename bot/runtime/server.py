"""The HTTP side of ``riskbrief serve``: the routes a replica answers, under waitress.

Slack's requests go to bolt at ``/slack/events`` (signed only); ``/healthz``,
``/readyz`` and ``/metrics`` are answered by every role; the web role's other
applications (``/mcp``, the code hosts' checks' webhooks, ``/deploys``, ``/coverage``) are
handed in already built, so their modules load only in a process that serves them.

They are one WSGI application: werkzeug's routing behind the one chain (``bot.doors``),
whose first guard refuses a body over ``BODY_LIMIT`` (but a coverage report's) unread, and
each door's own guards then do the rest; every refusal is ``{"error": "<one sentence>"}``.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from wsgiref.types import WSGIApplication

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from waitress import create_server, wasyncore
from waitress.channel import HTTPChannel
from waitress.task import ErrorTask
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from bot.doors.answer import json_answer, refusal_body
from bot.doors.chain import declared_within, door
from bot.runtime.metrics import CONTENT_TYPE, Exposition
from data.config import load_org_config
from data.store.migrate import is_current
from scoring.errors import ConfigError, RiskbriefError

if TYPE_CHECKING:
    from slack_bolt import App

__all__ = [
    "BODY_LIMIT",
    "EVENTS_PATH",
    "HEALTH_PATH",
    "METRICS_PATH",
    "READY_PATH",
    "HttpServer",
    "wsgi_application",
]

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
METRICS_PATH = "/metrics"


def _not_found() -> Response:
    return json_answer(404, {"error": "not found"})


def _readiness(engine: Engine, config: Path | None) -> dict[str, str]:
    """What keeps this process from serving: the store, its schema, the organisation file."""
    problems: dict[str, str] = {}
    try:
        if not is_current(engine):
            problems["database"] = "not migrated; run `riskbrief db upgrade`"
    except sa.exc.SQLAlchemyError:
        problems["database"] = "down"
    if config is not None:
        try:
            load_org_config(config)
        except RiskbriefError as exc:
            problems["config"] = str(exc)
    return problems


def wsgi_application(
    app: App | None,
    engine: Engine,
    deploys: WSGIApplication | None = None,
    *,
    signing_secret: str | None = None,
    config: Path | None = None,
    metrics: Exposition | None = None,
    mcp: WSGIApplication | None = None,
    coverage: WSGIApplication | None = None,
    checks: Mapping[str, WSGIApplication] | None = None,
    pages: tuple[str, WSGIApplication] | None = None,
) -> WSGIApplication:
    """Slack's requests to bolt at ``/slack/events``, and the probes a load balancer asks.

    ``GET /healthz`` answers 200 while the process serves at all; ``GET /readyz``
    200 only while the store answers and is migrated and ``config`` (the
    organisation file, when given) still reads, else 503 saying which is not.
    ``deploys`` answers ``/deploys`` (CI pipelines reporting deploys); ``app``
    is ``None`` in Socket Mode, where Slack's requests do not come over HTTP.
    Slack's requests reach bolt only when signed with ``signing_secret``.
    ``GET /metrics`` gives ``metrics`` in Prometheus' text format. ``checks`` are the code
    hosts' webhooks by path (``bot.checks.registry``: the `riskbrief` check on changes); ``mcp``
    answers ``/mcp`` (``bot.mcp.http``: the MCP server for coding agents, behind bearer tokens).
    ``coverage`` answers ``/coverage`` (``bot.ci.coverage``: CI's coverage reports).
    ``pages`` is the web view (``bot.pages``) and the path prefix it answers under.
    """
    slack: WSGIApplication | None = None
    if app is not None:
        if not signing_secret:
            raise ConfigError("SLACK_SIGNING_SECRET is not set; HTTP mode needs it")
        from bot.slack.form_requests import FormRequestHandler
        from bot.slack.signed import signed_only

        slack = signed_only(FormRequestHandler(app, path=EVENTS_PATH), signing_secret)
    routes = _routes(deploys=deploys, coverage=coverage, mcp=mcp, checks=checks or {})
    if slack is not None:
        routes[EVENTS_PATH] = slack
    doors = Map(_rules(routes, pages, metrics=metrics is not None), merge_slashes=False)

    def probe(endpoint: str) -> Response:
        if endpoint == "health":
            return json_answer(200, {"status": "ok"})
        if endpoint == "ready":
            problems = _readiness(engine, config)
            if problems:
                return json_answer(503, {"status": "error", **problems})
            return json_answer(200, {"status": "ok", "database": "ok"})
        assert metrics is not None
        return Response(metrics.exposition(), 200, content_type=CONTENT_TYPE)

    def route(request: Request) -> WSGIApplication:
        try:
            endpoint, _values = doors.bind("riskbrief", path_info=request.path).match(
                method=request.method
            )
        except HTTPException:
            # A path no door answers, a probe asked with another method, a slash too many.
            return _not_found()
        if endpoint == "pages" and pages is not None:
            return pages[1]
        if endpoint in routes:
            return routes[str(endpoint)]
        return probe(str(endpoint))

    # waitress takes bodies up to a coverage report's size; every other path keeps 1 MB.
    within = declared_within(BODY_LIMIT, "body too large")
    large = _coverage_path() if coverage is not None else None

    def limited(request: Request) -> None:
        if request.path != large:
            within(request)

    return door(route, [limited], refused="http.refused", logger="riskbrief.serve")


def _rules(
    routes: Mapping[str, WSGIApplication],
    pages: tuple[str, WSGIApplication] | None,
    *,
    metrics: bool,
) -> list[Rule]:
    """The routing of every door by path: each web-role route, the web view under its prefix,
    and the probes (GET, and so HEAD)."""
    rules = [Rule(path, endpoint=path) for path in routes]
    if pages is not None:
        prefix = pages[0]
        rules += [
            Rule(prefix, endpoint="pages"),
            Rule(prefix + "/", endpoint="pages"),
            Rule(prefix + "/<path:rest>", endpoint="pages"),
        ]
    rules += [
        Rule(HEALTH_PATH, endpoint="health", methods=["GET"]),
        Rule(READY_PATH, endpoint="ready", methods=["GET"]),
    ]
    if metrics:
        rules.append(Rule(METRICS_PATH, endpoint="metrics", methods=["GET"]))
    return rules


def _coverage_path() -> str:
    from bot.ci.coverage import COVERAGE_PATH

    return COVERAGE_PATH


def _routes(
    *,
    deploys: WSGIApplication | None,
    coverage: WSGIApplication | None,
    mcp: WSGIApplication | None,
    checks: Mapping[str, WSGIApplication],
) -> dict[str, WSGIApplication]:
    """The web role's applications by path; only those given, so only their modules load."""
    routes: dict[str, WSGIApplication] = {}
    if deploys is not None:
        from bot.ci.deploys import DEPLOYS_PATH

        routes[DEPLOYS_PATH] = deploys
    if coverage is not None:
        routes[_coverage_path()] = coverage
    if mcp is not None:
        from bot.mcp.http import MCP_PATH

        routes[MCP_PATH] = mcp
    routes.update(checks)
    return routes


# The largest body any path but /coverage takes.
BODY_LIMIT = 1 << 20


def refusal_sentence(code: int, path: str | None, detail: str) -> str:
    """What waitress's own refusal of a request says, as every route's refusals do: one sentence.

    A body waitress will not take (413) is said as the route says it, so a coverage report
    of 200 MB or more reads as ``POST /coverage`` promises."""
    if code == 413:
        if path == _coverage_path():
            from data.sources.coverage.read import REPORT_LIMIT_TEXT

            return f"a coverage report must be {REPORT_LIMIT_TEXT}"
        return "body too large"
    return f"the request was refused ({detail})"


class _JsonErrorTask(ErrorTask):  # type: ignore[misc]
    """waitress's answer to a request it refuses before the application (a body over its
    limit, a malformed request) as ``{"error": …}``, like every refusal of the application's."""

    def execute(self) -> None:
        error = self.request.error
        # An error the application raised reaches here too, on a request whose parser never
        # took a path: it is answered as a 500, not left hanging.
        path = getattr(self.request, "path", None)
        sentence = refusal_sentence(int(error.code), path, str(error.body))
        body = refusal_body(sentence)
        self.status = f"{error.code} {error.reason}"
        self.response_headers.append(("Content-Type", "application/json"))
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class _JsonErrorChannel(HTTPChannel):  # type: ignore[misc]
    error_task_class = _JsonErrorTask


class HttpServer:
    """The WSGI app under waitress on ``host:port`` (port 0: a free one)."""

    def __init__(
        self,
        application: WSGIApplication,
        host: str,
        port: int,
        *,
        threads: int = 48,
        max_body: int = BODY_LIMIT,
    ) -> None:
        # Enough threads that a burst of 50 slash commands is acknowledged without
        # queueing: an ack is quick and holds its thread only briefly, and the answers
        # run on bolt's own, smaller worker pool.
        try:
            self._server: Any = create_server(
                application,
                host=host,
                port=port,
                threads=threads,
                connection_limit=200,
                # Slack's requests are small; a larger body is refused before it is read.
                # With /coverage on, a CI report may be up to MAX_REPORT_BYTES: waitress then
                # spools a larger body to disk and every other path refuses it past 1 MiB.
                # waitress refuses a body of max_request_body_size bytes or more, so one
                # byte over: a body of exactly ``max_body`` is the largest taken.
                max_request_body_size=max_body + 1,
                asyncore_loop_timeout=0.2,
                ident="riskbrief",
            )
        except OSError as exc:
            raise ConfigError(
                f"cannot listen on {host}:{port} ({exc.strerror or exc}); set "
                "RISKBRIEF_SERVE_HOST and RISKBRIEF_SERVE_PORT (or --host/--port) to a free "
                "address"
            ) from None
        # Each connection refuses what waitress itself refuses in JSON, not waitress's text.
        self._server.channel_class = _JsonErrorChannel
        self._stopping = threading.Event()
        self._stopped = threading.Event()
        self._runner: int | None = None

    @property
    def port(self) -> int:
        """The port listened on."""
        return int(self._server.effective_port)

    @property
    def url(self) -> str:
        """``http://host:port``."""
        return f"http://{self._server.effective_host}:{self.port}"

    def run(self) -> None:
        """Serve until :meth:`stop`, then close every connection and worker thread."""
        server = self._server
        self._runner = threading.get_ident()
        # One poll at a time, so that stopping is decided and done in this thread:
        # closing sockets from another thread under a running select() breaks it.
        while not self._stopping.is_set():
            wasyncore.loop(timeout=0.5, map=server._map, use_poll=True, count=1)
        server.task_dispatcher.shutdown()
        wasyncore.close_all(server._map)
        self._stopped.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask :meth:`run` to stop, wake it, and wait (from another thread) until it has."""
        self._stopping.set()
        # The loop may have seen the flag first and closed its trigger: nothing to wake.
        with contextlib.suppress(OSError):
            self._server.pull_trigger()
        # A signal handler runs in the serving thread itself: it must not wait for itself.
        if threading.get_ident() != self._runner:
            self._stopped.wait(timeout)
