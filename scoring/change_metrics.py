"""Kamei et al.'s just-in-time change metrics, measured for a live change.

The live scorer computes these metrics for each change from its facts and the
history as of its merge; a labelled public dataset records the same metrics.
What each signal family earns of them is the fitted model's to say
(``scoring.model_features`` reads them, ``scoring.model`` shapes them), for a live
change and for a dataset's row alike (``evaluation.kamei``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scoring.change_files import code_lines_of, is_generated_name
from scoring.facts import ChangeFacts
from scoring.history import HistoryContext, subsystem_of
from scoring.paths import path_kinds

__all__ = ["METRIC_FAMILIES", "METRIC_NAMES", "ChangeMetrics", "metrics_of"]

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


@dataclass(frozen=True, slots=True)
class ChangeMetrics:
    """Kamei et al.'s just-in-time metrics of one change (counts as floats, as extractors emit).

    ``entropy`` is the change entropy in bits over the touched files; ``age`` is
    the mean days since the touched files last changed; ``exp``/``rexp``/``sexp``
    are the author's prior changes overall, recency-weighted and in the subsystem.
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


def _entropy_bits(lines: list[int]) -> float:
    total = sum(lines)
    if total <= 0:
        return 0.0
    # A list sums quicker than a generator, and in the same order.
    log2 = math.log2
    return -sum([(n / total) * log2(n / total) for n in lines if n > 0])


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
    # One pass over the files: this runs for every scored change.
    lines: dict[str, int] = {}
    directories: set[str] = set()
    subsystems: set[str] = set()
    added = deleted = tests = others = 0
    for f in change.files:
        path = f.path
        if f.generated or is_generated_name(path):
            # Lock files and generated code are nobody's hand-written size or spread.
            continue
        kinds = path_kinds(path)
        if kinds.code:
            code = code_lines_of(f)
            added += code[0]
            deleted += code[1]
        elif kinds.test:
            tests += f.added
        else:
            others += f.added
        if path in lines:
            lines[path] += f.added + f.deleted
        else:
            lines[path] = f.added + f.deleted
            directories.add(path.rpartition("/")[0])
        subsystems.add(subsystem_of(path, f.service))
    # Positional: keyword arguments cost more than building the value itself.
    return ChangeMetrics(
        float(len(subsystems)),  # ns
        float(len(directories)),  # nd
        float(len(lines)),  # nf
        _entropy_bits(list(lines.values())),  # entropy
        float(added),  # la
        float(deleted),  # ld
        float(ctx.file_lines_before),  # lt
        change.is_fix or change.is_hotfix or change.is_revert,  # fix
        float(ctx.file_prior_devs),  # ndev
        ctx.file_age_days if ctx.file_age_days is not None else 0.0,  # age
        float(ctx.file_prior_changes),  # nuc
        float(ctx.author_prior_changes),  # exp
        ctx.author_recent_changes,  # rexp
        float(ctx.author_subsystem_changes),  # sexp
        float(tests),  # ta
        float(others),  # oa
    )
