"""``riskbrief sync``: filling the store from every configured source."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli.common import settings_of

if TYPE_CHECKING:
    from data.config import OrgConfig

__all__ = ["refuse_unconfigured", "sync"]


def refuse_unconfigured(org: OrgConfig, path: Path, config: Path) -> None:
    """Refuse ``--git PATH`` for a clone no ``[[repositories]]`` entry names: mined, its
    changes would sit in the store in no service of ``config``, counted by nothing that
    reads the configuration, so the sentence says what to add instead."""
    wanted = path.expanduser().resolve()
    if any(r.path and Path(r.path).expanduser().resolve() == wanted for r in org.repositories):
        return
    raise click.ClickException(
        f"{path} is no [[repositories]] entry of {config}, so it is not mined; add "
        f'[[repositories]] with path = "{wanted}" and the [[services]] in it there (or run '
        "`riskbrief quickstart` on the clone for a fresh set-up), then sync again"
    )


@click.command()
@click.option(
    "--git",
    "git_paths",
    multiple=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Mine only this clone of riskbrief.toml's [[repositories]] (repeatable); default: "
    "every configured source.",
)
@click.pass_context
def sync(ctx: click.Context, git_paths: tuple[Path, ...]) -> None:
    """Read what changed in every configured source since the last sync, into the store.

    Each source resumes from its saved cursor; Ctrl-C or a crash loses at most
    the page in flight. Ends with one line per source; exits 1 if any failed.
    """
    from bot.composition.pipeline import ready_engine
    from bot.composition.release_tags import no_tags_line, tagless_clones, undeployed_tag_lines
    from bot.composition.sources import BarProgress, configured_sources
    from data.config import load_org_config
    from data.sources.local_git.tags import deploy_tag_notes
    from data.store.engine import session_scope
    from data.store.facts import unmapped_repositories
    from data.store.org import sync_org
    from data.sync import run_sources, summary_line

    settings = settings_of(ctx)
    org = load_org_config(settings.config)
    for path in git_paths:
        refuse_unconfigured(org, path, settings.config)
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
            undeployed = undeployed_tag_lines(session, org)
    finally:
        engine.dispose()
    for summary in summaries:
        click.echo(summary_line(summary))
    for summary in summaries:
        for note in summary.notes:
            click.echo(note)
    for note in deploy_tag_notes(org):
        click.echo(note)
    if tagless := tagless_clones(org):
        click.echo(no_tags_line(tagless))
    for line in undeployed:
        click.echo(line)
    for name in unmapped:
        click.echo(
            f"{name}: none of its changed files is in a service of {settings.config}, so "
            f'briefings count none of its changes; add [[services]] with repository = "{name}" '
            "and paths"
        )
    if any(s.error for s in summaries):
        ctx.exit(1)
