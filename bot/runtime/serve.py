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

Here are the roles and ``serve``; what one process answers is ``bot.runtime.application``,
what every role does first ``bot.runtime.startup``, and the serving itself
``bot.runtime.one_process`` or, with ``--workers``, ``bot.runtime.prefork``.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bot.runtime.application import ReplicaShape, process_application, request_limit
from bot.runtime.metrics import ProcessMetrics
from bot.runtime.one_process import serve_one_process
from bot.runtime.prefork import plan_workers, serve_workers
from bot.runtime.server import HttpServer
from bot.runtime.startup import ready_replica
from bot.settings import Settings
from scoring.errors import ConfigError

__all__ = [
    "ROLES",
    "serve",
]


# What a replica runs: the Slack app and the scheduler, only the first, or only the second.
ROLES = ("all", "web", "scheduler")


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
    engine, org = ready_replica(settings, scheduling=scheduling)
    shape = ReplicaShape(web=web, slack_on=slack_on, socket_mode=socket_mode)
    if workers > 1:
        serve_workers(
            settings, engine, org, shape, role, plan_workers(settings, host, port, workers)
        )
        return
    metrics = ProcessMetrics(engine)
    built = process_application(settings, engine, org, shape, metrics)
    server = HttpServer(
        built.application,
        host or settings.serve_host,
        port or settings.serve_port,
        max_body=request_limit(settings, web=web),
    )
    serve_one_process(settings, engine, org, role, built, server, metrics)


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
