"""The HTTP application one process of ``serve`` answers: Slack, the web routes, the probes."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING
from wsgiref.types import WSGIApplication

import structlog
from sqlalchemy.engine import Engine

from bot.runtime.metrics import Exposition
from bot.runtime.server import BODY_LIMIT, wsgi_application
from bot.settings import Settings
from data.config import OrgConfig

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.mcp.http import McpHttp

# What only the web role answers (Slack, /mcp, the PR checks, /deploys, /coverage) is
# imported where it is built: a scheduler replica starts without the MCP SDK and the rest,
# which were most of its start-up time.

__all__ = [
    "ProcessApplication",
    "ReplicaShape",
    "WebRoutes",
    "process_application",
    "request_limit",
    "web_routes",
]

log = structlog.get_logger("riskbrief.serve")


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
class WebRoutes:
    """What the web role answers besides Slack and the probes."""

    mcp: McpHttp | None
    deploys: WSGIApplication
    coverage: WSGIApplication
    # The code hosts' checks' webhooks by path (bot.checks.registry).
    checks: dict[str, WSGIApplication]
    # The web view and the path it answers under, when RISKBRIEF_WEB_KEYS is set.
    pages: tuple[str, WSGIApplication] | None


def web_routes(settings: Settings, engine: Engine, org: OrgConfig) -> WebRoutes:
    """The web role's routes besides Slack and the probes, built on ``engine``."""
    from bot.ci.coverage import coverage_endpoint
    from bot.ci.deploys import deploy_endpoint
    from bot.mcp.http import mcp_endpoint
    from bot.pages.endpoint import pages_endpoint, pages_prefix

    pages = pages_endpoint(settings, engine, org)
    return WebRoutes(
        pages=None if pages is None else (pages_prefix(settings), pages),
        mcp=mcp_endpoint(settings, engine, org),
        deploys=deploy_endpoint(engine, org, settings.deploy_secret),
        coverage=coverage_endpoint(engine, org, settings.deploy_secret),
        checks=_checks(settings, engine, org),
    )


def _report_limit() -> int:
    from data.sources.coverage.read import MAX_REPORT_BYTES

    return MAX_REPORT_BYTES


@dataclass(frozen=True, slots=True)
class ReplicaShape:
    """What this replica answers: the web role's routes, Slack, and Slack over Socket Mode."""

    web: bool
    slack_on: bool
    socket_mode: bool


@dataclass(frozen=True, slots=True)
class ProcessApplication:
    """The HTTP application of one process, and the parts of it that need closing or telling."""

    application: WSGIApplication
    app: App | None
    routes: WebRoutes | None


def request_limit(settings: Settings, *, web: bool) -> int:
    """The largest request body, in bytes, that this replica's HTTP server takes."""
    # Coverage reports are taken only with the CI secret set; else the 1 MiB limit stays.
    takes_reports = web and settings.deploy_secret is not None
    return _report_limit() if takes_reports else BODY_LIMIT


def process_application(
    settings: Settings, engine: Engine, org: OrgConfig, shape: ReplicaShape, metrics: Exposition
) -> ProcessApplication:
    """Every route this process answers, built on ``engine``."""
    web, slack_on, socket_mode = shape.web, shape.slack_on, shape.socket_mode
    app: App | None = None
    if web and slack_on:
        from bot.slack.app import build_app

        tools = None
        if settings.anthropic_api_key is not None:
            from bot.mcp.toolbox import McpTools

            # The assistant pane's plain-word questions call the MCP server's own tools.
            tools = McpTools(engine, org).for_access
        # Checks the tokens before anything starts: a wrong one ends here in one sentence.
        app = build_app(settings, engine, org, socket_mode=socket_mode, tools=tools)
    # Every role listens: the probes and metrics are how an operator sees a replica.
    routes = web_routes(settings, engine, org) if web else None
    mcp = routes.mcp if routes is not None else None
    return ProcessApplication(
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
