"""The arbiter: the scorer judged on bug labels it did not make, on whole Apache histories.

    python -m bench.arbiter --repos DIR --apachejit PATH [--projects AMQ,KAFKA]
        [--cache DIR] [--write-model PATH] [--json]

Labels are ApacheJIT's (github.com/hosseinkshvrz/apachejit): the commits that
``data/commit_links_<PROJECT>.csv`` names as ``bug_hash``, found from each
project's own issue tracker, never from riskbrief's rules. Histories are mined
as ``bench.real_history`` mines them (every commit up to 2019-12-31, the window
2010–2019, the tracker's bug list given to the product) and cached there.

Time-ordered and leave-one-project-out: each project is measured on the latest
30% of its window; the model that scores it is fitted only on the *other*
projects (``evaluation.model_fit``), and the calibrated column adds the same
project's earlier 70%. Every measured score is the product's own
(``evaluation.repo_backtest.score_window`` with the fold's model), bands and gates
included. Per project it prints the AUC with Hanley and McNeil's standard error,
lines added alone, LApredict (a logistic regression on log lines added fitted on
the other projects), recall at 20% of changed lines for both, the share, lift over
low and precision of high and very high, and the same AUC with no bug list
(git only). ``--write-model`` fits on every project and writes the model the
product ships (``scoring/model.json``) with this table in it.

ZooKeeper is held out of every fit and measurement: its files are never read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from bench.real_history import (
    HELD_OUT,
    Project,
    add_history_arguments,
    load_projects,
    tracker_keys,
)
from evaluation.model_fit import (
    FEATURE_NAMES,
    FeatureTable,
    auc,
    auc_standard_error,
    feature_table,
    fit_shapes,
    to_model,
)
from evaluation.repo_backtest import is_labelled, ranking_score, score_window
from scoring.config import ScoringConfig
from scoring.model import ChangeModel
from scoring.model_features import DIRECTIONS, FEATURES
from scoring.ranking import recall_at_effort

__all__ = [
    "TEST_SHARE",
    "Measured",
    "by_year",
    "config_of",
    "decade_row",
    "fit_model",
    "main",
    "measure",
    "table_of",
]

# The latest share of each project's window it is measured on.
TEST_SHARE = 0.3
# The points one unit of log-odds is worth: a typical change scores about 45, the riskiest
# about 100, so the score spans its range (docs/scoring.md).
POINTS_PER_LOGIT = 10.0
MODEL_VERSION = "2"
# What a project's feature table is made by (its cache is keyed by these files): the features,
# and the file knowledge that says which lines are code, tests or a manifest's.
_SOURCES = (
    "scoring/model_features.py",
    "scoring/change_metrics.py",
    "scoring/history.py",
    "scoring/change_files.py",
    "scoring/paths.py",
    "scoring/source_sets.py",
    "scoring/typed_code.py",
    "scoring/test_names.py",
    "scoring/linguist.py",
    "scoring/manifests.py",
    "evaluation/model_fit.py",
)


@dataclass(frozen=True, slots=True)
class Measured:
    """One project's figures on the latest 30% of its window."""

    key: str
    n: int
    positives: int
    auc: float
    se: float
    lines_added: float
    lapredict: float
    calibrated: float
    recall: float
    lines_added_recall: float
    bands: Mapping[str, float]
    high_share: float
    high_lift: float | None
    high_precision: float | None
    very_high_precision: float | None
    git_only: float | None = None
    # The whole window 2010–2019 scored by the same fold's model: its AUC, the mean of its
    # years' AUCs, and lines added alone's two beside them (issue 63: no drift with age).
    decade: float | None = None
    decade_years: float | None = None
    decade_lines_added: float | None = None
    decade_years_lines_added: float | None = None

    def row(self) -> str:
        """The project's row of the arbiter's table."""
        lift = "∞" if self.high_lift is None else f"{self.high_lift:.1f}"
        return (
            f"| {self.key} | {self.n:,} | {self.positives:,} | **{self.auc:.3f}** ± {self.se:.3f} "
            f"| {self.lines_added:.3f} | {self.lapredict:.3f} | {self.auc - self.lines_added:+.3f} "
            f"| {self.calibrated:.3f} | {_fmt(self.git_only)} "
            f"| {self.recall:.3f} / {self.lines_added_recall:.3f} "
            f"| {100 * self.high_share:.1f}% | {lift} | {_fmt(self.high_precision, 2)} "
            f"| {_fmt(self.very_high_precision, 2)} |"
        )


HEAD = (
    "| project | test n | bug-inducing | AUC ± SE | lines added | LApredict | Δ vs lines added "
    "| calibrated (+ own earlier 70%) | git only | recall@20% lines: score / lines added "
    "| high + very high | lift over low | precision high+ | precision very high |"
)


DECADE_HEAD = (
    "| project | whole window AUC | mean over years | lines added: whole / mean over years "
    "| whole − mean over years | mean over years − lines added's |"
)
# A year is measured when it holds this many changes of each label at least.
_YEAR_LEAST = 5


def decade_row(m: Measured) -> str:
    """The project's row of the whole-window table."""
    if m.decade is None or m.decade_years is None or m.decade_years_lines_added is None:
        return f"| {m.key} | – | – | – | – | – |"
    return (
        f"| {m.key} | **{m.decade:.3f}** | {m.decade_years:.3f} "
        f"| {_fmt(m.decade_lines_added)} / {m.decade_years_lines_added:.3f} "
        f"| {m.decade - m.decade_years:+.3f} | {m.decade_years - m.decade_years_lines_added:+.3f} |"
    )


def by_year(years: Sequence[int], scores: Sequence[float], labels: Sequence[bool]) -> float | None:
    """The mean of each year's AUC over years with ``_YEAR_LEAST`` changes of each label."""
    values = []
    for year in sorted(set(years)):
        at = [i for i, y in enumerate(years) if y == year]
        y = np.array([labels[i] for i in at])
        if int(y.sum()) < _YEAR_LEAST or int((~y).sum()) < _YEAR_LEAST:
            continue
        values.append(auc(np.array([scores[i] for i in at]), y))
    return _mean(values) if values else None


def _fmt(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _digest(mined_key: str) -> str:
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256(mined_key.encode())
    for name in _SOURCES:
        h.update((root / name).read_bytes())
    return h.hexdigest()[:12]


def _labels(project: Project) -> dict[str, bool]:
    lengths = sorted({len(s) for s in project.bug_inducing})
    return {
        change.key: is_labelled(sha, project.bug_inducing, lengths)
        for sha, change in project.mined.window
    }


def table_of(project: Project, cache: Path | None, mode: str) -> FeatureTable:
    """The project's window as features and labels, cached by its history and the code."""
    stored = None
    if cache is not None:
        name = f"{project.key}-{mode}-{len(project.mined.history)}-{project.mined.window[-1][0]}"
        stored = cache / f"{project.key}-{mode}-features-{_digest(name)}.pickle"
        if stored.exists():
            table: FeatureTable = pickle.loads(stored.read_bytes())
            return table
    table = feature_table(project.mined.history, _labels(project), ScoringConfig())
    if stored is not None:
        stored.parent.mkdir(parents=True, exist_ok=True)
        stored.write_bytes(pickle.dumps(table))
    return table


def fit_model(
    tables: Mapping[str, FeatureTable], version: str = MODEL_VERSION
) -> tuple[ChangeModel, float]:
    """The model fitted on ``tables`` (each project weighing the same), and its base rate."""
    x = np.vstack([t.x for t in tables.values()])
    y = np.concatenate([t.y for t in tables.values()])
    w = np.concatenate([np.full(len(t), 1.0 / len(t)) for t in tables.values()])
    fit = fit_shapes(x, y, w, directions=[DIRECTIONS[n] for n in FEATURE_NAMES])
    base = float(np.average(y, weights=w))
    model = to_model(fit, POINTS_PER_LOGIT, version, sorted(tables), base, rows=x)
    return model, base


def config_of(model: ChangeModel, base: ScoringConfig | None = None) -> ScoringConfig:
    """A scoring config that reads ``model``: its shapes, and its most points as the weights."""
    config = base or ScoringConfig()
    most = {name: model.most(name) for name in FEATURES}
    return replace(config, model=model, weights=replace(config.weights, **most))


def _lapredict(train: Sequence[FeatureTable], test: FeatureTable) -> float:
    """LApredict's AUC: a logistic regression on log lines added, fitted on ``train``."""
    x = np.concatenate([np.log1p(t.lines_added) for t in train])
    y = np.concatenate([t.y for t in train]).astype(np.float64)
    w = np.concatenate([np.full(len(t), 1.0 / len(t)) for t in train])
    w *= len(w) / w.sum()
    design = np.column_stack([np.ones_like(x), x])
    beta = np.zeros(2)
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(design @ beta)))
        hessian = (design * (w * p * (1 - p))[:, None]).T @ design + 1e-6 * np.eye(2)
        beta += np.linalg.solve(hessian, design.T @ (w * (y - p)))
    return auc(beta[0] + beta[1] * np.log1p(test.lines_added), test.y)


def measure(
    project: Project,
    tables: Mapping[str, FeatureTable],
    git_only: Project | None = None,
) -> Measured:
    """Fit on the other projects, score this one with the product and measure its latest 30%."""
    table = tables[project.key]
    others = {k: t for k, t in tables.items() if k != project.key}
    cut = int(len(table) * (1 - TEST_SHARE))
    model, _ = fit_model(others, f"{MODEL_VERSION}-without-{project.key}")
    config = config_of(model)
    whole = score_window(project.mined, project.bug_inducing, config)
    rows = whole[cut:]
    labels = [r.bug_inducing for r in rows]
    scores = [ranking_score(r.risk, config) for r in rows]
    efforts = [float(max(r.change.lines_changed, 1)) for r in rows]
    added = [float(sum(f.added for f in r.change.files)) for r in rows]
    y = np.array(labels)
    value = auc(np.array(scores), y)
    positives = int(y.sum())
    bands = [r.risk.band for r in rows]
    high = np.array([b.high_risk for b in bands])
    very = np.array([b.value == "critical" for b in bands])
    low = np.array([b.value == "safe" for b in bands])
    low_rate = float(y[low].mean()) if low.any() else None
    high_rate = float(y[high].mean()) if high.any() else None
    lift = None if not low_rate or high_rate is None else high_rate / low_rate
    own = {**others, project.key: table.take(np.arange(cut))}
    calibrated_model, _ = fit_model(own, f"{MODEL_VERSION}-calibrated-{project.key}")
    calibrated_config = config_of(calibrated_model)
    again = score_window(project.mined, project.bug_inducing, calibrated_config)[cut:]
    calibrated = auc(np.array([ranking_score(r.risk, calibrated_config) for r in again]), y)
    plain = None
    if git_only is not None:
        bare = score_window(git_only.mined, git_only.bug_inducing, config)[cut:]
        plain = auc(np.array([ranking_score(r.risk, config) for r in bare]), y)
    whole_labels = [r.bug_inducing for r in whole]
    whole_scores = [ranking_score(r.risk, config) for r in whole]
    whole_added = [float(sum(f.added for f in r.change.files)) for r in whole]
    years = [r.change.merged_at.year for r in whole]
    return Measured(
        key=project.key,
        n=len(rows),
        positives=positives,
        auc=value,
        se=auc_standard_error(value, positives, len(rows) - positives),
        lines_added=auc(np.array(added), y),
        lapredict=_lapredict(list(others.values()), table.take(np.arange(cut, len(table)))),
        calibrated=calibrated,
        recall=recall_at_effort(scores, labels, efforts, 0.2),
        lines_added_recall=recall_at_effort(added, labels, efforts, 0.2),
        bands={b: sum(1 for x in bands if x.value == b) / len(rows) for b in _BANDS},
        high_share=float(high.mean()),
        high_lift=lift,
        high_precision=high_rate,
        very_high_precision=float(y[very].mean()) if very.any() else None,
        git_only=plain,
        decade=auc(np.array(whole_scores), np.array(whole_labels)),
        decade_years=by_year(years, whole_scores, whole_labels),
        decade_lines_added=auc(np.array(whole_added), np.array(whole_labels)),
        decade_years_lines_added=by_year(years, whole_added, whole_labels),
    )


_BANDS = ("safe", "moderate", "high", "critical")


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def table(measured: Sequence[Measured]) -> list[str]:
    """The arbiter's table, a row per project and the means."""
    lines = [HEAD, "|" + "---|" * 14]
    lines += [m.row() for m in measured]
    auc_mean = _mean([m.auc for m in measured])
    la_mean = _mean([m.lines_added for m in measured])
    plain = [m.git_only for m in measured if m.git_only is not None]
    lines.append(
        f"| **mean** | | | **{auc_mean:.3f}** | {la_mean:.3f} "
        f"| {_mean([m.lapredict for m in measured]):.3f} | {auc_mean - la_mean:+.3f} "
        f"| {_mean([m.calibrated for m in measured]):.3f} "
        f"| {_fmt(_mean(plain) if plain else None)} "
        f"| {_mean([m.recall for m in measured]):.3f} / "
        f"{_mean([m.lines_added_recall for m in measured]):.3f} "
        f"| {100 * _mean([m.high_share for m in measured]):.1f}% | | | |"
    )
    above = sum(1 for m in measured if m.auc >= m.lines_added + 0.02 and m.auc >= m.lapredict)
    below = [m.key for m in measured if m.auc < m.lines_added - 0.01]
    lines.append("")
    lines.append(
        f"{above} of {len(measured)} projects at least 0.02 above lines added and LApredict; "
        + (f"below lines added by more than 0.01: {', '.join(below)}." if below else "none below.")
    )
    lines += ["", DECADE_HEAD, "|" + "---|" * 6]
    lines += [decade_row(m) for m in measured]
    drift = [
        m.key
        for m in measured
        if m.decade is not None and m.decade_years is not None and m.decade < m.decade_years - 0.01
    ]
    under = [
        m.key
        for m in measured
        if m.decade_years is not None
        and m.decade_years_lines_added is not None
        and m.decade_years < m.decade_years_lines_added
    ]
    lines.append("")
    lines.append(
        "Whole window more than 0.01 below its mean over years: "
        + (", ".join(drift) or "none")
        + "; mean over years below lines added's: "
        + (", ".join(under) or "none")
        + "."
    )
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    """Mine (or read the cache), fit leave-one-project-out, print the table; maybe write a model."""
    parser = argparse.ArgumentParser(prog="python -m bench.arbiter", description=__doc__)
    add_history_arguments(parser)
    parser.add_argument("--write-model", type=Path, default=None, help="Write the fitted model.")
    parser.add_argument("--no-git-only", action="store_true", help="Skip the git-only column.")
    parser.add_argument("--json", action="store_true", help="Print JSON.")
    args = parser.parse_args(argv)
    started = time.monotonic()
    keys = [k.strip().upper() for k in args.projects.split(",") if k.strip()]
    if HELD_OUT in keys:
        parser.error(f"{HELD_OUT} is held out of every fit and measurement.")
    bugs = tracker_keys(args.apachejit)
    projects = load_projects(args.repos, args.apachejit, keys, args.cache, bugs)
    if len(projects) < 2:
        parser.error("leave-one-project-out needs two projects or more; check --repos.")
    plain: dict[str, Project] = {}
    if not args.no_git_only:
        found = [p.key for p in projects]
        bare = load_projects(args.repos, args.apachejit, found, args.cache, frozenset())
        plain = {p.key: p for p in bare}
    tables = {p.key: table_of(p, args.cache, "tracker") for p in projects}
    measured = []
    for p in projects:
        measured.append(measure(p, tables, plain.get(p.key)))
        print(f"{p.key}: measured at {time.monotonic() - started:.0f} s", file=sys.stderr)
    lines = table(measured)
    if args.json:
        print(json.dumps([_json(m) for m in measured], indent=1))
    else:
        print("\n".join(lines))
    if args.write_model is not None:
        model, base = fit_model(tables)
        model = replace(model, measured=tuple(lines))
        args.write_model.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.write_model} (base rate {base:.3f})", file=sys.stderr)
    print(f"{time.monotonic() - started:.0f} s", file=sys.stderr)


def _json(m: Measured) -> dict[str, object]:
    return {
        "project": m.key,
        "n": m.n,
        "positives": m.positives,
        "auc": m.auc,
        "auc_se": m.se,
        "auc_lines_added": m.lines_added,
        "auc_lapredict": m.lapredict,
        "auc_calibrated": m.calibrated,
        "auc_git_only": m.git_only,
        "recall_at_20pct_lines": m.recall,
        "recall_at_20pct_lines_lines_added": m.lines_added_recall,
        "bands": dict(m.bands),
        "high_share": m.high_share,
        "high_lift": m.high_lift,
        "high_precision": m.high_precision,
        "very_high_precision": m.very_high_precision,
        "auc_whole_window": m.decade,
        "auc_mean_over_years": m.decade_years,
        "auc_whole_window_lines_added": m.decade_lines_added,
        "auc_mean_over_years_lines_added": m.decade_years_lines_added,
    }


if __name__ == "__main__":
    main()
