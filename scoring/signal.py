"""A signal: one measured fact about a change or deploy and the points it adds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Reading", "Signal", "slot_setter"]


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

    # Several signals are built for every scored change. The frozen dataclass's own
    # ``__init__`` sets each field through ``object.__setattr__``, which looks the field
    # up on the class each time; setting the slots through their descriptors, fetched
    # once below, is the same value in about two thirds of the time. The instance stays
    # frozen: assigning to a field afterwards still raises.
    def __init__(
        self,
        name: str,
        value: float | None,
        points: float,
        explanation: str,
        share: float = 0.0,
    ) -> None:
        _set_name(self, name)
        _set_value(self, value)
        _set_points(self, points)
        _set_explanation(self, explanation)
        _set_share(self, share)

    @property
    def known(self) -> bool:
        """False when the signal could not be measured."""
        return self.value is not None


def slot_setter(cls: type, name: str) -> Any:
    """The ``__set__`` of a slotted class's member descriptor: sets the slot, bypassing
    ``__setattr__`` (which a frozen dataclass makes raise)."""
    return getattr(cls.__dict__[name], "__set__")  # noqa: B009


_set_name = slot_setter(Signal, "name")
_set_value = slot_setter(Signal, "value")
_set_points = slot_setter(Signal, "points")
_set_explanation = slot_setter(Signal, "explanation")
_set_share = slot_setter(Signal, "share")


# What a signal reads from a few small inputs, before its weight is applied:
# ``(value, explanation, share)``. Signals cache these (``functools.lru_cache``)
# rather than whole Signals, so that a weight never becomes part of a cache key:
# 0.0 and -0.0 are equal keys but multiply to zeros of different signs.
Reading = tuple[float | None, str, float]
