"""How far the six Kamei-format projects let any scorer go: the study behind the quality targets.

Run with ``pip install --group research`` (scikit-learn) and
``python -m bench.ceiling [--data DIR]``. It is not part of the product or of
``make test``: it fits the models the scorer chose not to be, on the same
split as ``bench.backtest`` (each project's latest 20% by date is the test
set), so the team can see where the targets sit against them:

1. Defaults, no per-project training. Logistic regression and gradient
   boosting on the 14 metrics, each trained on the other five projects
   (leave one project out), and one weight per shaped component of the
   scorer's shares, fitted by coordinate ascent on the earlier 80% of all six.
   Last, the same ascent run on the test sets themselves: an optimistic
   bound for any default that adds weighted shares.
2. Calibration, per project. Gradient boosting with feature interactions
   trained on the earlier 80% and on its later half only (recent history), an
   additive boosted model (depth-1 trees), and each blended by rank with the
   default score.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import rankdata
from sklearn.ensemble import GradientBoostingClassifier, HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from bench.backtest import PROJECTS
from evaluation.kamei import KameiRow, contexts, read_kamei_csv, score_metrics, split_by_date
from scoring.change_metrics import METRIC_NAMES, ChangeMetrics
from scoring.config import Weights

__all__ = ["main"]

Split = tuple[Any, Any, Any]  # (raw metrics, labels, default scores)


def _log_ramp(x: float, low: float, high: float) -> float:
    lo, hi, v = math.log1p(low), math.log1p(high), math.log1p(max(x, 0.0))
    return min(1.0, max(0.0, (v - lo) / (hi - lo)))


def _components(m: ChangeMetrics) -> list[float]:
    """The pieces the scorer's shares are built from, each on the scorer's own scale."""
    return [
        1.0 if m.la > 0 else 0.0,
        _log_ramp(m.la, 0, 1e4),
        _log_ramp(m.ld, 0, 1e4),
        _log_ramp(m.nf, 1, 100),
        min(1.0, max(m.entropy, 0.0) / math.log2(100)),
        _log_ramp(m.nd, 1, 50),
        _log_ramp(m.ns, 1, 10),
        1.0 if m.fix else 0.0,
        1.0 - _log_ramp(m.age, 30, 3650),
        _log_ramp(m.ndev, 1, 100),
        _log_ramp(m.nuc, 1, 1e4),
        _log_ramp(m.exp, 0, 1e4),
        _log_ramp(m.rexp, 0, 1e3),
        _log_ramp(m.sexp, 0, 1e3),
        _log_ramp(m.lt, 0, 1e6),
    ]


def _arrays(rows: Sequence[KameiRow]) -> tuple[Any, Any, Any, Any]:
    raw = np.array([[float(getattr(m, f)) for f in METRIC_NAMES] for _, m, _ in rows])
    comps = np.array([_components(m) for _, m, _ in rows])
    labels = np.array([bug for _, _, bug in rows], dtype=int)
    ranked = contexts([m for _, m, _ in rows])
    default = np.array(
        [score_metrics(m, Weights(), c) for (_, m, _), c in zip(rows, ranked, strict=True)]
    )
    return np.log1p(np.clip(raw, 0, None)), comps, labels, default


def _auc(scores: Any, labels: Any) -> float:
    return float(roc_auc_score(labels, scores))


def _blend(a: Any, b: Any) -> Any:
    return rankdata(a) + rankdata(b)


def _line(title: str, aucs: Sequence[float]) -> None:
    cells = " ".join(f"{a:.3f}" for a in aucs)
    print(f"{title:<58} {cells}  mean {sum(aucs) / len(aucs):.4f}")


def _ascent(columns: dict[str, tuple[Any, Any]], start: Any) -> Any:
    """Coordinate ascent of one weight per component on the mean AUC over projects."""

    def mean_auc(w: Any) -> float:
        return sum(_auc(x @ w, y) for x, y in columns.values()) / len(columns)

    best, value = start.copy(), mean_auc(start)
    for _ in range(4):
        for j in range(len(best)):
            for step in (-1.0, -0.5, -0.25, 0.25, 0.5, 1.0):
                trial = best.copy()
                trial[j] += step
                v = mean_auc(trial)
                if v > value:
                    best, value = trial, v
    return best


def main(argv: list[str] | None = None) -> int:
    """Print the study's AUC table: one column per project, then the mean."""
    parser = argparse.ArgumentParser(prog="python -m bench.ceiling", description=__doc__)
    parser.add_argument(
        "--data", type=Path, required=True, help="Folder holding qt.csv, openstack.csv, …"
    )
    args = parser.parse_args(argv)
    train: dict[str, tuple[Any, Any, Any, Any]] = {}
    test: dict[str, tuple[Any, Any, Any, Any]] = {}
    for name in PROJECTS:
        earlier, latest = split_by_date(read_kamei_csv(args.data / f"{name}.csv"))
        train[name], test[name] = _arrays(earlier), _arrays(latest)
    print(f"{'':<58} {' '.join(f'{p[:5]:>5}' for p in PROJECTS)}")
    _line("scorer, default weights", [_auc(test[p][3], test[p][2]) for p in PROJECTS])

    print("\nDefaults: nothing fitted on the project scored")

    def leave_one_out(make: Callable[[], Any]) -> list[float]:
        out = []
        for p in PROJECTS:
            others = [q for q in PROJECTS if q != p]
            x = np.vstack([np.vstack([train[q][0], test[q][0]]) for q in others])
            y = np.concatenate([np.concatenate([train[q][2], test[q][2]]) for q in others])
            model = make().fit(x, y)
            out.append(_auc(model.predict_proba(test[p][0])[:, 1], test[p][2]))
        return out

    _line(
        "logistic regression, other five projects",
        leave_one_out(lambda: LogisticRegression(max_iter=3000)),
    )
    _line(
        "gradient boosting, other five projects",
        leave_one_out(
            lambda: HistGradientBoostingClassifier(
                max_iter=200, learning_rate=0.05, max_leaf_nodes=15, random_state=0
            )
        ),
    )
    start = np.array(
        [2.4, 3.5, 0.9, 1.4, -0.3, -0.1, -0.3, 1.0, 1.1, -0.4, 0.9, -0.8, 0.3, 0.3, -0.5]
    )
    fitted = _ascent({p: (train[p][1], train[p][2]) for p in PROJECTS}, start)
    _line(
        "15 component weights, fitted on all six earlier 80%",
        [_auc(test[p][1] @ fitted, test[p][2]) for p in PROJECTS],
    )
    bound = _ascent({p: (test[p][1], test[p][2]) for p in PROJECTS}, fitted)
    _line(
        "15 component weights, fitted on the test sets (bound)",
        [_auc(test[p][1] @ bound, test[p][2]) for p in PROJECTS],
    )

    print("\nCalibration: fitted per project on its earlier 80% (or its later half)")
    models: list[tuple[str, Callable[[], Any]]] = [
        (
            "additive boosting (depth-1 trees)",
            lambda: HistGradientBoostingClassifier(
                max_iter=600, learning_rate=0.05, max_depth=1, random_state=0
            ),
        ),
        (
            "boosting with interactions",
            lambda: GradientBoostingClassifier(
                n_estimators=100, learning_rate=0.1, max_leaf_nodes=8, random_state=0
            ),
        ),
    ]
    for title, make in models:
        for recent in (False, True):
            alone, blended = [], []
            for p in PROJECTS:
                x, _, y, _ = train[p]
                cut = len(y) // 2 if recent else 0
                model = make().fit(x[cut:], y[cut:])
                predicted = model.predict_proba(test[p][0])[:, 1]
                alone.append(_auc(predicted, test[p][2]))
                blended.append(_auc(_blend(predicted, test[p][3]), test[p][2]))
            part = "later half" if recent else "all 80%"
            _line(f"{title}, {part}", alone)
            _line("  ... blended by rank with the default score", blended)
    return 0


if __name__ == "__main__":
    sys.exit(main())
