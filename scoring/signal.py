"""A signal: one measured fact about a change or deploy and the points it adds."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Reading", "Signal"]


@dataclass(frozen=True, slots=True)
class Signal:
    """One measured fact about a change and what it adds to the score.

    ``share`` (0–1) is how much of the signal's weight it earned, so that
    ``points`` is the weight times the share and calibration can refit the
    weights without measuring again. ``value`` is ``None`` when the input was
    not known; ``points`` is then 0 and ``explanation`` says so.
    """

    name: str
    value: float | None
    points: float
    explanation: str
    share: float = 0.0

    @property
    def known(self) -> bool:
        """False when the signal could not be measured."""
        return self.value is not None


# What a signal reads from a few small inputs, before its weight is applied:
# ``(value, explanation, share)``. Signals cache these (``functools.lru_cache``)
# rather than whole Signals, so that a weight never becomes part of a cache key:
# 0.0 and -0.0 are equal keys but multiply to zeros of different signs.
Reading = tuple[float | None, str, float]
