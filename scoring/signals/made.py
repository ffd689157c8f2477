"""A signal's whole ``Signal`` for a reading it repeats, made once.

Most changes repeat a few readings (one approval, every file owned, no incident, the
minute of the week), and making a frozen ``Signal`` costs more than the rest of
most signals. A signal whose reading comes from a ``functools.lru_cache`` (the same
tuple for the same inputs) or is a constant hands it to ``made_signal`` with its weight:
the Signal is ``Signal(name, value, weight * share, text, share)`` as ever, kept by the
identity of the reading, stored with the reading, the weights and the signal's name
themselves so that an id is never taken for a later object's, nor a Signal for other
weights' or another signal's. Signals are frozen, so one Signal in many scores is the same
as many equal ones.
"""

from __future__ import annotations

from scoring.config import Weights
from scoring.signal import Reading, Signal

__all__ = ["made_signal"]

# Keyed by the reading's identity alone, each kept with the reading, the weights and the
# signal's name, which must all be the very ones asked for: building a key tuple of the three
# cost more than the look-up. A reading shared by two signals would only be made again in
# turn, never taken for the other's.
_MADE: dict[int, tuple[Reading, Weights, str, Signal]] = {}
# Readings kept at most; past it the store starts again (minutes of the week are 20,160).
_KEEP = 1 << 16


def made_signal(name: str, reading: Reading, weights: Weights, weight: float) -> Signal:
    """``Signal(name, value, weight * share, text, share)`` of ``reading``, made once per
    reading and weights; ``weight`` is the signal's own field of ``weights``."""
    made = _MADE.get(id(reading))
    if made is not None and made[0] is reading and made[1] is weights and made[2] == name:
        return made[3]
    value, text, share = reading
    signal = Signal(name, value, weight * share, text, share)
    if len(_MADE) >= _KEEP:
        _MADE.clear()
    _MADE[id(reading)] = (reading, weights, name, signal)
    return signal
