"""Backtest the change-metrics scorer on the six labelled Kamei-format projects.

Run with ``python -m bench.backtest [--calibrate] [--data DIR]`` (default: the
copies in ``bench/kamei``). Each project's latest 20% of commits by date is the
test set. Printed per project and as means: the default weights, the
LApredict-style baseline (score = lines added; published mean AUC 0.725 on
this split) and, with ``--calibrate``, weights fitted on each project's
earlier 80%.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from evaluation.kamei import KameiRow, backtest, backtest_lines_added, read_kamei_csv
from scoring.errors import SourceError
from scoring.ranking import BacktestResult

__all__ = ["KAMEI_DIR", "PROJECTS", "main"]

PROJECTS = ("qt", "openstack", "platform", "jdt", "gerrit", "go")
# The six projects' labelled metrics ship with the repository (MIT; see its README).
KAMEI_DIR = Path(__file__).parent / "kamei"


def _project_file(folder: Path, name: str) -> Path:
    """``name.csv`` in ``folder``, or its xz-compressed copy."""
    plain = folder / f"{name}.csv"
    return plain if plain.exists() else folder / f"{name}.csv.xz"


def _table(title: str, results: Sequence[tuple[str, BacktestResult]]) -> None:
    print(f"\n{title}")
    print(f"{'project':<10} {'n':>6} {'pos':>6} {'AUC':>6} {'rec@20%':>8} {'lift@10%':>9}")
    for name, r in results:
        print(
            f"{name:<10} {r.n:>6} {r.positives:>6} {r.auc:>6.3f} "
            f"{r.recall_at_20pct_effort:>8.3f} {r.lift_top_10pct:>9.2f}"
        )
    k = len(results)
    print(
        f"{'mean':<10} {'':>6} {'':>6} {sum(r.auc for _, r in results) / k:>6.3f} "
        f"{sum(r.recall_at_20pct_effort for _, r in results) / k:>8.3f} "
        f"{sum(r.lift_top_10pct for _, r in results) / k:>9.2f}"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the backtest over every project found in the data directory."""
    parser = argparse.ArgumentParser(prog="python -m bench.backtest", description=__doc__)
    parser.add_argument(
        "--data",
        type=Path,
        default=KAMEI_DIR,
        help="Folder holding qt.csv(.xz), openstack.csv(.xz), …; default: bench/kamei",
    )
    parser.add_argument("--calibrate", action="store_true", help="also fit weights per project")
    args = parser.parse_args(argv)
    try:
        projects = {name: read_kamei_csv(_project_file(args.data, name)) for name in PROJECTS}
    except SourceError as exc:
        print(exc, file=sys.stderr)
        return 1
    runs: list[tuple[str, Callable[[Sequence[KameiRow]], BacktestResult]]] = [
        ("default weights", lambda rows: backtest(rows, calibrate=False)),
        ("baseline: score = la (LApredict-style)", backtest_lines_added),
    ]
    if args.calibrate:
        runs.append(("calibrated on the earlier 80%", lambda rows: backtest(rows, calibrate=True)))
    for title, run in runs:
        start = time.perf_counter()
        results = [(name, run(rows)) for name, rows in projects.items()]
        _table(f"{title} ({time.perf_counter() - start:.1f} s)", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
