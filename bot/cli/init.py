"""``riskbrief init``: a commented riskbrief.toml to start from."""

from __future__ import annotations

import shutil
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    pass

__all__ = ["init"]


@click.command()
@click.option(
    "--path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("riskbrief.toml"),
    show_default=True,
)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(path: Path, force: bool) -> None:
    """Write a commented example riskbrief.toml to start from."""
    if path.exists() and not force:
        raise click.ClickException(f"{path} already exists; pass --force to overwrite it")
    source = files("bot") / "example.toml"
    with source.open("rb") as src, path.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    click.echo(f"Wrote {path}; edit it, then run `riskbrief db upgrade`.")
