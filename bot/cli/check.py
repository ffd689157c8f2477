"""``riskbrief check``: the risk of a change not merged yet, for CI and before pushing.

It scores the change between two refs of a local clone (by default where the
branch left the default branch, and HEAD), or a unified diff, against the
store's history as it is now, and exits 1 at or above a threshold, 0 below.
Without a store it reads the clone's own git history and says which signals
that leaves unknown. Any mistake (no clone, an unknown ref, a malformed diff, a
store that cannot be reached) is one sentence and exit 2, so a CI job tells a
risky change from a broken check. docs/check.md documents the ``--json`` shape.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from bot.cli.check_change import (
    CheckError,
    clone_change,
    diff_proposal,
    is_clone,
    keyed_by,
    read_diff,
)
from bot.cli.check_history import as_stored, from_clone, from_store, org_file, store_url
from bot.cli.check_report import json_report, text_report, threshold_of
from scoring.errors import RiskbriefError

__all__ = ["check"]

# A risky change exits 1; a check that could not run, 2 (``CheckError``).
EXIT_RISKY = 1


@click.command()
@click.argument(
    "path", required=False, default=".", type=click.Path(file_okay=False, path_type=Path)
)
@click.option(
    "--base",
    default=None,
    metavar="REF",
    help="The ref the change merges into [default: where HEAD left origin/HEAD, main or master].",
)
@click.option(
    "--head",
    default=None,
    metavar="REF",
    help="The ref of the change [default: HEAD]; WORKTREE for uncommitted changes.",
)
@click.option(
    "--diff",
    "diff",
    default=None,
    metavar="FILE|-",
    help="Score this unified diff (`git diff`, `diff -u`; - reads stdin) instead of refs.",
)
@click.option(
    "--author",
    default=None,
    metavar="EMAIL",
    help="Who wrote it, as the store knows them (e-mail or login).",
)
@click.option(
    "--config",
    "config",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="riskbrief.toml [default: RISKBRIEF_CONFIG or ./riskbrief.toml if present].",
)
@click.option(
    "--database-url",
    default=None,
    metavar="URL",
    help="The store [default: RISKBRIEF_DATABASE_URL, else ./riskbrief.db if present, else none].",
)
@click.option(
    "--threshold",
    # Scores run 0..100, so 101 is the threshold no change reaches: report, never block.
    type=click.FloatRange(0, 101),
    metavar="N",
    default=None,
    help="Exit 1 at or above this score, 0..101 (101 never fails) "
    "[default: the very-high band's bound, 80 where the typical change scores 48; it moves "
    "with the history's typical change as the bands do].",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the documented JSON shape instead of text."
)
@click.pass_context
def check(
    ctx: click.Context,
    path: Path,
    base: str | None,
    head: str | None,
    diff: str | None,
    author: str | None,
    config: Path | None,
    database_url: str | None,
    threshold: float | None,
    as_json: bool,
) -> None:
    """Score a change not merged yet against the store, and exit 1 at or above a threshold.

    PATH is a local clone (default: the current folder). The change runs from
    where HEAD left the default branch to HEAD, or --base to --head, or is the
    --diff given. Without a store the clone's own git history is used. Exit 0
    below the threshold, 1 at or above it, 2 when the check cannot run.
    """
    try:
        code = _check(ctx, path, base, head, diff, author, config, database_url, threshold, as_json)
    except CheckError:
        raise
    except RiskbriefError as exc:
        raise CheckError(str(exc)) from None
    except OSError as exc:
        if exc.filename is None:
            raise
        raise CheckError(
            f"{exc.filename}: {exc.strerror or 'cannot be read'}; check the path"
        ) from None
    except Exception as exc:
        from data.store.engine import store_error, unreachable

        if "sqlalchemy" not in sys.modules or not unreachable(exc):
            raise
        raise CheckError(str(store_error(database_url or "", exc))) from None
    ctx.exit(code)


def _check(
    ctx: click.Context,
    path: Path,
    base: str | None,
    head: str | None,
    diff: str | None,
    author: str | None,
    config: Path | None,
    database_url: str | None,
    threshold: float | None,
    as_json: bool,
) -> int:
    from bot.settings import Settings
    from data.config import OrgConfig
    from scoring.lowering import proposal_lowering
    from scoring.proposal import assess

    settings = ctx.find_root().obj
    assert isinstance(settings, Settings)
    if diff is not None and (base is not None or head is not None):
        raise CheckError("--diff scores the diff given; leave out --base and --head with it")
    org = org_file(config, settings.config)
    clone = is_clone(path)
    sent: bytes | None = None
    if diff is None:
        proposal = clone_change(path, org, base, head, author)
    else:
        if not clone and path != Path("."):
            raise CheckError(
                f"{path} is not a git clone; pass a clone's folder, or none with --diff"
            )
        sent = read_diff(diff)
        proposal = diff_proposal(path, clone, sent, author, org)
    url = store_url(database_url, settings.database_url)
    if url is not None:
        read, proposal = from_store(url, org or OrgConfig(), proposal, path if clone else None)
    elif clone:
        rev = proposal.target or proposal.base or "HEAD"
        read = from_clone(path, rev, org)
    else:
        read = from_clone(None, None, org)
    proposal = as_stored(proposal, read, author is not None)
    assessment = assess(proposal.change, read.history, read.config)
    limit = threshold_of(assessment, read.config, threshold)
    keyed = keyed_by(proposal, sent)
    lower = proposal_lowering(proposal.change, assessment.risk, read.history, read.config)
    if as_json:
        report = json_report(assessment, proposal, read, limit, keyed, lower)
        click.echo(json.dumps(report, indent=2))
    else:
        click.echo(text_report(assessment, proposal, read, limit, keyed, lower))
    return EXIT_RISKY if limit.risky else 0
