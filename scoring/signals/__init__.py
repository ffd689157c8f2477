"""One small function per signal: facts and history in, points and a one-line reason out.

A signal whose input is missing says "unknown" and adds no points; it never
pretends to be a measured zero. Each is a plain function in ``measured`` or
``policy``, listed once in ``CHANGE_SIGNALS`` below: its name is the signal's,
its weight's in ``scoring.config.Weights`` (where its default is written) and
riskbrief.toml, and its label's key. Signals are measured in that order.

Every signal builds its Signal directly as ``Signal(name, value, weight * share,
text, share)``. Signals read from a few small counts or flags cache that reading
(``functools.lru_cache`` on a function of exactly those inputs, never of the
weight), since most changes repeat the same few.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scoring.change_files import ChangeFiles, change_files
from scoring.change_metrics import metrics_of
from scoring.facts import ChangeFacts
from scoring.history import HistoryContext
from scoring.signal import Signal, SignalFn
from scoring.signals import measured, policy

if TYPE_CHECKING:
    from scoring.config import ScoringConfig

__all__ = [
    "CHANGE_SIGNALS",
    "SignalFn",
    "change_signals",
    "measure_signals",
    "measured",
    "policy",
]

# The change signals, in the order measured. A new signal is added here and as a
# field of ``scoring.config.Weights`` (a test checks the two agree).
CHANGE_SIGNALS: tuple[SignalFn, ...] = (
    measured.size,
    measured.diffusion,
    measured.fix,
    measured.file_history,
    measured.author_experience,
    measured.author_expertise,
    measured.defect_proneness,
    policy.review,
    policy.codeowners,
    policy.tests,
    policy.timing,
    policy.agent,
    policy.service_incidents,
    policy.risky_content,
)


def change_signals(change: ChangeFacts, ctx: HistoryContext, cfg: ScoringConfig) -> list[Signal]:
    """Every change signal, measured once from the change, its history and its metrics."""
    return measure_signals(change, ctx, change_files(change), cfg)


def measure_signals(
    change: ChangeFacts, ctx: HistoryContext, files: ChangeFiles, cfg: ScoringConfig
) -> list[Signal]:
    """``change_signals`` with what the change's files say already worked out."""
    m = metrics_of(change, ctx)
    return [fn(change, ctx, m, files, cfg) for fn in CHANGE_SIGNALS]
