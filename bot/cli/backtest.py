"""``riskbrief backtest``: how well the scorer ranks labelled changes."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bot.cli.common import (
    DateParam,
    settings_of,
)

if TYPE_CHECKING:
    from bot.settings import Settings
    from evaluation.repo_backtest import RepoCalibration
    from scoring.config import ScoringConfig
    from scoring.fixes import BugIssues
    from scoring.ranking import BacktestResult

__all__ = ["backtest"]

_Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def _path_option(flag: str, name: str, help: str, *, directory: bool = False) -> _Decorator:
    """An optional ``--flag`` naming a file (or, with ``directory``, a folder)."""
    kind = click.Path(file_okay=not directory, dir_okay=directory, path_type=Path)
    return click.option(flag, name, type=kind, default=None, help=help)


@click.command()
@_path_option(
    "--kamei-csv",
    "csv_path",
    "Change metrics in the Kamei et al. CSV layout, with a bug label per change.",
)
@_path_option(
    "--repo",
    "repo_path",
    "A local git clone whose commits are mined, scored and labelled (instead of a CSV).",
    directory=True,
)
@click.option(
    "--since",
    type=DateParam(),
    default=None,
    help="First day of commits to measure [default: the clone's first commit].",
)
@click.option(
    "--until",
    type=DateParam(),
    default=None,
    help="Last day of commits to measure [default: the clone's last commit].",
)
@_path_option(
    "--labels",
    "labels_path",
    "Bug-inducing shas, one per line; without it SZZ finds them from fix commits.",
)
@_path_option(
    "--bug-issues",
    "bug_issues_path",
    "Your tracker's bug issue keys (one per line, or a Jira CSV) for SZZ's fixes; replaces "
    "the bug issues --config would bring (its [scoring] bug_issues and the synced trackers').",
)
@click.option(
    "--calibrate",
    is_flag=True,
    help="Fit weights on the earlier 80% of the changes first (by date, starting from the "
    "configured ones) and measure both weight sets on the latest 20%; with --repo, on the "
    "clone's own SZZ labels (or --labels).",
)
@_path_option(
    "--config",
    "config_path",
    "Score with this riskbrief.toml's weights, time zone, holidays and bug issues "
    "(default: RISKBRIEF_CONFIG if set, else the built-in defaults and no bug issues; a "
    "riskbrief.toml in the current directory is not read).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def backtest(
    ctx: click.Context,
    csv_path: Path | None,
    repo_path: Path | None,
    since: date | None,
    until: date | None,
    labels_path: Path | None,
    bug_issues_path: Path | None,
    calibrate: bool,
    config_path: Path | None,
    as_json: bool,
) -> None:
    """Say how well risk scores rank bug-inducing changes, from a Kamei CSV or a git history.

    The weights are the defaults, or those of the riskbrief.toml --config or
    RISKBRIEF_CONFIG names.

    \b
    --repo uses the bug issues of Jira, Linear or GitHub Issues only when both:
    - --config or RISKBRIEF_CONFIG names the riskbrief.toml, and
    - the store at RISKBRIEF_DATABASE_URL exists and is migrated
      (riskbrief db upgrade) with what riskbrief sync read from them.
    Otherwise only that file's [scoring] bug_issues count (none without a named
    file), and --bug-issues FILE replaces them all.
    """
    from data.store.bug_issues import read_bug_issues
    from evaluation.kamei import backtest as run_backtest
    from evaluation.kamei import read_kamei_csv
    from evaluation.repo_backtest import (
        backtest_repo,
        calibrate_repo,
        history_span,
        read_labels,
    )

    if (csv_path is None) == (repo_path is None):
        raise click.UsageError("give exactly one of --kamei-csv FILE or --repo PATH.")
    config, weights_from, bugs = _backtest_config(settings_of(ctx), config_path)
    if csv_path is not None:
        if since or until or labels_path or bug_issues_path:
            raise click.UsageError(
                "--since, --until, --labels and --bug-issues go with --repo, not --kamei-csv."
            )
        result = run_backtest(read_kamei_csv(csv_path), calibrate=calibrate, weights=config.weights)
        name = csv_path.name
    else:
        assert repo_path is not None
        if since is None or until is None:
            # Either left out: that end of the clone's whole history.
            first, last = history_span(repo_path)
            # The end left out is the history's: a window past it is said against the
            # history, not against an --until or --since the user never gave.
            if until is None and since is not None and since > last:
                raise click.UsageError(
                    f"--since {since} is after the clone's newest commit ({last}); "
                    f"give a --since from {first} to {last}"
                )
            if since is None and until is not None and until < first:
                raise click.UsageError(
                    f"--until {until} is before the clone's first commit ({first}); "
                    f"give an --until from {first} to {last}"
                )
            since, until = since or first, until or last
        labels = read_labels(labels_path) if labels_path is not None else None
        if bug_issues_path is not None:
            bugs = read_bug_issues(bug_issues_path)
        name = f"{repo_path.resolve().name} {since}…{until}"
        if calibrate:
            fit = calibrate_repo(repo_path, since, until, labels, config, bugs.keys)
            if as_json:
                click.echo(json.dumps({**fit.to_json(), "weights": weights_from}, sort_keys=True))
                return
            for line in _calibration_report(name, fit, weights_from):
                click.echo(line)
            return
        result = backtest_repo(repo_path, since, until, labels, config, bugs.keys)
    if calibrate:
        weights_from += ", refitted on the earlier 80%"
    if as_json:
        click.echo(json.dumps({**result.to_json(), "weights": weights_from}, sort_keys=True))
        return
    for line in _report(name, result, weights_from):
        click.echo(line)


def _report(name: str, result: BacktestResult, weights_from: str) -> list[str]:
    """The figures in words: the score beside lines added alone, and the bands as briefings say."""
    baseline = result.auc_lines_added
    alone = _alone(result)
    lines = [
        f"{name}: {result.n} changes, {result.positives} bug-inducing; "
        f"AUC {result.auc:.3f}{alone}, recall at 20% effort {result.recall_at_20pct_effort:.3f}, "
        f"top-10% lift {result.lift_top_10pct:.2f} (weights: {weights_from})"
    ]
    if baseline is not None and result.auc <= baseline:
        lines.append(
            f"The score does not beat lines added alone here: AUC {result.auc:.3f} against "
            f"{baseline:.3f}; sort by size or calibrate the weights on this history."
        )
    if result.bands:
        counts = ", ".join(
            f"{b.label} {b.n} ({b.positives} bug-inducing)" for b in reversed(result.bands)
        )
        lift = result.band_lift
        told = (
            ""
            if lift is None
            else (
                f"; high and very high risk changes were {lift:.1f} times as often "
                "bug-inducing as low risk ones"
            )
        )
        lines.append(f"Bands: {counts}{told}.")
    return lines


def _alone(result: BacktestResult) -> str:
    """`` (lines added alone 0.752)`` beside an AUC, when the rows had lines added."""
    baseline = result.auc_lines_added
    return "" if baseline is None else f" (lines added alone {baseline:.3f})"


def _calibration_report(name: str, fit: RepoCalibration, weights_from: str) -> list[str]:
    """A calibration on a clone's history in words: before and after on the same latest
    changes, each AUC beside lines added alone."""
    b, a = fit.before, fit.after
    lines = [
        f"{name}: fitted on the earlier {fit.train} changes ({fit.train_positives} "
        f"bug-inducing), measured on the latest {fit.test} ({a.positives} bug-inducing), "
        "which the fit never saw.",
        f"Before ({weights_from}): AUC {b.auc:.3f}{_alone(b)}, recall at 20% effort "
        f"{b.recall_at_20pct_effort:.3f}, top-10% lift {b.lift_top_10pct:.2f}.",
        f"After: AUC {a.auc:.3f}{_alone(a)}, recall at 20% effort "
        f"{a.recall_at_20pct_effort:.3f}, top-10% lift {a.lift_top_10pct:.2f}.",
    ]
    moved = ", ".join(f"{n} {old} -> {new}" for n, (old, new) in fit.changed().items())
    lines.append(f"Weights: {moved or 'unchanged'}.")
    if a.auc < b.auc:
        lines.append(
            "The fitted weights rank these later changes worse than the configured ones: "
            "keep the configured weights."
        )
    baseline = a.auc_lines_added
    if baseline is not None and max(a.auc, b.auc) <= baseline:
        lines.append(
            f"Neither weight set beats lines added alone on these changes ({baseline:.3f})."
        )
    return lines


def _backtest_config(settings: Settings, path: Path | None) -> tuple[ScoringConfig, str, BugIssues]:
    """The scorer's config for a backtest, what it came from, and the bug issues.

    Only a file the user named (``--config``, or RISKBRIEF_CONFIG) is read: a
    riskbrief.toml that happens to lie in the current directory must not change
    the figures of a backtest that says it used the defaults.
    """
    from data.config import load_org_config
    from data.store.bug_issues import stored_bug_issues
    from scoring.config import ScoringConfig
    from scoring.fixes import NO_BUG_ISSUES

    named = path or (settings.config if "config" in settings.model_fields_set else None)
    if named is None:
        return ScoringConfig(), "defaults", NO_BUG_ISSUES
    org = load_org_config(named)
    weights = "its [scoring.weights]" if org.scoring.weights else "the default weights"
    config = org.scoring_config()
    # The trackers' bugs a sync stored count too, when the store is there.
    bugs = stored_bug_issues(org, settings.database_url)
    return config, f"{named}: {weights}, time zone {config.timezone}", bugs
