"""Labelled just-in-time change metrics (Kamei et al. format) and the backtest over them.

The reading lives here, not in ``scoring``, because scoring does no I/O; the
backtest itself only splits, scores and measures.
"""

from __future__ import annotations

import csv
import gzip
import lzma
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from scoring.calibration import fit_weights
from scoring.change_files import ChangeFiles
from scoring.change_metrics import METRIC_FAMILIES, ChangeMetrics
from scoring.config import ScoringConfig, Weights
from scoring.errors import SourceError
from scoring.history_context import HistoryContext
from scoring.model import MODEL, ChangeModel
from scoring.model_features import FEATURES
from scoring.ranking import BacktestResult, evaluate
from scoring.running_rank import RunningRank
from scoring.score_scale import band_for
from scoring.signals import CHANGE_SIGNALS
from scoring.weight_scaling import known_scale

__all__ = [
    "MIN_ROWS",
    "KameiRow",
    "backtest",
    "backtest_lines_added",
    "contexts",
    "metric_shares",
    "read_kamei_csv",
    "score_metrics",
    "split_by_date",
]

# (commit time in unix seconds, metrics, induced a bug)
KameiRow = tuple[int, ChangeMetrics, bool]

# CSV column for each ChangeMetrics field; the datasets spell entropy "entrophy".
_COLUMNS: dict[str, str] = {
    "ns": "ns",
    "nd": "nd",
    "nf": "nf",
    "entropy": "entrophy",
    "la": "la",
    "ld": "ld",
    "lt": "lt",
    "fix": "fix",
    "ndev": "ndev",
    "age": "age",
    "nuc": "nuc",
    "exp": "exp",
    "rexp": "rexp",
    "sexp": "sexp",
}
_REQUIRED = ("date", "bug", *_COLUMNS.values())
_TEST_SHARE = 0.2
# Below this the latest 20% is one or two changes, which no figure can be read from.
MIN_ROWS = 10
# A change known only by its metrics has no file facts: the families it measures read none.
_NO_FILES = ChangeFiles(
    test_files=0,
    source_lines=0,
    code_added=0,
    migration=None,
    infra=False,
    sensitive=False,
    manifest=False,
    owner_files=0,
    unowned_files=0,
    personal_owners=frozenset(),
)


def _known(m: ChangeMetrics) -> int:
    # A dataset records 0 developers and age for files new to it.
    return int(m.nf) if (m.ndev > 0 or m.age > 0 or m.nuc > 0) else 0


def contexts(metrics: Sequence[ChangeMetrics]) -> list[HistoryContext]:
    """The little of a history context the metric families read, for changes in date order:
    whether the touched files had any history, and where the counts that grow with a history
    stand among the latest changes' (``RunningRank``), as the live history ranks them."""
    author, subsystem, changes, devs = RunningRank(), RunningRank(), RunningRank(), RunningRank()
    out = []
    for m in metrics:
        known = _known(m)
        ranks = (author.rank(m.exp, add=True), subsystem.rank(m.sexp, add=True), 0.5, 0.5)
        if known:
            ranks = (*ranks[:2], changes.rank(m.nuc, add=True), devs.rank(m.ndev, add=True))
        out.append(
            HistoryContext(
                author_prior_changes=int(m.exp),
                files_with_history=known,
                files_known_to_author=0,
                prior_fixes_on_files=0,
                recent_incidents=0,
                lookback_days=30,
                author_changes_rank=ranks[0],
                author_subsystem_rank=ranks[1],
                file_changes_rank=ranks[2],
                file_devs_rank=ranks[3],
            )
        )
    return out


def metric_shares(
    m: ChangeMetrics, ctx: HistoryContext | None = None, model: ChangeModel = MODEL
) -> dict[str, float]:
    """The share (0–1) of each family the metrics measure, as the shipped model reads them:
    the same features and shapes the live scorer reads a change through. ``ctx`` is the
    change's place in its dataset (``contexts``); without it, every count ranks midway."""
    ctx = ctx or contexts([m])[0]
    return {
        name: model.share(name, FEATURES[name][1](m, ctx, _NO_FILES)) for name in METRIC_FAMILIES
    }


def score_metrics(m: ChangeMetrics, weights: Weights, ctx: HistoryContext | None = None) -> float:
    """The risk score of a change known only by its metrics: the sum of its families' points.

    Not rounded: a backtest ranks changes, and rounding would create ties.
    """
    shares = metric_shares(m, ctx)
    points = (
        weights.size * shares["size"]
        + weights.diffusion * shares["diffusion"]
        + weights.fix * shares["fix"]
        + weights.file_history * shares["file_history"]
        + weights.author_experience * shares["author_experience"]
    )
    return min(100.0, max(0.0, points))


def _number(raw: str | None, column: str, path: Path, line: int) -> float:
    # csv.DictReader fills the columns of a short row with None.
    if raw is None:
        raise SourceError(f"{path} line {line} is too short to have a value for {column!r}.")
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise SourceError(
            f"{path} line {line}: column {column!r} holds {raw!r}, which is not a number."
        )
    return value


def _flag(raw: str | None, column: str, path: Path, line: int) -> bool:
    value = _number(raw, column, path, line)
    if value not in (0.0, 1.0):
        raise SourceError(f"{path} line {line}: column {column!r} must be 0 or 1, not {raw!r}.")
    return value == 1.0


def _metrics(record: dict[str, str | None], path: Path, line: int) -> ChangeMetrics:
    def num(field: str) -> float:
        return _number(record[_COLUMNS[field]], _COLUMNS[field], path, line)

    return ChangeMetrics(
        ns=num("ns"),
        nd=num("nd"),
        nf=num("nf"),
        entropy=num("entropy"),
        la=num("la"),
        ld=num("ld"),
        lt=num("lt"),
        fix=_flag(record["fix"], "fix", path, line),
        ndev=num("ndev"),
        age=num("age"),
        nuc=num("nuc"),
        exp=num("exp"),
        rexp=num("rexp"),
        sexp=num("sexp"),
    )


def _open_text(path: Path) -> TextIO:
    """``path`` as text; a ``.xz`` or ``.gz`` file is read through its decompressor."""
    if path.suffix == ".xz":
        return lzma.open(path, "rt", newline="", encoding="utf-8")
    if path.suffix == ".gz":
        return gzip.open(path, "rt", newline="", encoding="utf-8")
    return path.open(newline="", encoding="utf-8")


def read_kamei_csv(path: Path | str) -> list[KameiRow]:
    """Rows of a Kamei-format CSV as ``(unix seconds, metrics, bug)``, in file order.

    Raises ``SourceError`` naming the file and the missing column or bad line,
    or saying that the file has a header but no rows.
    """
    path = Path(path)
    try:
        with _open_text(path) as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c for c in _REQUIRED if c not in header]
            if missing:
                raise SourceError(
                    f"{path} has no column {missing[0]!r}; a Kamei-format CSV needs "
                    f"{', '.join(_REQUIRED)}."
                )
            rows: list[KameiRow] = []
            # Line 1 is the header, so data starts on line 2.
            for line, record in enumerate(reader, start=2):
                metrics = _metrics(record, path, line)
                date = int(_number(record["date"], "date", path, line))
                rows.append((date, metrics, _flag(record["bug"], "bug", path, line)))
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}.") from exc
    except (csv.Error, UnicodeDecodeError, lzma.LZMAError, EOFError) as exc:
        raise SourceError(f"{path} is not a readable CSV file: {exc}.") from exc
    if not rows:
        raise SourceError(
            f"{path} has a header but no rows; add one line of metrics and a bug label per change."
        )
    return rows


def split_by_date(rows: Sequence[KameiRow]) -> tuple[list[KameiRow], list[KameiRow]]:
    """The earlier 80% and the latest 20% of changes by date (ties keep file order)."""
    ordered = sorted(rows, key=lambda r: r[0])
    cut = int(len(ordered) * (1 - _TEST_SHARE))
    return ordered[:cut], ordered[cut:]


def _evaluate(
    scores: Sequence[float], test: Sequence[KameiRow], config: ScoringConfig | None = None
) -> BacktestResult:
    """Rank ``test`` by ``scores``; with ``config``, also count the bands the product would give.

    Only the metric families are known in such data, so a score is scaled as
    the product scales a change whose other signals are unknown.
    """
    labels = [bug for _, _, bug in test]
    bands = None
    if config is not None:
        names = [fn.__name__ for fn in CHANGE_SIGNALS]
        scale = known_scale(config.weights, names, METRIC_FAMILIES)
        bands = [str(band_for(round(min(100.0, s * scale)), config)) for s in scores]
    try:
        return evaluate(
            scores,
            labels,
            [m.la + m.ld for _, m, _ in test],
            lines_added=[m.la for _, m, _ in test],
            bands=bands,
        )
    except ValueError:
        raise SourceError(
            f"the latest {len(labels)} changes are all "
            f"{'bug-inducing' if labels and labels[0] else 'clean'}, so they cannot be ranked; "
            "use a dataset with both kinds among its recent changes."
        ) from None


def backtest(
    rows: Sequence[KameiRow], calibrate: bool = False, weights: Weights | None = None
) -> BacktestResult:
    """Score the latest 20% of changes and measure how well the scores rank the bugs.

    With ``calibrate`` the weights are fitted on the earlier 80% only, so the
    test changes never inform them; otherwise ``weights`` (default
    ``Weights()``) are used as they are. Only the signals the metrics measure
    (``METRIC_FAMILIES``) are scored; the rest are unknown in such data.
    """
    if len(rows) < MIN_ROWS:
        raise SourceError(
            f"only {len(rows)} changes were given, too few to measure the latest 20% of; "
            f"use a dataset with at least {MIN_ROWS} labelled changes."
        )
    train, test = split_by_date(rows)
    ranked = contexts([m for _, m, _ in (*train, *test)])
    train_ctx, test_ctx = ranked[: len(train)], ranked[len(train) :]
    if calibrate:
        if all(bug for _, _, bug in train) or not any(bug for _, _, bug in train):
            kind = "bug-inducing" if train[0][2] else "clean"
            raise SourceError(
                f"the earlier {len(train)} changes are all {kind}, so no weights can be fitted "
                "on them; run without --calibrate or use a dataset with both kinds early on."
            )
        try:
            weights = fit_weights(
                [metric_shares(m, c) for (_, m, _), c in zip(train, train_ctx, strict=True)],
                [bug for _, _, bug in train],
                METRIC_FAMILIES,
                weights,
            )
        except ValueError as exc:
            raise SourceError(
                f"cannot calibrate on the earlier {len(train)} changes: {exc}; "
                "run without calibration."
            ) from exc
    chosen = weights or Weights()
    config = ScoringConfig(weights=chosen)
    scores = [score_metrics(m, chosen, c) for (_, m, _), c in zip(test, test_ctx, strict=True)]
    return _evaluate(scores, test, config)


def backtest_lines_added(rows: Sequence[KameiRow]) -> BacktestResult:
    """The LApredict-style baseline on the same split: the score is lines added."""
    _, test = split_by_date(rows)
    return _evaluate([m.la for _, m, _ in test], test)
