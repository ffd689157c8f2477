"""``riskbrief sync`` and ``riskbrief deploy record``: filling the store from outside systems."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli.common import settings_of

if TYPE_CHECKING:
    pass

__all__ = ["deploy", "sync"]


@click.command()
@click.option(
    "--git",
    "git_paths",
    multiple=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Mine only this local clone (repeatable); default: every configured source.",
)
@click.pass_context
def sync(ctx: click.Context, git_paths: tuple[Path, ...]) -> None:
    """Read what changed in every configured source since the last sync, into the store.

    Each source resumes from its saved cursor; Ctrl-C or a crash loses at most
    the page in flight. Ends with one line per source; exits 1 if any failed.
    """
    from bot.pipeline import ready_engine
    from bot.sources import BarProgress, configured_sources
    from data.config import load_org_config
    from data.engine import session_scope
    from data.org import sync_org
    from data.store import unmapped_repositories
    from data.sync import run_sources

    settings = settings_of(ctx)
    org = load_org_config(settings.config)
    engine = ready_engine(settings.database_url)
    try:
        with session_scope(engine) as session:
            sync_org(session, org)
        sources = configured_sources(settings, org, git_paths)
        if not sources:
            raise click.ClickException(
                "no source is configured; add [[repositories]] with a path, a [sources.github] "
                "table or an incident source to riskbrief.toml, or pass --git PATH"
            )
        progress = BarProgress()
        try:
            summaries = run_sources(engine, org, sources, progress, printed=True)
        finally:
            progress.close()
        read = [s.name.removeprefix("git ") for s in sources if s.name.startswith("git ")]
        with session_scope(engine) as session:
            unmapped = unmapped_repositories(session, read)
    finally:
        engine.dispose()
    for summary in summaries:
        click.echo(summary.line())
    for name in unmapped:
        click.echo(
            f"{name}: none of its changed files is in a service of {settings.config}, so "
            f'briefings count none of its changes; add [[services]] with repository = "{name}" '
            "and paths"
        )
    if any(s.error for s in summaries):
        ctx.exit(1)


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
    from bot.pipeline import ready_engine
    from data.config import load_org_config
    from data.engine import session_scope
    from data.org import sync_org
    from data.sources.ci_deploys import parse_report, record_deploy

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
    report = parse_report(
        {k: v for k, v in fields.items() if v is not None}, org, datetime.now(UTC)
    )
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
