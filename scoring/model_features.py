"""What the fitted model reads of a change: each measured signal's features, as numbers.

Counts are read as ``log(1 + n)`` (``log_count``), so a shape's knots
spread over the range where changes differ. ``None`` is a feature that could not be
known (no touched file had history, the author is a bot); the model has a fitted
level for it. The same functions feed the fit (``evaluation.model_fit``) and the
scorer, so what was learned is what is applied.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from scoring.change_files import ChangeFiles
from scoring.change_metrics import ChangeMetrics
from scoring.history import HistoryContext

__all__ = ["DIRECTIONS", "FEATURES", "FeatureFn", "feature_values", "log_count"]


def log_count(x: float) -> float:
    """A count as the model reads it: ``log(1 + x)``, 0 for anything not above 0."""
    return math.log1p(x) if x > 0.0 else 0.0


Features = tuple[float | None, ...]
FeatureFn = Callable[[ChangeMetrics, HistoryContext, ChangeFiles], Features]


def _size(m: ChangeMetrics, _ctx: HistoryContext, _files: ChangeFiles) -> Features:
    # Every hand-written line added (code, tests, docs, project files) beside each kind
    # alone: on tracker-labelled histories neither is enough without the other.
    hand = m.la + m.ta + m.oa
    return (
        log_count(hand),
        log_count(m.la),
        log_count(m.ld),
        log_count(m.ta),
        log_count(m.oa),
        log_count(m.lt),
    )


def _diffusion(m: ChangeMetrics, _ctx: HistoryContext, _files: ChangeFiles) -> Features:
    return (log_count(m.nf), log_count(m.nd), log_count(m.ns), max(m.entropy, 0.0))


def _fix(m: ChangeMetrics, _ctx: HistoryContext, _files: ChangeFiles) -> Features:
    return (1.0 if m.fix else 0.0,)


def _file_history(m: ChangeMetrics, ctx: HistoryContext, _files: ChangeFiles) -> Features:
    if ctx.files_with_history == 0:
        return (None, None, None)
    return (log_count(m.age), log_count(m.ndev), log_count(m.nuc))


def _author_experience(m: ChangeMetrics, _ctx: HistoryContext, _files: ChangeFiles) -> Features:
    return (log_count(m.exp), log_count(m.rexp), log_count(m.sexp))


def _author_expertise(_m: ChangeMetrics, ctx: HistoryContext, _files: ChangeFiles) -> Features:
    if ctx.files_with_history == 0:
        return (None,)
    return ((ctx.files_with_history - ctx.files_known_to_author) / ctx.files_with_history,)


def _defect_proneness(_m: ChangeMetrics, ctx: HistoryContext, _files: ChangeFiles) -> Features:
    if ctx.files_with_history == 0:
        return (None,)
    return (log_count(ctx.prior_fixes_on_files),)


# Each measured signal's features: their names (as model.json names its shapes) and the
# function that reads them, in the order signals are measured.
FEATURES: dict[str, tuple[tuple[str, ...], FeatureFn]] = {
    "size": (
        (
            "lines_added",
            "code_added",
            "code_deleted",
            "test_added",
            "other_added",
            "lines_before",
        ),
        _size,
    ),
    "diffusion": (("files", "directories", "subsystems", "entropy"), _diffusion),
    "fix": (("fix",), _fix),
    "file_history": (("file_age", "prior_developers", "prior_changes"), _file_history),
    "author_experience": (
        ("author_changes", "author_recent", "author_subsystem"),
        _author_experience,
    ),
    "author_expertise": (("files_new_to_author",), _author_expertise),
    "defect_proneness": (("prior_fixes",), _defect_proneness),
}


# The way each feature may move risk, as its signal's words say it does: +1 more is
# riskier, -1 more is safer. The fit holds each shape to its direction
# (``evaluation.model_fit.fit_shapes``), so a score never says a change is riskier for
# what its words call a comfort; a feature the labels disagree with earns nothing.
DIRECTIONS: dict[str, int] = {
    "lines_added": 1,
    "code_added": 1,
    "code_deleted": 1,
    "test_added": 1,
    "other_added": 1,
    "lines_before": 1,
    "files": 1,
    "directories": 1,
    "subsystems": 1,
    "entropy": 1,
    "fix": 1,
    "file_age": -1,
    "prior_developers": 1,
    "prior_changes": 1,
    "author_changes": -1,
    "author_recent": -1,
    "author_subsystem": -1,
    "files_new_to_author": 1,
    "prior_fixes": 1,
}


def feature_values(
    m: ChangeMetrics, ctx: HistoryContext, files: ChangeFiles
) -> dict[str, float | None]:
    """Every feature of every measured signal, by the feature's name: what the fit reads."""
    out: dict[str, float | None] = {}
    for names, fn in FEATURES.values():
        out.update(zip(names, fn(m, ctx, files), strict=True))
    return out
