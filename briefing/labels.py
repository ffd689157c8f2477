"""Words a manager reads for the names the scorer uses."""

from __future__ import annotations

from scoring.risk import Band

__all__ = [
    "BAND_LABELS",
    "SIGNAL_LABELS",
    "band_label",
    "signal_label",
]

SIGNAL_LABELS: dict[str, str] = {
    "size": "large changes",
    "diffusion": "changes spread over many files or services",
    "fix": "bug fixes, hotfixes and reverts",
    "file_history": "busy, recently changed files",
    "author_experience": "authors new to the project or the area",
    "defect_proneness": "files that needed fixes before",
    "author_expertise": "authors working in files new to them",
    "review": "missing or rushed review",
    "codeowners": "files without a CODEOWNERS owner",
    "tests": "source changes without test changes",
    "timing": "Friday or after-hours merges",
    "agent": "AI-agent changes",
    "service_incidents": "services with recent incidents",
    "risky_content": "migrations, infrastructure or sensitive code",
    "riskiest_change": "a risky change shipped",
    "batch_size": "large deploy batches",
    "deploy_timing": "Friday or after-hours deploys",
    "deploy_gap": "deploys after a long pause",
}


def signal_label(name: str) -> str:
    """The reader's words for a signal, falling back to the name with spaces."""
    return SIGNAL_LABELS.get(name, name.replace("_", " "))


# A score band in words that are never a card's severity: a "critical" card and a
# "critical" score in one message read as the same thing.
BAND_LABELS: dict[str, str] = {band.value: band.label for band in Band}


def band_label(band: str) -> str:
    """The reader's words for a score band, e.g. ``"very high risk"`` for ``critical``."""
    return f"{BAND_LABELS.get(band, band)} risk"
