"""``riskbrief calibrate``: refit the signal weights on the organisation's own outcomes.

The store says which changes later led to an incident or were reverted, and which ones
the team confirmed in Slack as an incident's cause (or said did not cause the incident
their deploy is linked to); SZZ over each configured local clone says which ones a later
fix repaired (``evaluation.change_outcomes``). Every change is scored with the current weights; the
weights are then fitted on the earlier 80% of changes by merge time and both
weight sets are measured on the latest 20%, which the fit never saw, so the
before/after figures are honest. Only change signals are fitted; deploy
weights and bands stay as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from sqlmodel import Session

from data.config import OrgConfig
from data.store.bug_issues import known_bug_issues
from data.store.facts import load_changes, load_deploys, load_incidents
from evaluation.change_outcomes import Outcomes, SzzLabels, change_outcomes
from scoring.calibration import fit_weights, weighted_scores
from scoring.config import Weights
from scoring.errors import ConfigError
from scoring.ranking import BacktestResult, evaluate
from scoring.risk import score_changes

__all__ = ["Calibration", "calibrate", "label_sentence"]

# Fewer bad outcomes than this in either part cannot tell a weight from noise.
MIN_BAD_CHANGES = 10
_TEST_SHARE = 0.2


@dataclass(frozen=True, slots=True)
class Calibration:
    """Weights before and after fitting, and how each ranks the latest 20% of changes."""

    before: Weights
    after: Weights
    fitted: tuple[str, ...]
    before_result: BacktestResult
    after_result: BacktestResult
    train: int
    test: int
    bad_by_incident: int
    bad_by_revert: int
    bad_by_szz: int = 0
    # One entry per configured local clone; empty when there is none, so SZZ gave nothing.
    szz: tuple[SzzLabels, ...] = ()
    bad_by_confirmation: int = 0
    rejected_links: int = 0

    def label_sources(self) -> str:
        """One sentence: which label sources were used and how many bad changes each gave."""
        return label_sentence(
            self.bad_by_incident,
            self.bad_by_revert,
            self.bad_by_confirmation,
            self.rejected_links,
            self.szz,
        )

    def changed(self) -> dict[str, tuple[float, float]]:
        """Fitted weights that moved, as ``name → (before, after)``, rounded to 0.1."""
        old, new = asdict(self.before), asdict(self.after)
        return {
            n: (round(old[n], 1), round(new[n], 1))
            for n in self.fitted
            if round(old[n], 1) != round(new[n], 1)
        }

    def to_json(self) -> dict[str, object]:
        """The figures ``--json`` prints."""
        return {
            "before": self.before_result.to_json(),
            "after": self.after_result.to_json(),
            "weights": {n: round(getattr(self.after, n), 2) for n in self.fitted},
            "changed": {n: {"before": b, "after": a} for n, (b, a) in self.changed().items()},
            "train_changes": self.train,
            "test_changes": self.test,
            "bad_by_incident": self.bad_by_incident,
            "bad_by_revert": self.bad_by_revert,
            "bad_by_szz": self.bad_by_szz,
            "bad_by_confirmation": self.bad_by_confirmation,
            "rejected_links": self.rejected_links,
            "szz": {s.repository: {"bad": len(s.bad), "skipped": s.skipped} for s in self.szz},
        }


def label_sentence(
    by_incident: int,
    by_revert: int,
    by_confirmation: int,
    rejected_links: int,
    szz: Sequence[SzzLabels],
) -> str:
    """One sentence: how many bad changes each label source gave, and how many changes the
    team's rejections kept from being labelled through a linked incident."""
    parts = [
        f"{by_incident} shipped before a linked incident",
        f"{by_revert} reverted",
        f"{by_confirmation} confirmed in Slack as an incident's cause",
    ]
    if not szz:
        parts.append(
            "no SZZ labels (no [[repositories]] entry has a local `path` to blame fixes in)"
        )
    for s in szz:
        if s.skipped is not None:
            parts.append(f"no SZZ labels from {s.repository} ({s.skipped.rstrip('.')})")
        else:
            parts.append(f"{len(s.bad)} blamed by SZZ in {s.repository}")
    return "Bad changes: " + ", ".join(parts) + _rejected(rejected_links) + "."


def _rejected(rejected_links: int) -> str:
    """The changes the team's rejections kept out of the linked-incident count, as a clause
    (said, so a reader sees why that count is lower than the linked deploys' changes)."""
    if not rejected_links:
        return ""
    return (
        f"; not counted through a linked incident: {rejected_links} the team said in Slack "
        "did not cause it"
    )


def calibrate(session: Session, org: OrgConfig) -> Calibration:
    """Fit the change-signal weights on the store's history and measure them out of sample.

    Raises ``ConfigError`` with what to do when the history has too few bad
    outcomes (incidents linked to deploys, reverts, SZZ-blamed changes) to fit to.
    """
    config = org.scoring_config()
    outcomes = change_outcomes(session, org)
    changes = sorted(
        load_changes(session, bugs=known_bug_issues(session, org)),
        key=lambda c: (c.merged_at, c.key),
    )
    incidents = load_incidents(session)
    production = [d for d in load_deploys(session) if d.environment == "production"]
    scores = score_changes(changes, incidents, config, production)
    rows = [{s.name: s.share for s in scores[c.key].signals} for c in changes]
    labels = [c.key in outcomes.bad for c in changes]
    efforts = [float(c.lines_changed) for c in changes]
    added = [float(sum(f.added for f in c.files)) for c in changes]
    cut = int(len(changes) * (1 - _TEST_SHARE))
    bad_train, bad_test = sum(labels[:cut]), sum(labels[cut:])
    if min(bad_train, bad_test) < MIN_BAD_CHANGES or cut == len(changes):
        raise ConfigError(_too_few(bad_train, bad_test, outcomes))
    if bad_train == cut:
        raise ConfigError(
            "every earlier change is labelled bad, so nothing can be learned; "
            "check that incidents are linked to the right deploys."
        )
    names = _fittable(rows)
    after = fit_weights(rows[:cut], labels[:cut], names, config.weights)
    return Calibration(
        before=config.weights,
        after=after,
        fitted=names,
        before_result=_measure(
            rows[cut:], labels[cut:], efforts[cut:], added[cut:], config.weights, names
        ),
        after_result=_measure(rows[cut:], labels[cut:], efforts[cut:], added[cut:], after, names),
        train=cut,
        test=len(changes) - cut,
        bad_by_incident=outcomes.by_incident,
        bad_by_revert=outcomes.by_revert,
        bad_by_szz=outcomes.by_szz,
        szz=outcomes.szz,
        bad_by_confirmation=outcomes.by_confirmation,
        rejected_links=outcomes.rejected_links,
    )


def _too_few(bad_train: int, bad_test: int, outcomes: Outcomes) -> str:
    """The one sentence for a history with too few bad changes to fit to, what each source
    gave (a team confirming culprits sees them counted) and what to do."""
    todo = (
        "sync more history with `riskbrief sync` or link more incidents to deploys"
        if outcomes.szz
        else "sync more history with `riskbrief sync`, or give a [[repositories]] entry the "
        "`path` of its local clone so SZZ can add labels"
    )
    return (
        f"calibration needs at least {MIN_BAD_CHANGES} bad changes (shipped before an incident, "
        f"reverted, confirmed as an incident's cause or blamed by SZZ) in both the earlier 80% "
        f"and the latest 20% of the history but found {bad_train} and {bad_test} "
        f"({outcomes.by_incident} shipped before a linked incident, {outcomes.by_revert} "
        f"reverted, {outcomes.by_confirmation} confirmed in Slack as an incident's cause"
        f"{_rejected(outcomes.rejected_links)}); {todo}, then run `riskbrief calibrate` again."
    )


def _fittable(rows: Sequence[dict[str, float]]) -> tuple[str, ...]:
    """Change signals with a weight, in a fixed order; a signal never measured is left alone."""
    names = sorted({n for row in rows for n, share in row.items() if share > 0})
    return tuple(n for n in names if hasattr(Weights, n))


def _measure(
    rows: Sequence[dict[str, float]],
    labels: Sequence[bool],
    efforts: Sequence[float],
    added: Sequence[float],
    weights: Weights,
    names: Sequence[str],
) -> BacktestResult:
    """How ``weights`` rank ``rows``, with lines added alone ranking the same rows beside."""
    try:
        return evaluate(weighted_scores(rows, weights, names), labels, efforts, lines_added=added)
    except ValueError as exc:
        raise ConfigError(f"cannot measure the latest changes: {exc}.") from None
