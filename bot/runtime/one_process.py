"""One process serving a replica's application: over HTTP, or Slack's over Socket Mode."""

from __future__ import annotations

import gc
import os
import signal
import threading
from types import FrameType
from typing import TYPE_CHECKING, Any

import structlog
from sqlalchemy.engine import Engine

from bot.runtime.application import ProcessApplication
from bot.runtime.metrics import ProcessMetrics
from bot.runtime.server import EVENTS_PATH, HEALTH_PATH, HttpServer
from bot.runtime.startup import start_scheduler
from bot.settings import Settings
from data.config import OrgConfig
from scoring.errors import ConfigError

if TYPE_CHECKING:
    from slack_bolt import App

__all__ = [
    "serve_one_process",
]

log = structlog.get_logger("riskbrief.serve")


def _deploys_path() -> str:
    from bot.ci.deploys import DEPLOYS_PATH

    return DEPLOYS_PATH


def serve_one_process(
    settings: Settings,
    engine: Engine,
    org: OrgConfig,
    role: str,
    built: ProcessApplication,
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
    scheduler = start_scheduler(settings, engine, org, metrics) if scheduling else None
    log.info("serve.started", role=role, url=server.url, pid=os.getpid())
    if routes is not None and routes.pages is not None:
        print(f"riskbrief serve: the web view on {server.url}{routes.pages[0]}/", flush=True)
    try:
        if not socket_mode:
            _serve_http(role, app, server, web=web)
        else:
            _serve_socket_mode(settings, app, server, stop)
    finally:
        if mcp is not None:
            mcp.close()
        if scheduler is not None:
            scheduler.shutdown(wait=True)
        for signum, handler_before in previous.items():
            signal.signal(signum, handler_before)
        engine.dispose()
        log.info("serve.stopped")


def _serve_http(role: str, app: App | None, server: HttpServer, *, web: bool) -> None:
    """Slack's requests, when there is an app, and the rest over HTTP until the server stops."""
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


def _serve_socket_mode(
    settings: Settings, app: App | None, server: HttpServer, stop: threading.Event
) -> None:
    """Slack over Socket Mode and the rest over HTTP on a thread, until ``stop`` is set."""
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
