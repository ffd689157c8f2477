"""``riskbrief doctor``: check the store, Slack, GitHub, Anthropic, SMTP and sources."""

from __future__ import annotations

import click

__all__ = ["doctor"]


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the checks as one JSON object.")
@click.pass_context
def doctor(ctx: click.Context, as_json: bool) -> None:
    """Check that riskbrief is ready: one pass/fail/warn/skip/next line per check, with the fix.

    Exit status 0 when nothing failed (skipped checks are fine), 1 otherwise.
    No secret is ever printed.
    """
    from bot.doctor import render, render_json, run_checks
    from bot.settings import Settings

    settings = ctx.obj
    assert isinstance(settings, Settings)
    checks = run_checks(settings)
    click.echo(render_json(checks, settings) if as_json else render(checks, settings))
    if any(c.status == "fail" for c in checks):
        ctx.exit(1)
