"""One small function per signal: facts and history in, points and a one-line reason out.

A signal whose input is missing says "unknown" and adds no points; it never
pretends to be a measured zero. Each is a function under
``@change_signal(weight=...)`` in ``measured`` or ``policy``: its name is the
signal's, its weight's in Weights and riskbrief.toml, and its label's key.
Signals are measured in the order registered: ``measured``'s, then ``policy``'s.

Every signal builds its Signal directly as ``Signal(name, value, weight * share,
text, share)``: one call less per signal, fourteen per scored change. Signals
measured from a few small counts or flags are built by ``@shared()`` functions of
exactly those inputs and the weight.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scoring.change_metrics import metrics_of
from scoring.facts import ChangeFacts
from scoring.history import HistoryContext
from scoring.signal import Signal
from scoring.signal_registry import CHANGE_SIGNAL_REGISTRY, SignalFn
from scoring.signals import measured, policy

if TYPE_CHECKING:
    # Only a type here: scoring.config derives its Weights from DEFAULT_WEIGHTS below.
    from scoring.config import ScoringConfig

__all__ = ["CHANGE_SIGNALS", "DEFAULT_WEIGHTS", "SignalFn", "change_signals", "measured", "policy"]

# In the order measured, as registered.
CHANGE_SIGNALS: tuple[SignalFn, ...] = CHANGE_SIGNAL_REGISTRY.functions

# Each change signal's default weight, by its name: scoring.config's Weights has these.
DEFAULT_WEIGHTS: tuple[tuple[str, float], ...] = CHANGE_SIGNAL_REGISTRY.weights


def change_signals(change: ChangeFacts, ctx: HistoryContext, cfg: ScoringConfig) -> list[Signal]:
    """Every change signal, measured once from the change, its history and its metrics."""
    m = metrics_of(change, ctx)
    return [fn(change, ctx, m, cfg) for fn in CHANGE_SIGNALS]
