"""How a change signal is declared: registered with its default weight, its Signals shared.

``CHANGE_SIGNAL_REGISTRY`` is the one registry of change signals; each signal in
``scoring.signals`` is a function under ``@change_signal(weight=...)``, and
``scoring.config`` makes ``Weights`` from what was registered.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ParamSpec

from scoring.signal import Signal

if TYPE_CHECKING:
    from scoring.change_metrics import ChangeMetrics
    from scoring.config import ScoringConfig
    from scoring.facts import ChangeFacts
    from scoring.history import HistoryContext

__all__ = [
    "CHANGE_SIGNAL_REGISTRY",
    "SignalFn",
    "SignalRegistry",
    "change_signal",
    "plural",
    "shared",
]

SignalFn = Callable[["ChangeFacts", "HistoryContext", "ChangeMetrics", "ScoringConfig"], Signal]


class SignalRegistry:
    """The change signals in the order they are measured, each with its default weight."""

    def __init__(self) -> None:
        self._entries: list[tuple[SignalFn, float]] = []

    def signal(self, weight: float) -> Callable[[SignalFn], SignalFn]:
        """Register the decorated function as a change signal whose default weight is ``weight``.

        The function's name is the signal's name, the name of its weight in
        ``Weights`` and in riskbrief.toml's ``[scoring.weights]``, and the key of
        its reader's words in ``briefing.labels``. Signals are measured in the
        order they are registered.
        """

        def register(fn: SignalFn) -> SignalFn:
            if any(known.__name__ == fn.__name__ for known, _ in self._entries):
                raise ValueError(f"a change signal named {fn.__name__!r} is already registered")
            self._entries.append((fn, weight))
            return fn

        return register

    @property
    def functions(self) -> tuple[SignalFn, ...]:
        """The signals' functions, in the order registered."""
        return tuple(fn for fn, _ in self._entries)

    @property
    def weights(self) -> tuple[tuple[str, float], ...]:
        """Each signal's name and default weight, in the order registered."""
        return tuple((fn.__name__, weight) for fn, weight in self._entries)


_P = ParamSpec("_P")


def shared(maxsize: int = 4096) -> Callable[[Callable[_P, Signal]], Callable[_P, Signal]]:
    """Share the Signals the decorated builder makes through a cache of ``maxsize`` entries.

    Most changes repeat the same few inputs, and a Signal is immutable, so
    sharing one costs a lookup instead of a formatted explanation and a new
    object. A parameter annotated ``float`` that is zero (a zero weight, an
    unchanged coverage) bypasses the cache: 0.0 and -0.0 are equal keys but
    print and multiply to different signs. The builder takes positional
    parameters only.
    """

    def decorate(build: Callable[_P, Signal]) -> Callable[_P, Signal]:
        hints = typing.get_type_hints(build)
        params = list(inspect.signature(build).parameters)
        zero = " or ".join(f"{p} == 0.0" for p in params if float in _types(hints[p]))
        args = ", ".join(params)
        # Written out rather than ``*args``: this runs a dozen times per scored change.
        source = (
            f"def shared({args}):\n"
            f"    return _build({args}) if {zero or 'False'} else _cached({args})\n"
        )
        namespace: dict[str, Any] = {
            "_build": build,
            "_cached": functools.lru_cache(maxsize=maxsize)(build),
        }
        exec(source, namespace)
        wrapper: Callable[_P, Signal] = functools.wraps(build)(namespace["shared"])
        return wrapper

    return decorate


def _types(hint: object) -> tuple[object, ...]:
    """The types a parameter's annotation allows: ``float | None`` gives float and NoneType."""
    return typing.get_args(hint) or (hint,)


# The change signals, registered by ``scoring.signals``' modules as they are imported.
CHANGE_SIGNAL_REGISTRY = SignalRegistry()
change_signal = CHANGE_SIGNAL_REGISTRY.signal


def plural(n: int, word: str) -> str:
    """``n`` and ``word``, plural unless ``n`` is one, as a signal's reason says it."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
