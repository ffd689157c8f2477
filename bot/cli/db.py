"""``riskbrief db upgrade``: the store's schema brought to this version."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from bot.cli.common import (
    settings_of,
)

if TYPE_CHECKING:
    pass

__all__ = ["db", "db_upgrade"]


@click.group()
def db() -> None:
    """The store: create or migrate the schema."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Create the schema, or migrate it to this version of riskbrief."""
    from data.store.engine import make_engine, shown_url
    from data.store.migrate import current_revision, upgrade

    settings = settings_of(ctx)
    engine = make_engine(settings.database_url)
    # Read under the migration lock: of replicas upgrading at once, one creates.
    before = upgrade(engine)
    after = current_revision(engine)
    shown = shown_url(engine)
    engine.dispose()
    if before is None:
        click.echo(f"Created the database {shown} (schema {after}).")
    elif before != after:
        click.echo(f"Migrated the database {shown} from schema {before} to {after}.")
    else:
        click.echo(f"Database {shown} is up to date (schema {after}).")
