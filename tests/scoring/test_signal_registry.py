"""Declaring change signals: registered in order with their default weights, Signals shared."""

from __future__ import annotations

import pytest

from scoring.signal import Signal
from scoring.signal_registry import SignalRegistry, shared
from scoring.signals import CHANGE_SIGNALS


def test_a_registry_keeps_signals_in_order_with_their_weights() -> None:
    """Signals come back in the order registered, each weight under its function's name."""
    registry = SignalRegistry()
    first, second = CHANGE_SIGNALS[:2]
    registry.signal(weight=7.0)(first)
    registry.signal(weight=0.5)(second)
    assert registry.functions == (first, second)
    assert registry.weights == ((first.__name__, 7.0), (second.__name__, 0.5))


def test_a_signal_name_is_registered_once() -> None:
    """A second signal with a registered name is refused: its weight would be ambiguous."""
    registry = SignalRegistry()
    registry.signal(weight=1.0)(CHANGE_SIGNALS[0])
    with pytest.raises(ValueError, match="already registered"):
        registry.signal(weight=2.0)(CHANGE_SIGNALS[0])


def test_shared_builds_once_per_input_and_anew_for_a_zero_float() -> None:
    """Repeated inputs reuse one Signal; a zero float input (either sign) is built each time
    and keeps its sign."""
    calls: list[tuple[int, float | None, float]] = []

    @shared(maxsize=8)
    def build(n: int, delta: float | None, w: float) -> Signal:
        calls.append((n, delta, w))
        return Signal("x", delta, w * n, f"{n} with {delta}", 1.0)

    assert build(0, None, 2.0) is build(0, None, 2.0)
    assert build(1, 0.5, 2.0) is build(1, 0.5, 2.0)
    assert len(calls) == 2
    for zero in (0.0, -0.0, 0.0):
        assert str(build(1, 0.5, zero).points) == str(zero)
        assert build(1, zero, 2.0).explanation == f"1 with {zero}"
    assert len(calls) == 8
