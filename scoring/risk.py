"""A change's signals to its 0–100 score, band and hard gates, one change or a history's stream."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence

from scoring.band import Band
from scoring.change_metrics import files_and_metrics
from scoring.config import ScoringConfig
from scoring.facts import ChangeFacts, DeployFacts, IncidentFacts
from scoring.history import BudgetSpan, History
from scoring.history_context import HistoryContext
from scoring.risk_score import Gate, RiskScore
from scoring.score_scale import finish_score, typical_shift
from scoring.signal import Signal
from scoring.signals import CHANGE_SIGNALS
from scoring.typical import TYPICAL_SIGNAL
from scoring.weight_scaling import scaled_to_known

__all__ = ["Band", "iter_scores", "score_change", "score_changes"]


def score_change(change: ChangeFacts, ctx: HistoryContext, config: ScoringConfig) -> RiskScore:
    """Score one change from its own facts and what the history knew just before it."""
    return _score_change(change, ctx, config, config.version)[0]


def _score_change(
    change: ChangeFacts, ctx: HistoryContext, config: ScoringConfig, version: str
) -> tuple[RiskScore, float]:
    """``score_change`` with the config's version given (reading it hashes the whole config),
    and the signals' points added up (before gates and the cap), which the typical change
    counts: added up once for both."""
    files, metrics = files_and_metrics(change, ctx)
    signals = scaled_to_known(
        [fn(change, ctx, metrics, files, config) for fn in CHANGE_SIGNALS], config
    )
    total = sum([s.points for s in signals])
    # The history's typical change is the yardstick: a change reads as many points lower as
    # the typical change here scores above the fitted histories' one, an entry of its own so
    # that the points shown still add up to the number.
    typical = ctx.typical_score
    shift = typical_shift(config, typical)
    if shift:
        signals = [*signals, _typical_entry(typical, shift, config)]
    gates: list[Gate] = []
    migration = files.migration
    if migration is not None:
        gates.append(Gate("schema_migration", f"contains a schema migration ({migration})"))
    if ctx.error_budget_spent and files.touches_code:
        gates.append(
            Gate("error_budget", "merged while a touched service had spent its error budget")
        )
    added = files.code_added
    if added >= config.rules.large_change_lines:
        gates.append(
            Gate(
                "large_change",
                f"{added} lines of code added: more than one review takes in",
                Band.HIGH,
            )
        )
    # Only docs, tests, examples, CI, project files, comments or whitespace: nothing that
    # ships changes, so the change is never more than moderate risk (the size signal says
    # so): its number stops at the top of moderate. Its points stay as earned.
    ceiling = None if files.touches_code else Band.MODERATE
    scored = finish_score(
        change.key,
        signals,
        gates,
        config,
        version,
        typical,
        ceiling,
        ctx.typical_points,
        total - shift,
    )
    return scored, total


def _typical_entry(typical: float | None, shift: float, config: ScoringConfig) -> Signal:
    """The entry that reads a change against its history's typical change: ``-shift`` points."""
    anchor = config.bands.typical
    above = shift > 0
    # The words change only with the typical score's whole number, and every scored change
    # of a history has them: each is written once. ``round`` gives the digits ``:.0f`` does
    # (both round the float itself half to even) for any positive score; any other is
    # written each time (``-0.0`` is "-0" to ``:.0f``).
    key = (round(typical), above, anchor) if typical is not None and 0.0 < typical < 1e15 else None
    text = _TYPICAL_WORDS.get(key) if key is not None else None
    if text is None:
        text = (
            f"a typical change here scores {typical:.0f}, {'above' if above else 'below'} the "
            f"{anchor:.0f} of the histories the model was fitted on, so every change here "
            f"reads that much {'lower' if above else 'higher'}"
        )
        if key is not None:
            if len(_TYPICAL_WORDS) >= _TYPICAL_KEEP:
                _TYPICAL_WORDS.clear()
            _TYPICAL_WORDS[key] = text
    return Signal(TYPICAL_SIGNAL, typical, -shift, text)


# The typical change's words by its whole score, side and anchor (``_typical_entry``).
_TYPICAL_WORDS: dict[tuple[int, bool, float], str] = {}
_TYPICAL_KEEP = 1024


def score_changes(
    changes: Iterable[ChangeFacts],
    incidents: Sequence[IncidentFacts],
    config: ScoringConfig,
    deploys: Sequence[DeployFacts] = (),
    error_budgets: Iterable[BudgetSpan] = (),
) -> dict[str, RiskScore]:
    """Score changes in merge order, each against the history of the changes before it.

    Incidents and deploys feed the service history (recent incidents, change
    failure rate); each counts only for changes after it happened. Error-budget
    exhaustions ``(service, from, until or None)`` gate the changes merged
    while a service they touch had its budget spent.
    """
    history = History(lookback_days=config.incident_lookback_days)
    history.add_incidents(incidents)
    history.add_deploys(deploys, incidents)
    history.add_error_budget_exhaustions(error_budgets)
    ordered = sorted(changes, key=lambda c: (c.merged_at, c.key))
    return {s.key: s for s in iter_scores(ordered, history, config)}


def iter_scores(
    changes: Iterable[ChangeFacts], history: History, config: ScoringConfig
) -> Iterator[RiskScore]:
    """Score changes that arrive in merge order, one at a time, recording each in ``history``.

    Streaming keeps memory flat for any number of changes. The cyclic garbage
    collector is paused meanwhile: the history only grows and holds no cycles,
    and full collections over its millions of objects would otherwise cost
    more than the scoring itself.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    version = config.version
    try:
        for change in changes:
            # The change is recorded before it is scored: the context is a snapshot
            # of what came before it, and scoring reads only that and the change.
            scored, total = _score_change(change, history.advance(change), config, version)
            # Each score counts into the typical change the next ones are read against.
            history.note_score(total, scored.signals)
            yield scored
    finally:
        if was_enabled:
            gc.enable()
