"""A change signal's entry in the signal table: its function, its words and its weight.

Apart from ``scoring.signal`` (the measured ``Signal`` alone) because the entry
names what a signal reads (the change, its history, metrics, files and the
config), and those modules build ``Signal`` values themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scoring.change_files import ChangeFiles
from scoring.change_metrics import ChangeMetrics
from scoring.config import ScoringConfig, Weights
from scoring.facts import ChangeFacts
from scoring.history_context import HistoryContext
from scoring.signal import Signal

__all__ = ["ChangeSignal", "SignalFn", "SignalWords", "WeightOf"]


# A change signal: the change, what the history knew before it, its metrics, what its
# files say and the config. Metrics and files are worked out once per change, for all.
SignalFn = Callable[
    [ChangeFacts, HistoryContext, ChangeMetrics, ChangeFiles, ScoringConfig], Signal
]

# Where a signal's weight is read: a field of ``Weights`` named in code (``lambda w:
# w.size``), so a misspelt weight is a type error, not a name looked up at run time.
WeightOf = Callable[[Weights], float]


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
    """A change signal: the function that measures it, its words and its weight, in one entry."""

    measure: SignalFn
    words: SignalWords
    weight: WeightOf

    @property
    def name(self) -> str:
        """The signal's name: its function's, its weight's and its Signal's."""
        return self.measure.__name__
