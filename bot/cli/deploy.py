"""``riskbrief deploy record``: a deploy reported by a CI pipeline that deploys outside GitHub."""

from __future__ import annotations

import json

import click

from bot.cli.common import settings_of
from data.clock import utcnow

__all__ = ["deploy"]


@click.group()
def deploy() -> None:
    """Deploys reported by CI pipelines that deploy outside GitHub."""


@deploy.command("record")
@click.option("--service", required=True, help="The service's key in riskbrief.toml.")
@click.option("--env", "environment", default="production", show_default=True)
@click.option("--sha", default=None, help="The commit deployed.")
@click.option(
    "--status", type=click.Choice(["success", "failure"]), default="success", show_default=True
)
@click.option("--finished-at", default=None, help="ISO 8601 time with a zone; default now.")
@click.option("--started-at", default=None, help="ISO 8601 time with a zone.")
@click.option("--id", "run_id", default=None, help="The pipeline run's id, to key retries.")
@click.option("--json", "as_json", is_flag=True, help="Print the recorded deploy as JSON.")
@click.pass_context
def record(
    ctx: click.Context,
    service: str,
    environment: str,
    sha: str | None,
    status: str,
    finished_at: str | None,
    started_at: str | None,
    run_id: str | None,
    as_json: bool,
) -> None:
    """Record one deploy; the same report twice is one deploy."""
    from bot.composition.pipeline import ready_engine
    from data.config import load_org_config
    from data.sources.ci_deploys import parse_report
    from data.store.engine import session_scope
    from data.store.org import sync_org
    from data.sync import record_deploy

    settings = settings_of(ctx)
    org = load_org_config(settings.config)
    fields = {
        "service": service,
        "environment": environment,
        "sha": sha,
        "status": status,
        "finished_at": finished_at,
        "started_at": started_at,
        "id": run_id,
    }
    report = parse_report({k: v for k, v in fields.items() if v is not None}, org, utcnow())
    engine = ready_engine(settings.database_url)
    try:
        with session_scope(engine) as session:
            sync_org(session, org)
            new = record_deploy(session, org, report)
    finally:
        engine.dispose()
    if as_json:
        click.echo(
            json.dumps(
                {
                    "key": report.key,
                    "service": report.service,
                    "environment": report.environment,
                    "status": report.status,
                    "finished_at": report.finished_at.isoformat(),
                    "new": new,
                }
            )
        )
    else:
        verb = "Recorded" if new else "Updated"
        click.echo(
            f"{verb} {report.status} deploy {report.key} of {report.service} to "
            f"{report.environment} at {report.finished_at:%Y-%m-%d %H:%M %Z}."
        )
