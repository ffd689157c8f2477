"""``riskbrief sync``: filling the store from every configured source."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import settings_of

__all__ = ["sync"]


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
    from bot.composition.pipeline import ready_engine
    from bot.composition.release_tags import no_tags_line, tagless_clones, undeployed_tag_lines
    from bot.composition.sources import BarProgress, configured_sources
    from data.config import load_org_config
    from data.rules.revert_incidents import summary_line
    from data.sources.local_git.tags import deploy_tag_notes
    from data.store.engine import session_scope
    from data.store.facts import unmapped_repositories
    from data.store.org import sync_org
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
