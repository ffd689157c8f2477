"""What a history knew about a change's author, files and services just before it merged:
what ``scoring.history.History`` answers for each change, and every signal reads."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["HistoryContext"]


@dataclass(slots=True)
class HistoryContext:
    """What the history knew about a change's author, files and services just before it merged.

    File figures cover the touched files that had earlier changes; ``file_age_days``
    is ``None`` when none had.

    Not frozen, though nothing changes one once made: one is made for every scored
    change, and a frozen dataclass sets each of its nineteen fields through
    ``object.__setattr__``, which cost more than all the history's own work on a
    change's files.
    """

    author_prior_changes: int
    # Touched files that had earlier changes, and how many of those the author had changed.
    files_with_history: int
    files_known_to_author: int
    # Earlier fixes or reverts that touched any of the files.
    prior_fixes_on_files: int
    # Incidents of the touched services opened within the lookback window before the change.
    recent_incidents: int
    lookback_days: int
    # Earlier changes to the touched files, counted once per file, and the developers of
    # the most-shared one.
    file_prior_changes: int = 0
    file_prior_devs: int = 0
    # Mean days since the touched files with history last changed.
    file_age_days: float | None = None
    # Lines in the touched files before the change: git's count where the source read it, else
    # as far as the history saw the files grow.
    file_lines_before: int = 0
    # The author's earlier changes weighted by recency, and those in the touched subsystems.
    author_recent_changes: float = 0.0
    author_subsystem_changes: int = 0
    # Production deploys of the touched services in the lookback window, and those that failed.
    service_deploys: int = 0
    service_failed_deploys: int = 0
    # True when a touched service had spent its error budget at the change's time.
    error_budget_spent: bool = False
    # Of the failed deploys, those that succeeded but were followed by a reported incident,
    # and those whose only trouble was a revert of a change they shipped: a deploy that ran
    # fine and was rolled back later did not "fail", and a reason says what happened.
    service_deploys_with_incident: int = 0
    service_deploys_reverted: int = 0
    # The score of a typical change of this history so far (``History.note_score``), or
    # ``None`` before enough were scored: bands are read against it (``scoring.risk``).
    typical_score: float | None = None
    # Each signal's points on a typical change of this history, by name (``None`` as above):
    # a change's drivers are the signals it earns most beyond them (``scoring.risk``).
    typical_points: tuple[tuple[str, float], ...] | None = None
    # Where the counts that grow with a history stand among the same counts of its latest
    # changes (``RunningRank``, 0–1): what the model reads of them, so that a change is not
    # riskier or safer only because its repository is older (docs/scoring.md).
    author_changes_rank: float = 0.5
    author_subsystem_rank: float = 0.5
    file_changes_rank: float = 0.5
    file_devs_rank: float = 0.5
    file_fixes_rank: float = 0.5

    @property
    def change_failure_rate(self) -> float | None:
        """Failed ÷ all deploys of the touched services in the window; ``None`` without deploys."""
        if self.service_deploys == 0:
            return None
        return self.service_failed_deploys / self.service_deploys
