"""``riskbrief score``: link and score everything in the store."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from bot.cli.common import (
    engine_of,
    settings_of,
)

if TYPE_CHECKING:
    pass

__all__ = ["score"]


@click.command()
@click.pass_context
def score(ctx: click.Context) -> None:
    """Link deploys and incidents, then score every change and deploy."""
    from bot.composition.pipeline import score_all
    from data.config import load_org_config
    from data.store.engine import session_scope
    from data.store.org import sync_org

    settings = settings_of(ctx)
    org = load_org_config(settings.config)
    engine = engine_of(settings)
    with session_scope(engine) as session:
        sync_org(session, org)
        summary = score_all(session, org)
    opened = ""
    if summary.open_changes:
        opened = f", and {summary.open_changes} open pull requests as of now"
    click.echo(
        f"Scored {summary.changes} changes and {summary.deploys} deploys{opened} "
        f"(scorer {summary.version})."
    )
