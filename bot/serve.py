"""``riskbrief serve``: the Slack app and the scheduler, in one process or apart.

``--role all`` (the default) runs both; ``web`` only answers HTTP (Slack's
requests, CI's deploys), so any number of them can sit behind a load balancer;
``scheduler`` only syncs and delivers, needs no Slack HTTP settings, and on
PostgreSQL leads or follows (``bot.leadership``).

Slack's requests come over Socket Mode when ``SLACK_APP_TOKEN`` is set (no public
URL needed), otherwise over HTTP: bolt's WSGI adapter under waitress (a production
WSGI server with a thread pool, not bolt's development server) at ``/slack/events``.
Every role listens on HTTP for ``GET /healthz``, ``GET /readyz`` and ``GET /metrics``
(Prometheus). SIGTERM or Ctrl-C stops the server, the Slack connection and the
scheduler, in that order.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
from collections.abc import Iterable
from pathlib import Path
from types import FrameType
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

import sqlalchemy as sa
import structlog
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import Engine
from waitress import create_server, wasyncore

from bot.coverage_endpoint import COVERAGE_PATH, coverage_endpoint
from bot.deploy_endpoint import DEPLOYS_PATH, deploy_endpoint
from bot.github import WEBHOOK_PATH, github_webhook, pull_check_from, webhook_off
from bot.mcp.http import MCP_PATH, mcp_endpoint
from bot.metrics import CONTENT_TYPE, Metrics
from bot.settings import Settings
from bot.slack.app import build_app, check_slack_settings
from bot.slack.signed import signed_only
from bot.sources import configured_sources
from data.config import OrgConfig, load_org_config
from data.sources.coverage.read import MAX_REPORT_BYTES
from data.store.engine import make_engine, session_scope
from data.store.migrate import is_current
from data.store.org import sync_org
from scoring.errors import ConfigError, RiskbriefError, StoreError

__all__ = [
    "EVENTS_PATH",
    "HEALTH_PATH",
    "METRICS_PATH",
    "READY_PATH",
    "ROLES",
    "HttpServer",
    "serve",
    "wsgi_application",
]

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
METRICS_PATH = "/metrics"

# What a replica runs: the Slack app and the scheduler, only the first, or only the second.
ROLES = ("all", "web", "scheduler")

log = structlog.get_logger("riskbrief.serve")


def _not_found(_environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    data = b'{"error": "not found"}'
    start_response(
        "404 Not Found", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    )
    return [data]


def _json(start_response: StartResponse, status: str, body: dict[str, str]) -> Iterable[bytes]:
    data = json.dumps(body).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    )
    return [data]


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
    metrics: Metrics | None = None,
    mcp: WSGIApplication | None = None,
    coverage: WSGIApplication | None = None,
    github: WSGIApplication | None = None,
) -> WSGIApplication:
    """Slack's requests to bolt at ``/slack/events``, and the probes a load balancer asks.

    ``GET /healthz`` answers 200 while the process serves at all; ``GET /readyz``
    200 only while the store answers and is migrated and ``config`` (the
    organisation file, when given) still reads, else 503 saying which is not.
    ``deploys`` answers ``/deploys`` (CI pipelines reporting deploys); ``app``
    is ``None`` in Socket Mode, where Slack's requests do not come over HTTP.
    Slack's requests reach bolt only when signed with ``signing_secret``.
    ``GET /metrics`` gives ``metrics`` in Prometheus' text format. ``github`` answers
    ``/github/webhook`` (``bot.github``: the `riskbrief` check on pull requests); ``mcp``
    answers ``/mcp`` (``bot.mcp.http``: the MCP server for coding agents, behind bearer tokens).
    ``coverage`` answers ``/coverage`` (``bot.coverage_endpoint``: CI's coverage reports).
    """
    slack: WSGIApplication = _not_found
    if app is not None:
        if not signing_secret:
            raise ConfigError("SLACK_SIGNING_SECRET is not set; HTTP mode needs it")
        slack = signed_only(SlackRequestHandler(app, path=EVENTS_PATH), signing_secret)

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        # waitress takes bodies up to a coverage report's size; every other path keeps 1 MB.
        if path != COVERAGE_PATH and _declared(environ) > _BODY_LIMIT:
            return _json(start_response, "413 Content Too Large", {"error": "body too large"})
        if deploys is not None and path == DEPLOYS_PATH:
            return deploys(environ, start_response)
        if coverage is not None and path == COVERAGE_PATH:
            return coverage(environ, start_response)
        if mcp is not None and path == MCP_PATH:
            return mcp(environ, start_response)
        if github is not None and path == WEBHOOK_PATH:
            return github(environ, start_response)
        if path == HEALTH_PATH and method == "GET":
            return _json(start_response, "200 OK", {"status": "ok"})
        if path == READY_PATH and method == "GET":
            problems = _readiness(engine, config)
            if problems:
                return _json(
                    start_response, "503 Service Unavailable", {"status": "error", **problems}
                )
            return _json(start_response, "200 OK", {"status": "ok", "database": "ok"})
        if path == METRICS_PATH and method == "GET" and metrics is not None:
            data = metrics.exposition()
            start_response(
                "200 OK", [("Content-Type", CONTENT_TYPE), ("Content-Length", str(len(data)))]
            )
            return [data]
        if path == EVENTS_PATH:
            return slack(environ, start_response)
        return _not_found(environ, start_response)

    return application


# The largest body any path but /coverage takes.
_BODY_LIMIT = 1 << 20


def _declared(environ: WSGIEnvironment) -> int:
    try:
        return int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class HttpServer:
    """The WSGI app under waitress on ``host:port`` (port 0: a free one)."""

    def __init__(
        self,
        application: WSGIApplication,
        host: str,
        port: int,
        *,
        threads: int = 48,
        max_body: int = _BODY_LIMIT,
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


def _start_scheduler(settings: Settings, engine: Engine, org: OrgConfig, metrics: Metrics) -> Any:
    """The scheduler of syncs and deliveries (an APScheduler, untyped), started here."""
    # Imported here: it pulls in the senders, which the Slack app alone never needs.
    from bot.schedule import build_scheduler
    from bot.sources import sync_hook

    scheduler = build_scheduler(
        engine, settings, org, sync=sync_hook(settings, metrics.synced), metrics=metrics
    )
    scheduler.start()
    return scheduler


def _ready(settings: Settings, *, scheduling: bool) -> tuple[Engine, OrgConfig]:
    org = load_org_config(settings.config)
    engine = make_engine(settings.database_url)
    if not is_current(engine):
        raise StoreError(
            "the database is not migrated to this version of riskbrief; "
            "run `riskbrief db upgrade` first"
        )
    # Replicas starting together take turns here (data.store.org holds the write lock).
    with session_scope(engine) as session:
        sync_org(session, org)
    if scheduling:
        # A source configured without its credentials ends here, before anything starts.
        configured_sources(settings, org)
    return engine, org


def _github(settings: Settings, engine: Engine, org: OrgConfig) -> WSGIApplication:
    """``POST /github/webhook``; why it is off is logged once here and answered to GitHub."""
    off = webhook_off(settings, org)
    if off is not None:
        # Half set up (a secret but no credentials or repositories) is a mistake to see;
        # nothing set at all is a deployment that does not use the check.
        partly = settings.github_webhook_secret is not None or org.sources.github is not None
        (log.warning if partly else log.info)("github_webhook.off", reason=off)
    check = pull_check_from(settings, engine, org)
    return github_webhook(engine, settings.github_webhook_secret, check, off=off)


def serve(
    settings: Settings, host: str | None = None, port: int | None = None, role: str = "all"
) -> None:
    """Run this replica's ``role`` (see ``ROLES``) until SIGTERM or Ctrl-C."""
    if role not in ROLES:
        raise ConfigError(f"--role {role!r} is not a role; use one of {', '.join(ROLES)}")
    web = role in ("all", "web")
    scheduling = role in ("all", "scheduler")
    # With none of Slack's variables set, the web role still answers what needs no Slack
    # (/mcp, the PR check's webhook, /deploys, /coverage; email and Teams briefings are the
    # scheduler's); any one of them set means Slack is meant, so a missing one is an error.
    slack_on = any(
        v is not None
        for v in (settings.slack_bot_token, settings.slack_signing_secret, settings.slack_app_token)
    )
    socket_mode = web and settings.slack_app_token is not None
    if web and slack_on:
        check_slack_settings(settings, socket_mode=socket_mode)
    engine, org = _ready(settings, scheduling=scheduling)
    metrics = Metrics(engine)
    # Checks the tokens before anything starts: a wrong one ends here in one sentence.
    app = build_app(settings, engine, org, socket_mode=socket_mode) if web and slack_on else None
    mcp = mcp_endpoint(settings, engine, org) if web else None
    stop = threading.Event()
    # Every role listens: the probes and metrics are how an operator sees a replica.
    coverage = coverage_endpoint(engine, org, settings.deploy_secret) if web else None
    # Coverage reports are taken only with the CI secret set; else the 1 MiB limit stays.
    takes_reports = coverage is not None and settings.deploy_secret is not None
    server = HttpServer(
        wsgi_application(
            None if socket_mode else app,
            engine,
            deploy_endpoint(engine, org, settings.deploy_secret) if web else None,
            signing_secret=(
                settings.slack_signing_secret.get_secret_value()
                if settings.slack_signing_secret is not None
                else None
            ),
            config=settings.config,
            metrics=metrics,
            mcp=mcp,
            coverage=coverage,
            github=_github(settings, engine, org) if web else None,
        ),
        host or settings.serve_host,
        port or settings.serve_port,
        max_body=MAX_REPORT_BYTES if takes_reports else _BODY_LIMIT,
    )

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("serve.stopping", signal=signal.Signals(signum).name)
        stop.set()
        server.stop()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    scheduler = _start_scheduler(settings, engine, org, metrics) if scheduling else None
    log.info("serve.started", role=role, url=server.url, pid=os.getpid())
    try:
        if not socket_mode:
            if app is not None:
                log.info("serve.http", url=server.url, events=EVENTS_PATH, health=HEALTH_PATH)
                print(f"riskbrief serve: HTTP mode on {server.url}{EVENTS_PATH}", flush=True)
            else:
                print(
                    f"riskbrief serve: {role} role, health and metrics on {server.url}",
                    flush=True,
                )
                if web:
                    log.info("serve.slack_off", reason="no SLACK_BOT_TOKEN")
                    print(
                        "riskbrief serve: Slack is off (SLACK_BOT_TOKEN is not set), so /risk "
                        f"is not answered at {EVENTS_PATH}",
                        flush=True,
                    )
            server.run()
        else:
            http = threading.Thread(target=server.run, name="http", daemon=True)
            http.start()
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            assert settings.slack_app_token is not None
            assert app is not None
            # Untyped in slack_bolt.
            handler: Any = SocketModeHandler(app, settings.slack_app_token.get_secret_value())
            try:
                handler.connect()
            except SlackApiError as exc:
                server.stop()
                http.join(timeout=10)
                raise ConfigError(
                    f"Slack did not accept SLACK_APP_TOKEN ({exc.response.get('error')}); "
                    "generate an app-level token with the connections:write scope on your "
                    "app's Basic Information page"
                ) from None
            print("riskbrief serve: Socket Mode, connected to Slack", flush=True)
            print(f"riskbrief serve: health and metrics on {server.url}", flush=True)
            if settings.deploy_secret is not None:
                print(
                    f"riskbrief serve: deploys accepted at {server.url}{DEPLOYS_PATH}", flush=True
                )
            stop.wait()
            handler.close()
            # on_signal has stopped the server already.
            http.join(timeout=10)
    finally:
        if mcp is not None:
            mcp.close()
        if scheduler is not None:
            scheduler.shutdown(wait=True)
        for signum, handler_before in previous.items():
            signal.signal(signum, handler_before)
        engine.dispose()
        log.info("serve.stopped")
