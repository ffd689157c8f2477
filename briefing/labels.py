"""Words a manager reads for the names the scorer uses.

A change signal's words are declared beside its function (``scoring.signals``);
here they are read off that one table, and the deploy signals' labels off
``scoring.deploy_risk.DEPLOY_SIGNAL_LABELS``, declared beside ``score_deploy``.
"""

from __future__ import annotations

from scoring.deploy_risk import DEPLOY_SIGNAL_LABELS
from scoring.risk import Band
from scoring.signals import SIGNAL_WORDS

__all__ = [
    "BAND_LABELS",
    "DEPLOY_SIGNAL_LABELS",
    "SIGNAL_LABELS",
    "band_label",
    "signal_label",
]

# Each change signal's label is declared with its function (``scoring.signals``).
SIGNAL_LABELS: dict[str, str] = {
    name: words.label for name, words in SIGNAL_WORDS.items()
} | DEPLOY_SIGNAL_LABELS


def signal_label(name: str) -> str:
    """The reader's words for a signal, falling back to the name with spaces."""
    return SIGNAL_LABELS.get(name, name.replace("_", " "))


# A score band in words that are never a card's severity: a "critical" card and a
# "critical" score in one message read as the same thing.
BAND_LABELS: dict[str, str] = {band.value: band.label for band in Band}


def band_label(band: str) -> str:
    """The reader's words for a score band, e.g. ``"very high risk"`` for ``critical``."""
    return f"{BAND_LABELS.get(band, band)} risk"
