"""``riskbrief serve``: the Slack app, the scheduler, or both, with their probes."""

from __future__ import annotations

import click

from bot.cli.common import (
    settings_of,
)

__all__ = ["serve"]

# More processes than a machine has cores buy nothing for this work; a typo of 1000 is refused.
_MAX_WORKERS = 64


@click.command()
@click.option(
    "--host", default=None, help="Address to listen on in HTTP mode (RISKBRIEF_SERVE_HOST)."
)
@click.option(
    "--port", type=click.IntRange(1, 65535), default=None, help="Port (RISKBRIEF_SERVE_PORT)."
)
@click.option(
    "--role",
    type=click.Choice(["all", "web", "scheduler"]),
    default="all",
    show_default=True,
    envvar="RISKBRIEF_SERVE_ROLE",
    help="all: Slack app and scheduler; web: only the HTTP front (Slack, deploys); "
    "scheduler: only sync and delivery, no Slack HTTP settings needed (RISKBRIEF_SERVE_ROLE).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, _MAX_WORKERS),
    default=1,
    show_default=True,
    envvar="RISKBRIEF_SERVE_WORKERS",
    help="Processes answering HTTP behind the one port (web and all roles; PostgreSQL only "
    "above 1); the scheduler stays in one (RISKBRIEF_SERVE_WORKERS).",
)
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, role: str, workers: int) -> None:
    """Run the Slack app and/or the scheduler; /healthz, /readyz and /metrics on every role."""
    # Imported here: slack_bolt, waitress and gunicorn are only needed by this command.
    from bot.runtime.serve import serve as run_serve

    run_serve(settings_of(ctx), host, port, role, workers)
