"""A signal's whole ``Signal`` for a reading it repeats, made once.

Most changes repeat a few readings (one approval, every file owned, no incident, the
minute of the week), and making a frozen ``Signal`` costs more than the rest of
most signals. A signal whose reading comes from a ``functools.lru_cache`` (the same
tuple for the same inputs) or is a constant hands it to ``made_signal`` with its weight:
the Signal is ``Signal(name, value, weight * share, text, share)`` as ever, kept by the
signal's name and the identities of the reading and of the weights, each stored with
the reading and the weights themselves so that an id is never taken for a later
object's. Signals are frozen, so one Signal in many scores is the same as many equal ones.
"""

from __future__ import annotations

from scoring.config import Weights
from scoring.signal import Reading, Signal

__all__ = ["made_signal"]

_MADE: dict[tuple[str, int, int], tuple[Reading, Weights, Signal]] = {}
# Readings kept at most; past it the store starts again (minutes of the week are 20,160).
_KEEP = 1 << 16


def made_signal(name: str, reading: Reading, weights: Weights, weight: float) -> Signal:
    """``Signal(name, value, weight * share, text, share)`` of ``reading``, made once per
    reading and weights; ``weight`` is the signal's own field of ``weights``."""
    key = (name, id(reading), id(weights))
    made = _MADE.get(key)
    if made is not None and made[0] is reading and made[1] is weights:
        return made[2]
    value, text, share = reading
    signal = Signal(name, value, weight * share, text, share)
    if len(_MADE) >= _KEEP:
        _MADE.clear()
    _MADE[key] = (reading, weights, signal)
    return signal
