"""What the fitted model reads of a change: each measured signal's features, as numbers.

Counts are read as ``log(1 + n)`` (``log_count``), so a shape's knots
spread over the range where changes differ. ``None`` is a feature that could not be
known (no touched file had history, the author is a bot); the model has a fitted
level for it. These functions feed the fit (``evaluation.model_fit``); the scorer
reads the same features through ``FittedShares``, which gives each signal's share
straight from the metrics and the history, with each shape's points at the small whole
counts most changes repeat worked out once: the same points, bit for bit
(tests/scoring/test_fitted_shares.py holds it to ``FEATURES`` and ``ChangeModel.share``),
so what was learned is what is applied.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from scoring.change_files import ChangeFiles
from scoring.change_metrics import ChangeMetrics
from scoring.history_context import HistoryContext
from scoring.model import ChangeModel
from scoring.shape_tables import RankTable, ShapeTable

__all__ = [
    "DIRECTIONS",
    "FEATURES",
    "FeatureFn",
    "FittedShares",
    "feature_values",
    "fitted_shares",
    "log_count",
]


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
    # The developers and earlier changes are counts that grow with the history: read as their
    # rank among the history's latest changes (``HistoryContext``), not as counts.
    return (log_count(m.age), ctx.file_devs_rank, ctx.file_changes_rank)


def _author_experience(m: ChangeMetrics, ctx: HistoryContext, _files: ChangeFiles) -> Features:
    # The author's changes, overall and in the subsystems, as ranks (as the files' counts);
    # recent changes decay with time, so they do not grow with the history's age.
    return (ctx.author_changes_rank, log_count(m.rexp), ctx.author_subsystem_rank)


def _author_expertise(_m: ChangeMetrics, ctx: HistoryContext, _files: ChangeFiles) -> Features:
    if ctx.files_with_history == 0:
        return (None,)
    return ((ctx.files_with_history - ctx.files_known_to_author) / ctx.files_with_history,)


def _defect_proneness(_m: ChangeMetrics, ctx: HistoryContext, _files: ChangeFiles) -> Features:
    if ctx.files_with_history == 0:
        return (None,)
    return (ctx.file_fixes_rank,)


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


class FittedShares:
    """Each measured signal's share of its weight under one model, read straight from a change.

    What ``model.share(signal, FEATURES[signal][1](m, ctx, files))`` gives, to the last bit,
    without building the features: this runs seven times for every scored change. Each
    method reads its signal's features as its ``FEATURES`` function above does, in the same
    order (the points are added up in that order, so the float sum is the same), a count
    through its shape's ``ShapeTable``. A signal whose features are all unknown earns the
    share the model gives its unknown levels, worked out once.

    A share is clipped to 0–1 as ``min(1.0, max(0.0, share))`` would, without the two calls:
    the same value for any float, NaN and -0.0 (both 0.0) included.
    """

    __slots__ = (
        "_diffusion",
        "_experience",
        "_expertise",
        "_file_history",
        "_fix",
        "_most",
        "_proneness",
        "_size",
        "_unknown",
    )

    def __init__(self, model: ChangeModel) -> None:
        # ``None``: a rank (``RankTable``); else whether the feature is a count.
        def tables(signal: str, *counts: bool | None) -> tuple[ShapeTable, ...]:
            shapes = model.shapes(signal)
            if len(shapes) != len(counts):
                raise ValueError(f"{signal} has {len(shapes)} shapes, its features {len(counts)}")
            return tuple(
                RankTable(s) if c is None else ShapeTable(s, c)
                for s, c in zip(shapes, counts, strict=True)
            )

        def most(signal: str) -> float:
            # A signal that can earn nothing earns a share of 0: ``inf`` divides anything
            # finite down to 0, as ``ChangeModel.share`` returns for ``most <= 0``.
            points = model.most(signal)
            return points if points > 0.0 else math.inf

        count, as_is, rank = True, False, None
        self._size = tables("size", count, count, count, count, count, count)
        self._diffusion = tables("diffusion", count, count, count, as_is)
        # Ranks (0–1) are read as they are, each worked out once (``RankTable``).
        self._file_history = tables("file_history", count, rank, rank)
        self._experience = tables("author_experience", rank, count, rank)
        (self._expertise,) = tables("author_expertise", as_is)
        (self._proneness,) = tables("defect_proneness", rank)
        # A fix is 1 or 0: both shares known up front.
        self._fix = (model.share("fix", (0.0,)), model.share("fix", (1.0,)))
        self._most = {name: most(name) for name in FEATURES}
        # The shares of the signals that read nothing when no touched file had history.
        self._unknown = {
            name: model.share(name, (None,) * len(model.shapes(name)))
            for name in ("file_history", "author_expertise", "defect_proneness")
        }

    def size(self, m: ChangeMetrics) -> float:
        """``_size``'s features: hand-written lines added, code added and deleted, test and
        other lines added, lines the files held."""
        hand, code, deleted, tests, other, before = self._size
        la = m.la
        earned = (
            hand[la + m.ta + m.oa]
            + code[la]
            + deleted[m.ld]
            + tests[m.ta]
            + other[m.oa]
            + before[m.lt]
        )
        share = earned / self._most["size"]
        return share if 0.0 < share < 1.0 else (1.0 if share >= 1.0 else 0.0)

    def diffusion(self, m: ChangeMetrics) -> float:
        """``_diffusion``'s: files, directories, subsystems, entropy."""
        files, dirs, subsystems, entropy = self._diffusion
        earned = files[m.nf] + dirs[m.nd] + subsystems[m.ns] + entropy.points(max(m.entropy, 0.0))
        share = earned / self._most["diffusion"]
        return share if 0.0 < share < 1.0 else (1.0 if share >= 1.0 else 0.0)

    def fix(self, m: ChangeMetrics) -> float:
        """``_fix``'s: whether the change fixes, hotfixes or reverts."""
        return self._fix[1] if m.fix else self._fix[0]

    def fix_of(self, fixed: bool) -> float:
        """``fix``'s share for a change that fixes, hotfixes or reverts (``fixed``) or not."""
        return self._fix[1] if fixed else self._fix[0]

    def file_history(self, m: ChangeMetrics, ctx: HistoryContext) -> float:
        """``_file_history``'s: the files' age, developers and earlier changes."""
        if ctx.files_with_history == 0:
            return self._unknown["file_history"]
        age, devs, changes = self._file_history
        earned = age.points(m.age) + devs[ctx.file_devs_rank] + changes[ctx.file_changes_rank]
        share = earned / self._most["file_history"]
        return share if 0.0 < share < 1.0 else (1.0 if share >= 1.0 else 0.0)

    def author_experience(self, m: ChangeMetrics, ctx: HistoryContext) -> float:
        """``_author_experience``'s: the author's changes overall, recently, in the subsystems."""
        overall, recent, subsystems = self._experience
        earned = (
            overall[ctx.author_changes_rank]
            + recent.points(m.rexp)
            + subsystems[ctx.author_subsystem_rank]
        )
        share = earned / self._most["author_experience"]
        return share if 0.0 < share < 1.0 else (1.0 if share >= 1.0 else 0.0)

    def author_expertise(self, with_history: int, known_to_author: int) -> float:
        """``_author_expertise``'s: the share of the files with history new to the author,
        from ``ctx.files_with_history`` and ``ctx.files_known_to_author``."""
        if with_history == 0:
            return self._unknown["author_expertise"]
        new = self._expertise[(with_history - known_to_author) / with_history]
        share = new / self._most["author_expertise"]
        return share if 0.0 < share < 1.0 else (1.0 if share >= 1.0 else 0.0)

    def defect_proneness(self, with_history: int, fixes_rank: float) -> float:
        """``_defect_proneness``'s: earlier fixes and reverts on the files, from
        ``ctx.files_with_history`` and ``ctx.file_fixes_rank``."""
        if with_history == 0:
            return self._unknown["defect_proneness"]
        earned = self._proneness[fixes_rank]
        share = earned / self._most["defect_proneness"]
        return share if 0.0 < share < 1.0 else (1.0 if share >= 1.0 else 0.0)


# The readers of the models a process scores with (the shipped one, a fit's, a test's), each
# kept with its model so that an id is never taken for a later model's; and the last one
# asked for, first: seven signals ask for it on every change, nearly always the same.
_SHARES: dict[int, tuple[ChangeModel, FittedShares]] = {}
_KEEP = 8
_last_model: ChangeModel | None = None
_last_shares: FittedShares | None = None


def fitted_shares(model: ChangeModel) -> FittedShares:
    """The ``FittedShares`` of ``model``, built on first use and kept."""
    global _last_model, _last_shares
    if model is _last_model and _last_shares is not None:
        return _last_shares
    known = _SHARES.get(id(model))
    if known is None or known[0] is not model:
        if len(_SHARES) >= _KEEP:
            _SHARES.clear()
        known = _SHARES[id(model)] = (model, FittedShares(model))
    _last_model, _last_shares = known
    return known[1]
