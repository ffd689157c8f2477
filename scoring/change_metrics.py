"""Kamei et al.'s just-in-time change metrics and the signal families measured from them.

The live scorer computes these metrics for each change from its facts and the
history as of its merge; a labelled public dataset records the same metrics,
so the families below are what ``riskbrief backtest`` measures. Each family
earns a share in [0, 1] and ``Weights`` says how many points a full share is
worth.

Shares grow with the logarithm of counts over wide ranges rather than through
short clipped ramps: a ranking metric (AUC) is hurt by ties, and a ramp that
clips at 20 lines would make most small changes tie at zero.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from scoring.change_files import code_lines_of, is_generated_name
from scoring.config import Weights
from scoring.facts import ChangeFacts
from scoring.history import HistoryContext, subsystem_of
from scoring.paths import path_kinds
from scoring.signal import Signal

__all__ = [
    "METRIC_FAMILIES",
    "METRIC_NAMES",
    "OTHER_LINE_FACTOR",
    "TEST_LINE_FACTOR",
    "ChangeMetrics",
    "diffusion_share",
    "experience_share",
    "history_share",
    "metric_shares",
    "metric_signals",
    "metrics_of",
    "score_metrics",
    "size_share",
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
    # Not Kamei's: the hand-written lines added outside code, which size counts for less (a
    # reviewer reads them less closely): to tests (``ta``), and to docs, examples,
    # configuration and manifests (``oa``). Lock and generated files are in neither.
    ta: float = 0.0
    oa: float = 0.0


# Deleted lines count a fifth of added ones: removed code cannot hold a new
# defect, but deletions still break callers and are read in review.
_DELETED_FACTOR = 0.2
# Where each log ramp saturates; chosen wide so that only outliers clip.
_MAX_LINES = 10_000
_MAX_FILES = 100
_MAX_DIRS = 50
_MAX_SUBSYSTEMS = 10
_MAX_ENTROPY_BITS = math.log2(100)
_MAX_PRIOR_DEVS = 100
# Code that adds lines brings new code, where new defects live: the first
# added line earns this much of the size share, and the rest grows with the
# logarithm of lines. A change that only deletes gets no such base. Kept small
# so that typical scores move by a point or two, not across band thresholds.
_NEW_CODE_BASE = 0.1
# What an added line of tests, and of other hand-written files (docs, examples,
# configuration, manifests), counts for in size against a line of code. Code is what
# a reviewer must read closely; the rest is read too, and a change that brings a
# feature brings its tests and docs: on six Apache histories labelled by their
# trackers (``bench.real_history``), code lines alone rank bug-inducing commits below
# lines added alone on all six, and code with tests at a quarter and the rest at a
# tenth above it on all six (docs/scoring.md).
TEST_LINE_FACTOR = 0.25
OTHER_LINE_FACTOR = 0.1
# Files whose last change is older than this on average are settling down;
# the history share falls on a log scale until they are ten years old.
_SETTLING_DAYS = 30
_STABLE_DAYS = 3_650
# How the file-history share mixes stability and many hands on the files.
_SETTLING_PART = 0.7
_SEASONED_CHANGES = 10_000
_SEASONED_RECENT = 1_000


def _log_ramp(low: float, high: float) -> Callable[[float], float]:
    """A share that is 0 at or below ``low``, 1 at or above ``high``, linear in log(1 + x) between.

    The ends' logarithms are taken once here: the share runs nine times for
    every scored change.
    """
    lo, hi = math.log1p(low), math.log1p(high)
    span = hi - lo
    log1p = math.log1p

    def share(x: float) -> float:
        v = log1p(x) if x > 0.0 else 0.0
        if v <= lo:
            return 0.0
        if v >= hi:
            return 1.0
        return (v - lo) / span

    return share


_files_share = _log_ramp(1, _MAX_FILES)
_dirs_share = _log_ramp(1, _MAX_DIRS)
_subsystems_share = _log_ramp(1, _MAX_SUBSYSTEMS)
_stable_share = _log_ramp(_SETTLING_DAYS, _STABLE_DAYS)
_devs_share = _log_ramp(1, _MAX_PRIOR_DEVS)
_changes_share = _log_ramp(0, _SEASONED_CHANGES)
_recent_share = _log_ramp(0, _SEASONED_RECENT)


def size_share(m: ChangeMetrics) -> float:
    """A tenth for adding any code, the rest for lines added (deletions a fifth) on a log scale.

    Lines added and deleted grow the share on a log scale up to 10,000. A
    change that adds no line gets only that log part, without the base: new
    defects live in new code (SZZ traces a defect to the change that added its
    lines, and lines added is the strongest single just-in-time predictor,
    Kamei et al. 2013), so on public data deletion-only changes almost never
    induce a bug.
    """
    top = (1 + _DELETED_FACTOR) * math.log1p(_MAX_LINES)
    added = max(m.la, 0.0) + TEST_LINE_FACTOR * max(m.ta, 0.0) + OTHER_LINE_FACTOR * max(m.oa, 0.0)
    raw = math.log1p(added) + _DELETED_FACTOR * math.log1p(max(m.ld, 0.0))
    scaled = min(1.0, raw / top)
    if m.la <= 0:
        return scaled
    return _NEW_CODE_BASE + (1.0 - _NEW_CODE_BASE) * scaled


def diffusion_share(m: ChangeMetrics) -> float:
    """Files, entropy, directories and subsystems touched, each on a log scale."""
    # Files weigh most: each touched file is one more place to get wrong.
    return (
        0.5 * _files_share(m.nf)
        + 0.2 * min(1.0, max(m.entropy, 0.0) / _MAX_ENTROPY_BITS)
        + 0.2 * _dirs_share(m.nd)
        + 0.1 * _subsystems_share(m.ns)
    )


def history_share(m: ChangeMetrics) -> float:
    """Unsettled files: changed in the last month (fading over ten years), and by many developers.

    Code that has not changed for a long time has had its defects found
    (Graves et al. 2000: the age of code predicts fewer faults), so the
    settling part is full up to a mean age of 30 days and falls on a log scale
    to 0 at ten years. More developers on the files add the rest (Matsumoto et
    al. 2010). The number of earlier changes (``nuc``) is left out: its
    direction, given size, differs between projects.
    """
    settling = 1.0 - _stable_share(m.age)
    return _SETTLING_PART * settling + (1.0 - _SETTLING_PART) * _devs_share(m.ndev)


def experience_share(m: ChangeMetrics) -> float:
    """1 for an author new to the project, falling with changes overall, lately and nearby."""
    seasoned = (_changes_share(m.exp) + _recent_share(m.rexp) + _recent_share(m.sexp)) / 3
    return 1.0 - seasoned


def metric_shares(m: ChangeMetrics) -> dict[str, float]:
    """The share (0–1) of each signal family the metrics measure, keyed by signal name."""
    return {
        "size": size_share(m),
        "diffusion": diffusion_share(m),
        "fix": 1.0 if m.fix else 0.0,
        "file_history": history_share(m),
        "author_experience": experience_share(m),
    }


def metric_signals(m: ChangeMetrics, weights: Weights) -> tuple[Signal, ...]:
    """The product's signals for a change known only by its metrics, with their one-line reasons.

    These are the same families and shares the live scorer uses; signals the
    metrics cannot tell (review, CODEOWNERS, timing, …) are simply absent.
    """
    shares = metric_shares(m)

    def signal(name: str, weight: float, value: float, text: str) -> Signal:
        share = shares[name]
        return Signal(name, value, weight * share, text, share)

    w = weights
    return (
        signal("size", w.size, m.la + m.ld, f"{m.la:.0f} lines added, {m.ld:.0f} deleted"),
        signal(
            "diffusion",
            w.diffusion,
            round(shares["diffusion"], 4),
            f"{m.nf:.0f} files in {m.nd:.0f} directories of {m.ns:.0f} subsystems "
            f"(entropy {m.entropy:.2f} bits)",
        ),
        signal("fix", w.fix, shares["fix"], "a bug-fix change" if m.fix else "not a bug fix"),
        signal(
            "file_history",
            w.file_history,
            round(shares["file_history"], 4),
            f"files last changed {m.age:.0f} days ago on average, by {m.ndev:.0f} "
            f"developers ({m.nuc:.0f} earlier changes)",
        ),
        signal(
            "author_experience",
            w.author_experience,
            round(shares["author_experience"], 4),
            f"author has {m.exp:.0f} earlier changes, {m.sexp:.0f} in this subsystem",
        ),
    )


def score_metrics(m: ChangeMetrics, weights: Weights) -> float:
    """The 0–100 risk score of a change known only by its metrics: the sum of its signal points.

    Not rounded: a backtest ranks changes, and rounding would create ties.
    """
    shares = metric_shares(m)
    w = weights
    # In ``metric_shares`` order, so the float sum is the same as before.
    points = (
        w.size * shares["size"]
        + w.diffusion * shares["diffusion"]
        + w.fix * shares["fix"]
        + w.file_history * shares["file_history"]
        + w.author_experience * shares["author_experience"]
    )
    return min(100.0, max(0.0, points))


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
    history stops just before it. The shares start their
    ramps at 1 for those counts, so the offset moves no score by more than a point.
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
