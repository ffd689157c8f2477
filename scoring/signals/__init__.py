"""One small function per signal: facts and history in, points and a one-line reason out.

A signal whose input is missing says "unknown" and adds no points; it never
pretends to be a measured zero. Each is a plain function in ``measured``,
``policy`` or ``exposure`` with its words (``SignalWords``: the reader's label, the driver action,
the prompt's glossary line) declared right below it as one ``ChangeSignal``,
listed once in ``SIGNALS`` below (``CHANGE_SIGNALS`` are their functions): the
function's name is the signal's, its weight's in ``scoring.config.Weights`` (where
its default is written) and riskbrief.toml. Signals are measured in that order.

Every signal's Signal is ``Signal(name, value, weight * share, text, share)``.
Signals read from a few small counts or flags cache that reading
(``functools.lru_cache`` on a function of exactly those inputs, never of the
weight), since most changes repeat the same few, and hand it with their weight to
``made.made_signal``, which makes the Signal of each reading once per weights (by
the identities of the reading and the weights, so a weight is never a cache key).
"""

from __future__ import annotations

from scoring.change_files import ChangeFiles, change_files
from scoring.change_metrics import metrics_of
from scoring.change_signal import ChangeSignal, SignalFn, SignalWords
from scoring.config import ScoringConfig
from scoring.facts import ChangeFacts
from scoring.history_context import HistoryContext
from scoring.signal import Signal
from scoring.signals import exposure, measured, policy

__all__ = [
    "CHANGE_SIGNALS",
    "SIGNALS",
    "SIGNAL_WORDS",
    "ChangeSignal",
    "SignalFn",
    "SignalWords",
    "change_signals",
    "exposure",
    "measure_signals",
    "measured",
    "policy",
]

# The change signals, in the order measured: each its function and its words
# (``SignalWords``), declared together in its family's module. A new signal is added
# there, here, as a field of ``scoring.config.Weights`` and as a row of docs/scoring.md's
# table of signals (tests check all agree).
SIGNALS: tuple[ChangeSignal, ...] = (
    measured.SIZE,
    measured.DIFFUSION,
    measured.FIX,
    measured.FILE_HISTORY,
    measured.AUTHOR_EXPERIENCE,
    measured.AUTHOR_EXPERTISE,
    measured.DEFECT_PRONENESS,
    policy.REVIEW,
    policy.CODEOWNERS,
    policy.TESTS,
    policy.COVERAGE,
    policy.TIMING,
    policy.AGENT,
    exposure.SERVICE_INCIDENTS,
    exposure.RISKY_CONTENT,
)

# The functions alone, as the scorer, the benches and the evaluation run them.
CHANGE_SIGNALS: tuple[SignalFn, ...] = tuple(s.measure for s in SIGNALS)

# Each signal's words by its name, as the briefing reads them.
SIGNAL_WORDS: dict[str, SignalWords] = {s.name: s.words for s in SIGNALS}


def change_signals(change: ChangeFacts, ctx: HistoryContext, cfg: ScoringConfig) -> list[Signal]:
    """Every change signal, measured once from the change, its history and its metrics."""
    return measure_signals(change, ctx, change_files(change), cfg)


def measure_signals(
    change: ChangeFacts, ctx: HistoryContext, files: ChangeFiles, cfg: ScoringConfig
) -> list[Signal]:
    """``change_signals`` with what the change's files say already worked out."""
    m = metrics_of(change, ctx)
    return [fn(change, ctx, m, files, cfg) for fn in CHANGE_SIGNALS]
