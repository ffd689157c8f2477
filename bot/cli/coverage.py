"""``riskbrief coverage record``: a CI coverage report (Cobertura, LCOV, JaCoCo) by commit."""

from __future__ import annotations

import json
from pathlib import Path

import click

from bot.cli.common import settings_of
from data.clock import utcnow

__all__ = ["coverage"]


@click.group()
def coverage() -> None:
    """Line coverage reported by CI, which the coverage signal and card read."""


@coverage.command("record")
@click.option("--sha", required=True, help="The full commit sha the tests ran on.")
@click.option(
    "--file",
    "path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The report CI wrote (coverage.xml, lcov.info, jacoco.xml).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["cobertura", "lcov", "jacoco"], case_sensitive=False),
    default=None,
    help="The report's format; detected from its first bytes when left out.",
)
@click.option("--repo", default=None, help="The repository's name in riskbrief.toml.")
@click.option(
    "--strip-prefix", default=None, help="The build's checkout path to cut from report paths."
)
@click.option("--json", "as_json", is_flag=True, help="Print what was stored as JSON.")
@click.pass_context
def record(
    ctx: click.Context,
    sha: str,
    path: Path,
    fmt: str | None,
    repo: str | None,
    strip_prefix: str | None,
    as_json: bool,
) -> None:
    """Store one coverage report as the coverage of a commit; the same commit again replaces it."""
    from functools import partial

    from bot.composition.pipeline import ready_engine
    from data.config import load_org_config
    from data.sources.coverage.record import (
        CoverageUpload,
        RecordedCoverage,
        check_coverage,
        parse_format,
    )
    from data.store.coverage import changed_paths, save_report
    from data.store.engine import session_scope
    from data.store.org import sync_org
    from scoring.errors import SourceError

    settings = settings_of(ctx)
    org = load_org_config(settings.config)
    if not path.is_file():
        raise SourceError(f"there is no coverage report at {path}; give the file CI wrote")
    upload = CoverageUpload(sha, repo, parse_format(fmt), strip_prefix)
    engine = ready_engine(settings.database_url)
    try:
        with session_scope(engine) as session:
            sync_org(session, org)
            now = utcnow()
            checked = check_coverage(org, upload, path, partial(changed_paths, session))
            new = save_report(session, checked.repository, checked.sha, checked.report, now)
    finally:
        engine.dispose()
    done = RecordedCoverage.of(checked, new)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "repository": done.repository,
                    "sha": done.sha,
                    "format": done.format.value,
                    "files": done.files,
                    "coverable": done.coverable,
                    "covered": done.covered,
                    "ignored": list(done.ignored),
                    "new": done.new,
                }
            )
        )
        return
    from scoring.plural import many

    pct = "no coverable lines" if done.percent is None else f"{done.percent:.1f}% of lines"
    verb = "Recorded" if done.new else "Replaced"
    click.echo(
        f"{verb} {done.format.value} coverage of {done.repository}@{done.sha[:12]}: "
        f"{pct} over {many(done.files, 'file')}."
    )
    if done.ignored:
        shown = ", ".join(repr(p[:120]) for p in done.ignored[:3])
        more = f" and {len(done.ignored) - 3} more" if len(done.ignored) > 3 else ""
        click.echo(
            f"Left out {many(len(done.ignored), 'path')} outside the repository: {shown}{more}.",
            err=True,
        )
