"""``riskbrief calibrate``: weights fitted to the store's own outcomes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from bot.cli.common import (
    engine_of,
    settings_of,
)

if TYPE_CHECKING:
    pass

__all__ = ["calibrate_cmd"]


@click.command("calibrate")
@click.option(
    "--write",
    is_flag=True,
    help="Save the fitted weights to riskbrief.toml (when they rank better).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def calibrate_cmd(ctx: click.Context, write: bool, as_json: bool) -> None:
    """Refit the signal weights on your own outcomes; a dry run by default.

    Outcomes: incidents after deploys, reverts, culprits the team confirmed in Slack, and SZZ
    labels. Shows the AUC before and after; --write saves the new weights to riskbrief.toml.
    """
    from bot.composition.calibrate import calibrate
    from data.clock import utcnow
    from data.config import load_org_config, write_weights
    from data.store.engine import session_scope
    from data.store.org import sync_org

    settings = settings_of(ctx)
    org = load_org_config(settings.config)
    engine = engine_of(settings)
    with session_scope(engine) as session:
        sync_org(session, org)
        result = calibrate(session, org)
    better = result.after_result.auc > result.before_result.auc
    if write and better:
        write_weights(
            settings.config,
            {n: getattr(result.after, n) for n in result.fitted},
            on=utcnow().date(),
        )
    if as_json:
        click.echo(json.dumps({**result.to_json(), "written": write and better}, sort_keys=True))
        return
    b, a = result.before_result, result.after_result
    click.echo(result.label_sources())
    alone = "" if a.auc_lines_added is None else f" (lines added alone {a.auc_lines_added:.3f})"
    click.echo(
        f"Fitted on the earlier {result.train} changes, measured on the latest {result.test}: "
        f"AUC {b.auc:.3f} -> {a.auc:.3f}{alone}; recall at 20% effort "
        f"{b.recall_at_20pct_effort:.3f} -> {a.recall_at_20pct_effort:.3f}; "
        f"top-10% lift {b.lift_top_10pct:.2f} -> {a.lift_top_10pct:.2f}."
    )
    moved = ", ".join(f"{n} {old} -> {new}" for n, (old, new) in result.changed().items())
    click.echo(f"Weights: {moved or 'unchanged'}.")
    if not better:
        click.echo(
            f"Kept the weights in {settings.config}: the fitted ones rank the latest changes "
            "no better, so there is nothing to save."
        )
    elif write:
        click.echo(f"Wrote them to [scoring.weights] in {settings.config}; run `riskbrief score`.")
    else:
        click.echo(
            f"Nothing was saved (a dry run); run `riskbrief calibrate --write` to save them to "
            f"[scoring.weights] in {settings.config}."
        )
