"""How the scorer judges real histories: Apache projects labelled by their issue trackers.

    python -m bench.real_history --repos DIR --apachejit PATH [--projects GROOVY,KAFKA]
        [--cache DIR] [--no-szz] [--json]

Labels come from ApacheJIT (github.com/hosseinkshvrz/apachejit, a clone or a
bare git directory): ``data/commit_links_<PROJECT>.csv`` pairs each fix with
the commits that induced its bug (from issue-tracker links, not from SZZ),
``data/<PROJECT>.csv`` lists the commits that fixed a tracker bug (the
reference for fix detection), and ``data/20xx.csv`` is the trackers' export of
bug issues. Every project is measured twice, side by side: **git-only**, with
no bug list (fixes known from message words alone), and **tracker**, where the
exports are served by the fake Jira (``fakes.jira_server``, real HTTP)
and read through riskbrief's real Jira source into a store, whose bug list
(``data.store.bug_issues.known_bug_issues``) the product is given
(``bench.tracker_store``). Each project is found
in ``DIR/<name>``, ``DIR/<name>.git`` or ``DIR/apache+<name>/repo``; it is
mined through the product's own path (``evaluation.repo_backtest``), every
commit up to 2019-12-31 feeding the history and the ten years 2010–2019 (or
the project's life, if shorter) measured. ZooKeeper is held out of every fit
and measurement: its files are never read.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import pickle
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from evaluation.repo_backtest import (
    MinedWindow,
    ScoredCommit,
    measure,
    mine_window,
    ranking_score,
    score_window,
)
from evaluation.szz import bug_inducing
from scoring.calibration import fit_weights
from scoring.config import ScoringConfig
from scoring.ranking import BacktestResult, roc_auc
from scoring.signals import CHANGE_SIGNALS

__all__ = [
    "HELD_OUT",
    "PROJECTS",
    "Project",
    "ProjectReport",
    "add_history_arguments",
    "load_projects",
    "main",
    "measure_project",
    "tracker_keys",
]

# ApacheJIT's project keys and the repository names they live in.
PROJECTS: dict[str, tuple[str, ...]] = {
    "AMQ": ("activemq",),
    "CAMEL": ("camel",),
    "CASSANDRA": ("cassandra",),
    "FLINK": ("flink",),
    "GROOVY": ("groovy",),
    "HBASE": ("hbase",),
    "HDFS": ("hadoop-hdfs", "hadoop"),
    "HIVE": ("hive",),
    "IGNITE": ("ignite",),
    "KAFKA": ("kafka",),
    "MAPREDUCE": ("hadoop-mapreduce", "hadoop"),
    "SPARK": ("spark",),
    "ZEPPELIN": ("zeppelin",),
}
HELD_OUT = "ZOOKEEPER"
SINCE = date(2010, 1, 1)
UNTIL = date(2019, 12, 31)
_SIGNALS = tuple(fn.__name__ for fn in CHANGE_SIGNALS)
# A git history has no coverage reports: the signal is unknown on every commit and weighs
# nothing (ScoringConfig.coverage_known), so it is not fitted; counted in, its weight only
# moved the search's steps for the others (HDFS calibrated 0.829 -> 0.828).
_FITTED = tuple(n for n in _SIGNALS if n != "coverage")
_TEST_SHARE = 0.2
# What a mined history is made by (``load_projects``' cache is keyed by these files too).
_MINING_SOURCES = (
    "data/sources/local_git/gitlog.py",
    "data/sources/local_git/patch_lines.py",
    "data/sources/local_git/file_lengths.py",
    # Lines of code are counted as the history is mined.
    "scoring/code_lines.py",
    "scoring/repeated_edits.py",
    "scoring/lexer_choice.py",
    "scoring/facts.py",
    "scoring/fixes.py",
    "evaluation/repo_backtest.py",
)


@dataclass(frozen=True, slots=True)
class Project:
    """One project's mined history, with the labels the issue tracker gives it."""

    key: str
    path: Path
    mined: MinedWindow
    bug_inducing: frozenset[str]
    # Commits ApacheJIT links to a fixed bug issue.
    fixes: frozenset[str]


@dataclass(frozen=True, slots=True)
class ProjectReport:
    """Every figure the bench reports for one project."""

    key: str
    result: BacktestResult
    calibrated_auc: float | None
    later_default_auc: float | None
    later_lines_added_auc: float | None
    fix_precision: float
    fix_recall: float
    szz_precision: float | None
    szz_recall: float | None
    signal_alone: dict[str, float]
    signal_dropped: dict[str, float]

    @property
    def band_shares(self) -> dict[str, float]:
        """The share of the window's commits in each band."""
        return {b.band: b.n / self.result.n for b in self.result.bands}


class _ApacheJit:
    """Files of an ApacheJIT clone or bare git directory."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def text(self, name: str) -> str:
        if HELD_OUT in name.upper():
            raise ValueError(f"{HELD_OUT} is held out of every measurement")
        on_disk = self.path / name
        if on_disk.is_file():
            return on_disk.read_text(encoding="utf-8", errors="replace")
        done = subprocess.run(
            ["git", "-C", str(self.path), "show", f"HEAD:{name}"], capture_output=True, check=False
        )
        if done.returncode != 0:
            return ""
        return done.stdout.decode("utf-8", "replace")

    def bug_keys(self) -> frozenset[str]:
        keys: set[str] = set()
        for year in range(2010, 2020):
            for row in csv.DictReader(io.StringIO(self.text(f"data/{year}.csv"))):
                key = row.get("Issue key") or ""
                if row.get("Issue Type") == "Bug" and not key.upper().startswith(HELD_OUT):
                    keys.add(key)
        return frozenset(keys)

    def exports(self) -> list[str]:
        """The trackers' exports of bug issues, ``data/2010.csv`` to ``data/2019.csv``."""
        return [self.text(f"data/{year}.csv") for year in range(2010, 2020)]

    def links(self, project: str) -> frozenset[str]:
        rows = csv.DictReader(io.StringIO(self.text(f"data/commit_links_{project}.csv")))
        return frozenset(r["bug_hash"].lower() for r in rows if r.get("bug_hash"))

    def fixes(self, project: str) -> frozenset[str]:
        rows = csv.DictReader(io.StringIO(self.text(f"data/{project}.csv")))
        return frozenset(r["commit_id"].lower() for r in rows if r.get("commit_id"))


def _find(repos: Path, names: Sequence[str]) -> Path | None:
    for name in names:
        for candidate in (repos / name, repos / f"{name}.git", repos / f"apache+{name}" / "repo"):
            if candidate.is_dir():
                return candidate
    return None


def _head(path: Path) -> str:
    done = subprocess.run(
        ["git", "-C", str(path), "rev-parse", "HEAD"], capture_output=True, check=False
    )
    return done.stdout.decode().strip()


def load_projects(
    repos: Path,
    apachejit: Path,
    keys: Sequence[str] = tuple(PROJECTS),
    cache: Path | None = None,
    bug_keys: frozenset[str] | None = None,
) -> list[Project]:
    """Mine each project found under ``repos`` (cached by HEAD) and read its labels.

    ``bug_keys`` is the bug list the product is given: the exports' bugs when
    ``None``, none at all (git-only) when empty.
    """
    jit = _ApacheJit(apachejit)
    if bug_keys is None:
        bug_keys = jit.bug_keys()
    # A mined history depends on the bug list and on the code that mines it: a cache written
    # before a change to either is not read again.
    h = hashlib.sha256("\n".join(sorted(bug_keys)).encode())
    root = Path(__file__).resolve().parent.parent
    for name in _MINING_SOURCES:
        h.update((root / name).read_bytes())
    digest = h.hexdigest()[:12]
    out: list[Project] = []
    for key in keys:
        if key.upper() == HELD_OUT or key not in PROJECTS:
            continue
        path = _find(repos, PROJECTS[key])
        links = jit.links(key)
        if path is None or not links:
            print(f"{key}: skipped ({'no clone' if path is None else 'no links'})", file=sys.stderr)
            continue
        stored = cache / f"{key}-{_head(path)[:12]}-{digest}.pickle" if cache else None
        if stored is not None and stored.exists():
            mined = pickle.loads(stored.read_bytes())
        else:
            mined = mine_window(path, SINCE, UNTIL, bug_keys or None)
            if stored is not None:
                stored.parent.mkdir(parents=True, exist_ok=True)
                stored.write_bytes(pickle.dumps(mined))
        out.append(Project(key, path, mined, links, jit.fixes(key)))
    return out


def _precision_recall(found: frozenset[str], truth: frozenset[str]) -> tuple[float, float]:
    hits = len(found & truth)
    return (hits / len(found) if found else 0.0, hits / len(truth) if truth else 0.0)


def _szz(project: Project, cache: Path | None) -> frozenset[str]:
    stored = cache / f"{project.key}-szz-{_head(project.path)[:12]}.txt" if cache else None
    if stored is not None and stored.exists():
        return frozenset(stored.read_text().split())
    fixes = [f for f in project.mined.fixes if f.change.merged_at.date() <= UNTIL]
    blamed = frozenset(bug_inducing(project.path, fixes))
    if stored is not None:
        stored.write_text("\n".join(sorted(blamed)))
    return blamed


def _calibrated(
    rows: Sequence[ScoredCommit], config: ScoringConfig
) -> tuple[float | None, float | None, float | None]:
    """AUC on the later 20% of weights fitted on the earlier 80%, and default and ``la`` there.

    All three are None when either part holds only one kind of commit.
    """
    cut = int(len(rows) * (1 - _TEST_SHARE))
    train, test = rows[:cut], rows[cut:]
    for part in (train, test):
        if len({r.bug_inducing for r in part}) < 2:
            return None, None, None
    shares = [{s.name: s.share for s in r.risk.signals} for r in rows]
    weights = fit_weights(shares[:cut], [r.bug_inducing for r in train], _FITTED, config.weights)
    labels = [r.bug_inducing for r in test]
    fitted = [sum(getattr(weights, n) * sh.get(n, 0.0) for n in _SIGNALS) for sh in shares[cut:]]
    return (
        roc_auc(fitted, labels),
        roc_auc([ranking_score(r.risk, config) for r in test], labels),
        roc_auc([sum(f.added for f in r.change.files) for r in test], labels),
    )


def _by_signal(
    project: Project, config: ScoringConfig, rows: Sequence[ScoredCommit]
) -> tuple[dict[str, float], dict[str, float]]:
    labels = [r.bug_inducing for r in rows]
    base = roc_auc([ranking_score(r.risk, config) for r in rows], labels)
    alone: dict[str, float] = {}
    dropped: dict[str, float] = {}
    for name in _SIGNALS:
        points = [sum(s.points for s in r.risk.signals if s.name == name) for r in rows]
        if len(set(points)) > 1:
            alone[name] = roc_auc(points, labels)
        if getattr(config.weights, name):
            without = replace(config, weights=replace(config.weights, **{name: 0.0}))
            again = score_window(project.mined, project.bug_inducing, without)
            dropped[name] = roc_auc([ranking_score(r.risk, without) for r in again], labels) - base
    return alone, dropped


def measure_project(
    project: Project,
    config: ScoringConfig,
    *,
    szz: bool = True,
    signals: bool = True,
    cache: Path | None = None,
) -> ProjectReport:
    """Score one project with ``config`` and measure ranking, bands, fixes and SZZ."""
    rows = score_window(project.mined, project.bug_inducing, config)
    result = measure(rows, config)
    calibrated, later_default, later_la = _calibrated(rows, config)
    window = {r.sha for r in rows}
    detected = frozenset(r.sha for r in rows if r.change.is_fix)
    fix_p, fix_r = _precision_recall(detected, project.fixes & window)
    szz_p = szz_r = None
    if szz:
        blamed = _szz(project, cache) & window
        szz_p, szz_r = _precision_recall(blamed, project.bug_inducing & window)
    alone, dropped = _by_signal(project, config, rows) if signals else ({}, {})
    return ProjectReport(
        project.key,
        result,
        calibrated,
        later_default,
        later_la,
        fix_p,
        fix_r,
        szz_p,
        szz_r,
        alone,
        dropped,
    )


def _mean(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def _fmt(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


_BANDS = ("safe", "moderate", "high", "critical")


def _lift(result: BacktestResult) -> str:
    """Band lift, or ∞ when no safe change was bug-inducing but some high-risk one was."""
    if result.band_lift is not None:
        return f"{result.band_lift:.2f}"
    safe = next((b for b in result.bands if b.band == "safe"), None)
    high_risk = sum(b.positives for b in result.bands if b.band in ("high", "critical"))
    return "∞" if safe is not None and safe.n and high_risk else "–"


def _table(reports: Sequence[ProjectReport]) -> str:
    head = (
        "| project | n | bug-inducing | AUC default | AUC `la` | AUC calibrated (later 20%) "
        "| default / `la` on later 20% | safe / moderate / high / critical | high+critical "
        "| band lift | recall@20% | fix P / R | SZZ P / R |"
    )
    lines = [head, "|" + "---|" * 13]
    for r in reports:
        s = r.band_shares
        hi = s.get("high", 0.0) + s.get("critical", 0.0)
        lines.append(
            f"| {r.key} | {r.result.n:,} | {r.result.positives:,} | {r.result.auc:.3f} "
            f"| {_fmt(r.result.auc_lines_added)} | {_fmt(r.calibrated_auc)} "
            f"| {_fmt(r.later_default_auc)} / {_fmt(r.later_lines_added_auc)} "
            f"| {' / '.join(f'{100 * s.get(b, 0.0):.0f}%' for b in _BANDS)} "
            f"| {100 * hi:.1f}% | {_lift(r.result)} "
            f"| {r.result.recall_at_20pct_effort:.3f} "
            f"| {r.fix_precision:.2f} / {r.fix_recall:.2f} "
            f"| {_fmt(r.szz_precision, 2)} / {_fmt(r.szz_recall, 2)} |"
        )
    m = _mean
    lines.append(
        f"| **mean** | | | **{_fmt(m([r.result.auc for r in reports]))}** "
        f"| **{_fmt(m([r.result.auc_lines_added for r in reports]))}** "
        f"| **{_fmt(m([r.calibrated_auc for r in reports]))}** "
        f"| {_fmt(m([r.later_default_auc for r in reports]))} / "
        f"{_fmt(m([r.later_lines_added_auc for r in reports]))} | | | "
        f"{_fmt(m([r.result.band_lift for r in reports]), 2)} "
        f"| {_fmt(m([r.result.recall_at_20pct_effort for r in reports]))} "
        f"| {_fmt(m([r.fix_precision for r in reports]), 2)} / "
        f"{_fmt(m([r.fix_recall for r in reports]), 2)} "
        f"| {_fmt(m([r.szz_precision for r in reports]), 2)} / "
        f"{_fmt(m([r.szz_recall for r in reports]), 2)} |"
    )
    return "\n".join(lines)


def _signal_table(reports: Sequence[ProjectReport]) -> str:
    lines = ["| signal | AUC alone (mean) | mean AUC change when dropped |", "|---|---|---|"]
    for name in _SIGNALS:
        alone = _mean([r.signal_alone.get(name) for r in reports])
        dropped = _mean([r.signal_dropped.get(name) for r in reports])
        lines.append(
            f"| `{name}` | {_fmt(alone)} | {'weight 0' if dropped is None else f'{dropped:+.4f}'} |"
        )
    return "\n".join(lines)


def _json(reports: Sequence[ProjectReport]) -> dict[str, object]:
    return {
        r.key: {
            **r.result.to_json(),
            "band_lift": r.result.band_lift,
            "auc_calibrated_later": r.calibrated_auc,
            "auc_default_later": r.later_default_auc,
            "auc_lines_added_later": r.later_lines_added_auc,
            "fix_precision": r.fix_precision,
            "fix_recall": r.fix_recall,
            "szz_precision": r.szz_precision,
            "szz_recall": r.szz_recall,
            "signal_auc_alone": r.signal_alone,
            "signal_auc_change_dropped": r.signal_dropped,
        }
        for r in reports
    }


def _modes_table(git_only: Sequence[ProjectReport], tracker: Sequence[ProjectReport]) -> str:
    """Git-only and tracker mode side by side per project, and whether tracker mode ever loses."""
    lines = [
        "| project | n | AUC git-only | AUC tracker | Δ | AUC `la` | band lift git-only / tracker "
        "| recall@20% git-only / tracker | fix P / R git-only | fix P / R tracker |",
        "|" + "---|" * 10,
    ]
    for g, t in zip(git_only, tracker, strict=True):
        lines.append(
            f"| {t.key} | {t.result.n:,} | {g.result.auc:.3f} | {t.result.auc:.3f} "
            f"| {t.result.auc - g.result.auc:+.3f} | {_fmt(t.result.auc_lines_added)} "
            f"| {_lift(g.result)} / {_lift(t.result)} "
            f"| {g.result.recall_at_20pct_effort:.3f} / {t.result.recall_at_20pct_effort:.3f} "
            f"| {g.fix_precision:.2f} / {g.fix_recall:.2f} "
            f"| {t.fix_precision:.2f} / {t.fix_recall:.2f} |"
        )
    m = _mean
    g_auc = m([r.result.auc for r in git_only])
    t_auc = m([r.result.auc for r in tracker])
    delta = t_auc - g_auc if t_auc is not None and g_auc is not None else None
    lines.append(
        f"| **mean** | | **{_fmt(g_auc)}** | **{_fmt(t_auc)}** "
        f"| {'–' if delta is None else f'{delta:+.3f}'} "
        f"| {_fmt(m([r.result.auc_lines_added for r in tracker]))} "
        f"| {_fmt(m([r.result.band_lift for r in git_only]), 2)} / "
        f"{_fmt(m([r.result.band_lift for r in tracker]), 2)} "
        f"| {_fmt(m([r.result.recall_at_20pct_effort for r in git_only]))} / "
        f"{_fmt(m([r.result.recall_at_20pct_effort for r in tracker]))} "
        f"| {_fmt(m([r.fix_precision for r in git_only]), 2)} / "
        f"{_fmt(m([r.fix_recall for r in git_only]), 2)} "
        f"| {_fmt(m([r.fix_precision for r in tracker]), 2)} / "
        f"{_fmt(m([r.fix_recall for r in tracker]), 2)} |"
    )
    below = [t.key for g, t in zip(git_only, tracker, strict=True) if t.result.auc < g.result.auc]
    lines.append("")
    lines.append(
        f"Tracker mode below git-only on: {', '.join(below)}."
        if below
        else "Tracker mode is below git-only on no project."
    )
    return "\n".join(lines)


def tracker_keys(apachejit: Path) -> frozenset[str]:
    """The bug keys a store holds after the real Jira source synced the exports from the fake."""
    from bench.tracker_store import export_issues, sync_bug_keys

    issues = export_issues(_ApacheJit(apachejit).exports(), HELD_OUT)
    synced = sync_bug_keys(issues)
    print(
        f"tracker: {synced.summary.line()} in {synced.seconds:.1f} s, "
        f"{synced.requests} requests; {len(synced.keys):,} bug keys",
        file=sys.stderr,
    )
    return synced.keys


def add_history_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments every bench over ApacheJIT's histories takes: where the clones, ApacheJIT
    and the cache are, and which projects."""
    parser.add_argument("--repos", type=Path, required=True, help="Folder holding the clones.")
    parser.add_argument("--apachejit", type=Path, required=True, help="ApacheJIT clone.")
    parser.add_argument("--projects", default=",".join(PROJECTS), help="Comma-separated keys.")
    parser.add_argument("--cache", type=Path, default=None, help="Keep mined histories here.")


def main(argv: Sequence[str] | None = None) -> None:
    """Run the bench in both modes and print their tables (or JSON)."""
    parser = argparse.ArgumentParser(prog="python -m bench.real_history", description=__doc__)
    add_history_arguments(parser)
    parser.add_argument("--no-szz", action="store_true", help="Skip the SZZ labels (slow).")
    parser.add_argument("--no-signals", action="store_true", help="Skip per-signal figures.")
    parser.add_argument("--json", action="store_true", help="Print JSON.")
    args = parser.parse_args(argv)
    started = time.monotonic()
    keys = [k.strip().upper() for k in args.projects.split(",") if k.strip()]
    bugs = tracker_keys(args.apachejit)
    projects = load_projects(args.repos, args.apachejit, keys, args.cache, bugs)
    if not projects:
        parser.error("no project with a clone and ApacheJIT links was found; check --repos.")
    git_only = load_projects(
        args.repos, args.apachejit, [p.key for p in projects], args.cache, frozenset()
    )
    config = ScoringConfig()
    reports = [
        measure_project(
            p, config, szz=not args.no_szz, signals=not args.no_signals, cache=args.cache
        )
        for p in projects
    ]
    # The git-only column: the same scorer and labels, no bug list.
    plain = [measure_project(p, config, szz=False, signals=False) for p in git_only]
    if args.json:
        out = {"tracker": _json(reports), "git_only": _json(plain)}
        print(json.dumps(out, indent=2, sort_keys=True))
    else:
        print(_modes_table(plain, reports))
        print()
        print("Tracker mode in full:")
        print()
        print(_table(reports))
        if not args.no_signals:
            print()
            print(_signal_table(reports))
    print(f"{time.monotonic() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
