"""``riskbrief serve``: the Slack app and the scheduler, in one process or apart.

``--role all`` (the default) runs both; ``web`` only answers HTTP (Slack's
requests, CI's deploys), so any number of them can sit behind a load balancer;
``scheduler`` only syncs and delivers, needs no Slack HTTP settings, and on
PostgreSQL leads or follows (``bot.runtime.leadership``).

Slack's requests come over Socket Mode when ``SLACK_APP_TOKEN`` is set (no public
URL needed), otherwise over HTTP: bolt's WSGI adapter under waitress (a production
WSGI server with a thread pool, not bolt's development server) at ``/slack/events``.
Every role listens on HTTP for ``GET /healthz``, ``GET /readyz`` and ``GET /metrics``
(Prometheus). SIGTERM or Ctrl-C stops the server, the Slack connection and the
scheduler, in that order.
"""

from __future__ import annotations

import gc
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any
from wsgiref.types import WSGIApplication

import sqlalchemy as sa
import structlog
from sqlalchemy.engine import Engine, make_url

from bot.composition.sources import configured_sources
from bot.runtime.metrics import Exposition, ProcessMetrics
from bot.runtime.server import BODY_LIMIT, EVENTS_PATH, HEALTH_PATH, HttpServer, wsgi_application
from bot.settings import Settings
from data.config import OrgConfig, load_org_config
from data.store.engine import make_engine, session_scope
from data.store.migrate import is_current
from data.store.org import sync_org
from scoring.errors import ConfigError, StoreError

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.mcp.http import McpHttp
    from bot.runtime.workers import WorkerPlan

# What only the web role answers (Slack, /mcp, the PR checks, /deploys, /coverage) is
# imported where it is built: a scheduler replica starts without the MCP SDK and the rest,
# which were most of its start-up time.

__all__ = [
    "ROLES",
    "serve",
]


# What a replica runs: the Slack app and the scheduler, only the first, or only the second.
ROLES = ("all", "web", "scheduler")

log = structlog.get_logger("riskbrief.serve")


def _start_scheduler(
    settings: Settings, engine: Engine, org: OrgConfig, metrics: ProcessMetrics
) -> Any:
    """The scheduler of syncs and deliveries (an APScheduler, untyped), started here."""
    # Imported here: it pulls in the senders, which the Slack app alone never needs.
    from bot.composition.sources import sync_hook
    from bot.runtime.schedule import build_scheduler

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


def _checks(settings: Settings, engine: Engine, org: OrgConfig) -> dict[str, WSGIApplication]:
    """Each code host's check's webhook by path; why one is off is logged once here and
    answered to its host."""
    from bot.checks.registry import CHECKS

    routes: dict[str, WSGIApplication] = {}
    for entry in CHECKS:
        host = entry.load()
        for state in host.check_states(settings, org, os.environ):
            if state.off is not None:
                # Only a secret set without the rest is a mistake to see: a host's table
                # alone is an organisation that syncs the host without the check.
                (log.warning if state.secret else log.info)(
                    f"{entry.key}_webhook.off", reason=state.off
                )
        routes[host.WEBHOOK_PATH] = host.webhook_of(settings, engine, org, os.environ)
    return routes


@dataclass(frozen=True, slots=True)
class _WebRoutes:
    """What the web role answers besides Slack and the probes."""

    mcp: McpHttp | None
    deploys: WSGIApplication
    coverage: WSGIApplication
    # The code hosts' checks' webhooks by path (bot.checks.registry).
    checks: dict[str, WSGIApplication]
    # The web view and the path it answers under, when RISKBRIEF_WEB_KEYS is set.
    pages: tuple[str, WSGIApplication] | None


def _web_routes(settings: Settings, engine: Engine, org: OrgConfig) -> _WebRoutes:
    from bot.ci.coverage import coverage_endpoint
    from bot.ci.deploys import deploy_endpoint
    from bot.mcp.http import mcp_endpoint
    from bot.pages.endpoint import pages_endpoint, pages_prefix

    pages = pages_endpoint(settings, engine, org)
    return _WebRoutes(
        pages=None if pages is None else (pages_prefix(settings), pages),
        mcp=mcp_endpoint(settings, engine, org),
        deploys=deploy_endpoint(engine, org, settings.deploy_secret),
        coverage=coverage_endpoint(engine, org, settings.deploy_secret),
        checks=_checks(settings, engine, org),
    )


def _deploys_path() -> str:
    from bot.ci.deploys import DEPLOYS_PATH

    return DEPLOYS_PATH


def _report_limit() -> int:
    from data.sources.coverage.read import MAX_REPORT_BYTES

    return MAX_REPORT_BYTES


def serve(
    settings: Settings,
    host: str | None = None,
    port: int | None = None,
    role: str = "all",
    workers: int = 1,
) -> None:
    """Run this replica's ``role`` (see ``ROLES``) until SIGTERM or Ctrl-C; the web role's
    HTTP side in ``workers`` processes when above 1 (``bot.runtime.workers``)."""
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
    if workers > 1:
        _check_workers(settings, role, workers, socket_mode=socket_mode)
    if web and slack_on:
        from bot.slack.app import check_slack_settings

        check_slack_settings(settings, socket_mode=socket_mode)
    engine, org = _ready(settings, scheduling=scheduling)
    shape = _Shape(web=web, slack_on=slack_on, socket_mode=socket_mode)
    if workers > 1:
        _serve_workers(settings, engine, org, shape, role, _plan(settings, host, port, workers))
        return
    metrics = ProcessMetrics(engine)
    built = _application(settings, engine, org, shape, metrics)
    server = HttpServer(
        built.application,
        host or settings.serve_host,
        port or settings.serve_port,
        max_body=_max_body(settings, web=web),
    )
    _run(settings, engine, org, role, built, server, metrics)


@dataclass(frozen=True, slots=True)
class _Shape:
    """What this replica answers: the web role's routes, Slack, and Slack over Socket Mode."""

    web: bool
    slack_on: bool
    socket_mode: bool


@dataclass(frozen=True, slots=True)
class _Built:
    """The HTTP application of one process, and the parts of it that need closing or telling."""

    application: WSGIApplication
    app: App | None
    routes: _WebRoutes | None


def _max_body(settings: Settings, *, web: bool) -> int:
    # Coverage reports are taken only with the CI secret set; else the 1 MiB limit stays.
    takes_reports = web and settings.deploy_secret is not None
    return _report_limit() if takes_reports else BODY_LIMIT


def _application(
    settings: Settings, engine: Engine, org: OrgConfig, shape: _Shape, metrics: Exposition
) -> _Built:
    """Every route this process answers, built on ``engine``."""
    web, slack_on, socket_mode = shape.web, shape.slack_on, shape.socket_mode
    app: App | None = None
    if web and slack_on:
        from bot.slack.app import build_app

        # Checks the tokens before anything starts: a wrong one ends here in one sentence.
        app = build_app(settings, engine, org, socket_mode=socket_mode)
    # Every role listens: the probes and metrics are how an operator sees a replica.
    routes = _web_routes(settings, engine, org) if web else None
    mcp = routes.mcp if routes is not None else None
    return _Built(
        app=app,
        routes=routes,
        application=wsgi_application(
            None if socket_mode else app,
            engine,
            routes.deploys if routes is not None else None,
            signing_secret=(
                settings.slack_signing_secret.get_secret_value()
                if settings.slack_signing_secret is not None
                else None
            ),
            config=settings.config,
            metrics=metrics,
            mcp=mcp,
            coverage=routes.coverage if routes is not None else None,
            checks=routes.checks if routes is not None else None,
            pages=routes.pages if routes is not None else None,
        ),
    )


def _run(
    settings: Settings,
    engine: Engine,
    org: OrgConfig,
    role: str,
    built: _Built,
    server: HttpServer,
    metrics: ProcessMetrics,
) -> None:
    """Serve ``built`` on ``server`` in this one process, with the scheduler when ``role``
    runs it, until SIGTERM or Ctrl-C."""
    web = role in ("all", "web")
    scheduling = role in ("all", "scheduler")
    socket_mode = web and settings.slack_app_token is not None
    app, routes = built.app, built.routes
    mcp = routes.mcp if routes is not None else None
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("serve.stopping", signal=signal.Signals(signum).name)
        stop.set()
        server.stop()

    # What start-up built (settings, the organisation, templates, the imported modules) lives
    # as long as the process: kept out of the collector's passes, which otherwise walk it
    # again and again while pages and answers are made (a page's p95 on a big store).
    gc.freeze()
    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    scheduler = _start_scheduler(settings, engine, org, metrics) if scheduling else None
    log.info("serve.started", role=role, url=server.url, pid=os.getpid())
    if routes is not None and routes.pages is not None:
        print(f"riskbrief serve: the web view on {server.url}{routes.pages[0]}/", flush=True)
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
            import slack_sdk.errors
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            assert settings.slack_app_token is not None
            assert app is not None
            # Untyped in slack_bolt.
            handler: Any = SocketModeHandler(app, settings.slack_app_token.get_secret_value())
            try:
                handler.connect()
            except slack_sdk.errors.SlackApiError as exc:
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
                    f"riskbrief serve: deploys accepted at {server.url}{_deploys_path()}",
                    flush=True,
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


def _web_modules() -> None:
    """Import what every worker builds (``_web_routes``, the web view), without building it."""
    import bot.ci.coverage
    import bot.ci.deploys
    import bot.mcp.http
    import bot.pages.endpoint  # noqa: F401


def _check_workers(settings: Settings, role: str, workers: int, *, socket_mode: bool) -> None:
    """Refuse, in one sentence, a ``--workers`` this replica cannot run."""
    if role == "scheduler":
        raise ConfigError(
            f"--workers {workers} is for the web role (web or all); a scheduler replica is one "
            "process: run more replicas for availability"
        )
    if _backend(settings.database_url) == "sqlite":
        raise ConfigError(
            f"--workers {workers} needs PostgreSQL (RISKBRIEF_DATABASE_URL=postgresql://…): "
            "SQLite is for one process, so serve it with --workers 1"
        )
    if socket_mode:
        raise ConfigError(
            f"--workers {workers} serves Slack over HTTP only: unset SLACK_APP_TOKEN for HTTP "
            "mode, or keep Socket Mode with --workers 1"
        )


def _backend(url: str) -> str | None:
    try:
        return make_url(url).get_backend_name()
    except sa.exc.ArgumentError:
        # Not a URL at all: the store's own check says so in its sentence.
        return None


def _plan(settings: Settings, host: str | None, port: int | None, workers: int) -> WorkerPlan:
    from bot.runtime.workers import WorkerPlan

    return WorkerPlan(
        workers=workers,
        host=host or settings.serve_host,
        port=settings.serve_port if port is None else port,
        max_body=_max_body(settings, web=True),
    )


def _serve_workers(
    settings: Settings, engine: Engine, org: OrgConfig, shape: _Shape, role: str, plan: WorkerPlan
) -> None:
    """The web role in ``plan.workers`` processes behind one port; with ``--role all`` the
    scheduler in this process, which starts them (``bot.runtime.workers``)."""
    from bot.pages.endpoint import pages_prefix
    from bot.runtime.metrics import SharedMetrics, share_between_processes
    from bot.runtime.workers import Built, listen, run_workers, supervise

    listener = listen(plan.host, plan.port)
    url = "http://{}:{}".format(*listener.getsockname()[:2])
    scheduling = role == "all"
    folder = Path(tempfile.mkdtemp(prefix="riskbrief-metrics-")) if scheduling else None
    if folder is not None:
        share_between_processes(folder)
    if shape.slack_on:
        from bot.slack.app import build_app

        # The tokens checked once here, so a wrong one ends here in one sentence, not as a
        # worker that cannot start; each worker builds its own app after the fork.
        build_app(settings, engine, org, socket_mode=False)
    # Imported once here, shared by every worker the arbiter forks (each would import them
    # again otherwise); importing starts no thread and opens no connection.
    _web_modules()
    # Nothing of this pool may cross the fork: the workers open their own engines, and the
    # scheduler's connections are opened afresh after it.
    engine.dispose()
    prefix = pages_prefix(settings) if settings.web_keys is not None else None

    def build() -> Built:
        own = make_engine(settings.database_url)
        metrics = ProcessMetrics(own) if folder is None else SharedMetrics(own, folder)
        built = _application(settings, own, org, shape, metrics)
        # As in one process: what start-up built is kept out of the collector's passes.
        gc.freeze()
        log.info("serve.worker_started", role=role, pid=os.getpid())
        mcp = built.routes.mcp if built.routes is not None else None

        def close() -> None:
            if mcp is not None:
                mcp.close()
            own.dispose()

        return Built(built.application, close)

    log.info("serve.started", role=role, url=url, pid=os.getpid(), workers=plan.workers)
    print(f"riskbrief serve: {role} role, {plan.workers} workers on {url}", flush=True)
    if prefix is not None:
        print(f"riskbrief serve: the web view on {url}{prefix}/", flush=True)
    try:
        if not scheduling:
            run_workers(plan, listener, build)
            return

        def start() -> Callable[[], None]:
            scheduler = _start_scheduler(settings, engine, org, ProcessMetrics(engine))

            def stop() -> None:
                scheduler.shutdown(wait=True)
                engine.dispose()

            return stop

        supervise(plan, listener, build, start)
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        log.info("serve.stopped")
