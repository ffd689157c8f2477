"""``riskbrief mcp``: riskbrief's tools for coding agents, as an MCP server over stdio."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import settings_of

__all__ = ["mcp"]


@click.command(short_help="Serve riskbrief's read-only tools to a coding agent over MCP (stdio).")
@click.option(
    "--subscriber",
    default=None,
    help="Limit answers to this subscriber's teams and services (default: the whole organisation).",
)
@click.option("--demo", is_flag=True, help="Serve the sample organisation `riskbrief demo` wrote.")
@click.option(
    "--demo-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Where `riskbrief demo` wrote it.",
)
@click.pass_context
def mcp(ctx: click.Context, subscriber: str | None, demo: bool, demo_dir: Path) -> None:
    """Serve riskbrief's read-only tools to a coding agent over MCP on stdin and stdout.

    A coding agent starts this command itself (see docs/mcp.md): a change's risk, a
    service's record, a scope's briefing and AI-agent activity, from the store and
    riskbrief.toml every command reads. The same tools are served over HTTP at /mcp of
    `riskbrief serve`, with bearer tokens. A store that cannot be opened or a wrong
    setting ends here in one sentence, before the server starts.
    """
    from bot.composition.pipeline import ready_engine
    from data.config import load_org_config
    from data.sources.sample import sample_org_config
    from scoring.errors import NotFoundError

    settings = settings_of(ctx)
    if demo:
        database = demo_dir / "demo.db"
        if not database.exists():
            raise NotFoundError(f"{database} does not exist; run `riskbrief demo --out {demo_dir}`")
        org, url = sample_org_config(), f"sqlite:///{database}"
    else:
        org, url = load_org_config(settings.config), settings.database_url
    engine = ready_engine(url)
    # Imported once the store and riskbrief.toml are known good: the MCP SDK is only needed by
    # this command, and a second of importing it stood before every mistake's sentence.
    from bot.mcp.stdio import run_stdio, subscriber_access

    try:
        run_stdio(engine, org, subscriber_access(engine, org, subscriber))
    finally:
        engine.dispose()
