"""Kamei et al.'s just-in-time change metrics, measured for a live change.

The live scorer computes these metrics for each change from its facts and the
history as of its merge; a labelled public dataset records the same metrics.
What each signal family earns of them is the fitted model's to say
(``scoring.model_features`` reads them, ``scoring.model`` shapes them), for a live
change and for a dataset's row alike (``evaluation.kamei``).
"""

from __future__ import annotations

from dataclasses import dataclass

from scoring.change_files import ChangeFiles, read_files
from scoring.facts import ChangeFacts
from scoring.history_context import HistoryContext

__all__ = [
    "METRIC_FAMILIES",
    "METRIC_NAMES",
    "ChangeMetrics",
    "files_and_metrics",
    "metrics_of",
]

# The signals a change's metrics alone can measure.
METRIC_FAMILIES: tuple[str, ...] = ("size", "diffusion", "fix", "file_history", "author_experience")

METRIC_NAMES: tuple[str, ...] = (
    "ns",
    "nd",
    "nf",
    "entropy",
    "la",
    "ld",
    "lt",
    "fix",
    "ndev",
    "age",
    "nuc",
    "exp",
    "rexp",
    "sexp",
)


@dataclass(slots=True)
class ChangeMetrics:
    """Kamei et al.'s just-in-time metrics of one change (counts as floats, as extractors emit).

    ``entropy`` is the change entropy in bits over the touched files; ``age`` is
    the mean days since the touched files last changed; ``exp``/``rexp``/``sexp``
    are the author's prior changes overall, recency-weighted and in the subsystem.

    Not frozen, though nothing changes one once made: one is made for every scored
    change, and a frozen dataclass sets each of its sixteen fields through
    ``object.__setattr__`` (as ``HistoryContext`` in ``scoring.history``).
    """

    ns: float
    nd: float
    nf: float
    entropy: float
    la: float
    ld: float
    lt: float
    fix: bool
    ndev: float
    age: float
    nuc: float
    exp: float
    rexp: float
    sexp: float
    # Not Kamei's: the hand-written lines added outside code, which the model reads apart
    # from code (a reviewer reads them less closely): to tests (``ta``), and to docs,
    # examples, configuration and manifests (``oa``). Lock and generated files are in neither.
    ta: float = 0.0
    oa: float = 0.0


def metrics_of(change: ChangeFacts, ctx: HistoryContext) -> ChangeMetrics:
    """The metrics of a live change, measured as the public datasets measure them.

    Three differences: lock files, vendored and generated files count in neither
    size nor spread (``scoring.change_files.written_by_hand``); lines added and
    deleted (``la``, ``ld``) are lines of code only (``code_lines_of``: no tests,
    docs, examples, CI or project files, comments or blank lines); and the datasets
    count the change itself in ``exp``, ``ndev`` and ``nuc``, while here the
    history stops just before it (the model was fitted on what this function measures, so
    the offset is in what it learned).
    """
    return files_and_metrics(change, ctx)[1]


def files_and_metrics(
    change: ChangeFacts, ctx: HistoryContext
) -> tuple[ChangeFiles, ChangeMetrics]:
    """``change_files(change)`` and ``metrics_of(change, ctx)`` from one pass over the files
    (``scoring.change_files.read_files``): the scorer asks for both for every change."""
    files, spread = read_files(change)
    ns, nd, nf, entropy, la, ld, ta, oa = spread
    # Positional: keyword arguments cost more than building the value itself.
    metrics = ChangeMetrics(
        float(ns),  # ns
        float(nd),  # nd
        float(nf),  # nf
        entropy,  # entropy
        float(la),  # la
        float(ld),  # ld
        float(ctx.file_lines_before),  # lt
        change.is_fix or change.is_hotfix or change.is_revert,  # fix
        float(ctx.file_prior_devs),  # ndev
        ctx.file_age_days if ctx.file_age_days is not None else 0.0,  # age
        float(ctx.file_prior_changes),  # nuc
        float(ctx.author_prior_changes),  # exp
        ctx.author_recent_changes,  # rexp
        float(ctx.author_subsystem_changes),  # sexp
        float(ta),  # ta
        float(oa),  # oa
    )
    return files, metrics
