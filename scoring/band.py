"""A score's risk band: the four bands, their stored names and the words a reader sees."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Band"]


class Band(StrEnum):
    """Risk bands, from least to most risky.

    The values are what scores are stored and configured under (``[scoring.bands]``);
    a reader sees ``label`` instead, everywhere: a "critical" score beside a
    "critical" card would read as the same thing.
    """

    SAFE = "safe"
    MODERATE = "moderate"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def label(self) -> str:
        """The reader's word for the band: "low", "moderate", "high" or "very high"."""
        return _BAND_LABELS[self]

    @property
    def risk_words(self) -> str:
        """The band as a reader says it of a change: ``"very high risk"``."""
        return f"{self.label} risk"

    @property
    def risk_adjective(self) -> str:
        """The band before a noun: ``"a very-high-risk deploy"``."""
        return f"{self.label.replace(' ', '-')}-risk"

    @property
    def high_risk(self) -> bool:
        """High and critical are what a manager should look at."""
        return self in (Band.HIGH, Band.CRITICAL)


_BAND_LABELS = {
    Band.SAFE: "low",
    Band.MODERATE: "moderate",
    Band.HIGH: "high",
    Band.CRITICAL: "very high",
}
