"""A signal: one measured fact about a change or deploy and the points it adds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scoring.change_files import ChangeFiles
    from scoring.change_metrics import ChangeMetrics
    from scoring.config import ScoringConfig
    from scoring.facts import ChangeFacts
    from scoring.history import HistoryContext

__all__ = ["ChangeSignal", "Reading", "Signal", "SignalFn", "SignalWords", "plural"]


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

# A change signal: the change, what the history knew before it, its metrics, what its
# files say and the config. Metrics and files are worked out once per change, for all.
SignalFn = Callable[
    ["ChangeFacts", "HistoryContext", "ChangeMetrics", "ChangeFiles", "ScoringConfig"], Signal
]


@dataclass(frozen=True, slots=True)
class SignalWords:
    """What a reader and the LLM are told about a signal, declared beside its function.

    Words are data (no I/O, no import of the briefing), so the scorer may hold
    them; the briefing reads them off ``scoring.signals.CHANGE_SIGNALS`` for its
    labels, its driver actions and the prompt's glossary. Every field is required:
    a signal without its words does not construct.
    """

    # What the signal flags, as a manager says it: "large changes".
    label: str
    # What a service could do when the signal drives its high-risk changes, after
    # "In Payments, …": "split its large changes before review".
    action: str
    # The prompt's one line on what the signal measures and why it matters.
    glossary: str
    # What the author of one change not yet merged could do when the signal carries
    # points (``scoring.proposal``), as an imperative: "split it into smaller changes".
    advice: str


@dataclass(frozen=True, slots=True)
class ChangeSignal:
    """A change signal: the function that measures it and its words, in one entry."""

    measure: SignalFn
    words: SignalWords

    @property
    def name(self) -> str:
        """The signal's name: its function's, its weight's and its Signal's."""
        return self.measure.__name__


def plural(n: int, word: str) -> str:
    """``n`` and ``word``, plural unless ``n`` is one, as a signal's reason says it."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
