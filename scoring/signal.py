"""A signal: one measured fact about a change or deploy and the points it adds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Signal"]


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

    # Fourteen signals are built per scored change. The frozen dataclass's own
    # __init__ goes through object.__setattr__ per field; setting the slots
    # through their descriptors does the same in about half the time. The
    # instance stays frozen: assignment after construction still raises.
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


def _slot_setter(cls: type, name: str) -> Any:
    """The ``__set__`` of a slotted class's member descriptor: sets the slot, bypassing
    ``__setattr__`` (which a frozen dataclass makes raise)."""
    return getattr(cls.__dict__[name], "__set__")  # noqa: B009


_set_name = _slot_setter(Signal, "name")
_set_value = _slot_setter(Signal, "value")
_set_points = _slot_setter(Signal, "points")
_set_explanation = _slot_setter(Signal, "explanation")
_set_share = _slot_setter(Signal, "share")
