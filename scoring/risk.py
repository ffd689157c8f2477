"""Signals to a 0–100 score, a band and the hard gates, for changes and deploys."""

from __future__ import annotations

import functools
import gc
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from scoring.band import Band
from scoring.change_metrics import files_and_metrics
from scoring.config import ScoringConfig, Weights
from scoring.facts import ChangeFacts, DeployFacts, IncidentFacts
from scoring.history import BudgetSpan, History, HistoryContext
from scoring.model import MODEL
from scoring.model_features import FEATURES
from scoring.signal import Signal, slot_setter
from scoring.signals import CHANGE_SIGNALS, SIGNALS
from scoring.signals.policy import COVERAGE
from scoring.timing import timing_points
from scoring.typical import TYPICAL_SIGNAL

__all__ = [
    "DEPLOY_SIGNAL_LABELS",
    "Band",
    "Gate",
    "RiskScore",
    "active_incidents",
    "band_for",
    "band_top",
    "chance_score",
    "fix_chance",
    "gate_floor",
    "iter_scores",
    "known_scale",
    "score_change",
    "score_changes",
    "score_deploy",
    "score_deploys",
    "signal_weights",
    "top_signals",
    "typical_shift",
]


@dataclass(frozen=True, slots=True)
class Gate:
    """A hard rule that lifts a score to at least the threshold of the band ``floor``."""

    name: str
    explanation: str
    floor: Band = Band.CRITICAL


@dataclass(frozen=True, slots=True)
class RiskScore:
    """A scored change or deploy, with the signals and gates that made the score."""

    key: str
    score: int
    band: Band
    signals: tuple[Signal, ...]
    gates: tuple[Gate, ...]
    version: str
    # The typical change's score in the history the number was read against (``None``: none
    # yet, so nothing was taken off): what "high" is measured from.
    typical: float | None = None
    # Each signal's points on that typical change: what its drivers stand out from.
    typical_points: tuple[tuple[str, float], ...] | None = None

    # One is built for every scored change: its slots are set through their descriptors,
    # as ``Signal``'s are (``scoring.signal``), not through ``object.__setattr__``. The
    # instance stays frozen; ``ScoredChange`` keeps the dataclass's own ``__init__``.
    def __init__(
        self,
        key: str,
        score: int,
        band: Band,
        signals: tuple[Signal, ...],
        gates: tuple[Gate, ...],
        version: str,
        typical: float | None = None,
        typical_points: tuple[tuple[str, float], ...] | None = None,
    ) -> None:
        _set_key(self, key)
        _set_score(self, score)
        _set_band(self, band)
        _set_signals(self, signals)
        _set_gates(self, gates)
        _set_version(self, version)
        _set_typical(self, typical)
        _set_typical_points(self, typical_points)


_set_key = slot_setter(RiskScore, "key")
_set_score = slot_setter(RiskScore, "score")
_set_band = slot_setter(RiskScore, "band")
_set_signals = slot_setter(RiskScore, "signals")
_set_gates = slot_setter(RiskScore, "gates")
_set_version = slot_setter(RiskScore, "version")
_set_typical = slot_setter(RiskScore, "typical")
_set_typical_points = slot_setter(RiskScore, "typical_points")


def top_signals(
    signals: Iterable[Signal], n: int, typical: Iterable[tuple[str, float]] | None = None
) -> tuple[Signal, ...]:
    """The ``n`` of ``signals`` that drove the score: most points beyond a typical change's.

    A signal earns some points on nearly every change (any change adds lines; in some
    organisations most reviews are quick); what sets this change apart is what it
    earned beyond the typical change of its own history (``typical``, as
    ``RiskScore.typical_points`` holds it), or, before the history has one, of the
    histories the model was fitted on (``ChangeModel.typical``). Ties: more points,
    then name.
    """
    known = dict(MODEL.typical) if typical is None else dict(typical)
    above = [(s.points - known.get(s.name, 0.0), s) for s in signals if s.points > 0]
    ranked = sorted((a for a in above if a[0] > 0), key=lambda a: (-a[0], -a[1].points, a[1].name))
    return tuple(s for _, s in ranked[:n])


def typical_shift(config: ScoringConfig, typical: float | None) -> float:
    """How many points every change of a history whose typical change scores ``typical`` reads
    lower: its distance from the fitted histories' typical change (``[scoring.bands] typical``).

    ``None`` (no typical change yet) moves nothing. It never moves a change by more than
    the very-high bound's distance from 100, so every band stays reachable.
    """
    if typical is None:
        return 0.0
    b = config.bands
    return min(typical - b.typical, 100.0 - b.critical)


def band_for(score: float, config: ScoringConfig) -> Band:
    """The band a score falls in: fixed bounds of the number shown, the same for every change
    and deploy of every history, so a higher number is never a lower band.

    A threshold belongs to the band it opens.
    """
    b = config.bands
    if score >= b.critical:
        return Band.CRITICAL
    if score >= b.high:
        return Band.HIGH
    if score >= b.moderate:
        return Band.MODERATE
    return Band.SAFE


def band_top(band: Band, config: ScoringConfig) -> int:
    """The highest whole score in ``band``: one below the bound of the band above it."""
    b = config.bands
    above = {Band.SAFE: b.moderate, Band.MODERATE: b.high, Band.HIGH: b.critical}
    return 100 if band is Band.CRITICAL else math.ceil(above[band]) - 1


def gate_floor(gates: Iterable[Gate], config: ScoringConfig) -> float:
    """The lowest score ``gates`` allow: the highest of their floors' thresholds (0 for none)."""
    b = config.bands
    floors = {Band.CRITICAL: b.critical, Band.HIGH: b.high, Band.MODERATE: b.moderate}
    # Whole points: a floor of 71.4 would round to a score of 71, below its own band.
    return max(
        (min(100.0, math.ceil(floors[g.floor])) for g in gates if g.floor in floors),
        default=0.0,
    )


def fix_chance(score: float, config: ScoringConfig) -> float:
    """The chance a change of this score needs a fix: the stated scale of every number shown.

    A point is a fixed step in the log-odds of a defect (the model's ``points_per_logit``), so
    a score is that chance read on a log-odds scale: with the shipped model 38 is about 1 in
    10, 50 about 1 in 4, 60 about 1 in 2 and 72 about 3 in 4 (docs/scoring.md).
    """
    return config.model.probability(score)


def chance_score(chance: float, config: ScoringConfig) -> float:
    """The score, 0–100, whose ``fix_chance`` is ``chance``."""
    if chance <= 0.0:
        return 0.0
    if chance >= 1.0:
        return 100.0
    return min(100.0, max(0.0, config.model.score_at(chance)))


def _finish(
    key: str,
    signals: Sequence[Signal],
    gates: Sequence[Gate],
    config: ScoringConfig,
    version: str | None = None,
    typical: float | None = None,
    ceiling: Band | None = None,
    typical_points: tuple[tuple[str, float], ...] | None = None,
    total: float | None = None,
) -> RiskScore:
    """The score of ``signals`` and ``gates``; ``total``: their points added up, when known.

    The band is the score's own (``band_for``): a ceiling takes the number down to the top
    of its band rather than calling a higher number a lower band.
    """
    if total is None:
        total = sum([s.points for s in signals])
    # ``min(100.0, total)`` without the call: the same value, NaN included.
    raw = total if total < 100.0 else 100.0
    if raw < 0.0:
        raw = 0.0
    if gates:
        raw = max(raw, gate_floor(gates, config))
    score = round(raw)
    if ceiling is not None:
        score = min(score, band_top(ceiling, config))
    return RiskScore(
        key,
        score,
        band_for(score, config),
        tuple(signals),
        tuple(gates),
        config.version if version is None else version,
        typical,
        typical_points,
    )


# An unknown signal's weight is spread over the known ones at most this far: a score
# is never more than half inferred from what could not be seen.
_MAX_SCALE = 2.0


def known_scale(weights: Weights, names: Iterable[str], known: Iterable[str]) -> float:
    """What the points of the ``known`` signals among ``names`` are multiplied by.

    A signal the sources could not measure (review and CODEOWNERS from a bare
    git history, incidents without an incident source) is neither "no risk" nor
    "full risk": it is taken to be as risky as what is known about the change,
    so its weight is spread over the known signals: all weights ÷ known
    weights, at most ``_MAX_SCALE``. With every signal known the scale is 1.
    """
    of = signal_weights(weights)
    total = sum(of[n] for n in names)
    seen = sum(of[n] for n in known)
    if seen <= 0.0 or seen >= total:
        return 1.0
    return min(_MAX_SCALE, total / seen)


@functools.lru_cache(maxsize=64)
def signal_weights(weights: Weights) -> dict[str, float]:
    """Each change signal's weight by its name, read through its entry's typed accessor."""
    return {s.name: float(s.weight(weights)) for s in SIGNALS}


# The policy signals' weights in ``CHANGE_SIGNALS`` order (0 for fitted ones), their total,
# and where in that order the weights that are not 0 stand, with those weights.
_PolicyWeights = tuple[tuple[float, ...], float, tuple[tuple[int, float], ...]]


@functools.lru_cache(maxsize=64)
def _signal_weights(weights: Weights, coverage_known: bool) -> _PolicyWeights:
    """The policy signals' weights in ``CHANGE_SIGNALS`` order (0 for fitted ones), their total,
    and the positions and weights of those that weigh something.

    Coverage weighs nothing where no coverage report was ever stored: an
    organisation without coverage has no unknown to spread, and scores as before.
    The fitted signals (``scoring.model_features.FEATURES``) are left out: their
    points are steps in the odds of a defect, which a spread would falsify.
    """
    ws = tuple(
        0.0
        if (s is COVERAGE and not coverage_known) or s.name in FEATURES
        else float(s.weight(weights))
        for s in SIGNALS
    )
    return ws, sum(ws), tuple((i, w) for i, w in enumerate(ws) if w)


# ``_signal_weights`` by the identity of the weights, each kept with its weights so that an id
# is never taken for later ones: the scorer asks once a change, and hashing a ``Weights``
# (every field) for ``lru_cache`` costs more than all the rest of the scaling.
_POLICY_WEIGHTS: dict[tuple[int, bool], tuple[Weights, _PolicyWeights]] = {}


def _policy_weights(weights: Weights, coverage_known: bool) -> _PolicyWeights:
    """``_signal_weights(weights, coverage_known)``, looked up by identity."""
    key = (id(weights), coverage_known)
    seen = _POLICY_WEIGHTS.get(key)
    if seen is not None and seen[0] is weights:
        return seen[1]
    if len(_POLICY_WEIGHTS) >= 64:
        _POLICY_WEIGHTS.clear()
    found = _signal_weights(weights, coverage_known)
    _POLICY_WEIGHTS[key] = (weights, found)
    return found


def _scaled_to_known(signals: Sequence[Signal], config: ScoringConfig) -> Sequence[Signal]:
    """The policy signals with their points scaled as ``known_scale`` says, among themselves.

    A policy signal the sources could not see (review and CODEOWNERS from a git
    clone) is taken as risky as the policy signals that were seen. ``signals`` come
    in ``CHANGE_SIGNALS`` order, which lets the weights be looked up once per config.
    """
    ws, total, weighing = _policy_weights(config.weights, config.coverage_known)
    if len(signals) != len(ws):
        raise ValueError(f"{len(signals)} signals, {len(ws)} change signals")
    # Only the signals that weigh something add to ``known``: a weight of 0 adds nothing
    # (0.0 + 0.0 and x + 0.0 are what they were), so the sum is the same float.
    known = 0.0
    for i, w in weighing:
        if signals[i].value is not None:
            known += w
    if known <= 0.0 or known >= total:
        return signals
    scale = min(_MAX_SCALE, total / known)
    return [
        Signal(s.name, s.value, s.points * scale, s.explanation, s.share) if s.points and w else s
        for s, w in zip(signals, ws, strict=True)
    ]


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
    signals = _scaled_to_known(
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
    scored = _finish(
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
    side = "above" if shift > 0 else "below"
    return Signal(
        TYPICAL_SIGNAL,
        typical,
        -shift,
        f"a typical change here scores {typical:.0f}, {side} the {anchor:.0f} of the histories "
        "the model was fitted on, so every change here reads that much "
        f"{'lower' if shift > 0 else 'higher'}",
    )


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


# Days since the previous deploy over which the gap signal ramps from nothing to full.
_GAP_DAYS = (7.0, 30.0)


def _gap(deploy: DeployFacts, weight: float) -> Signal:
    """A long time since the last deploy means stale context and a rusty pipeline."""
    if deploy.previous_finished_at is None:
        return Signal("deploy_gap", None, 0.0, "first known deploy of this service")
    days = (deploy.finished_at - deploy.previous_finished_at).total_seconds() / 86_400
    low, high = _GAP_DAYS
    share = min(1.0, max(0.0, (days - low) / (high - low)))
    return Signal(
        "deploy_gap",
        round(days, 2),
        weight * share,
        f"{days:.0f} days after the last deploy",
        share,
    )


# What a manager reads for each signal of ``score_deploy``, declared beside it as a change
# signal's words are beside its function: a deploy is no change, so these drive no change
# card and need no action or glossary line, only a label.
DEPLOY_SIGNAL_LABELS: dict[str, str] = {
    "riskiest_change": "a risky change shipped",
    "batch_size": "large deploy batches",
    "deploy_timing": "Friday or after-hours deploys",
    "deploy_gap": "deploys after a long pause",
}


def score_deploys(
    deploys: Iterable[DeployFacts],
    change_scores: Mapping[str, RiskScore],
    incidents: Sequence[IncidentFacts],
    config: ScoringConfig,
) -> list[RiskScore]:
    """Score deploys in the order they finished, each from the scores of the changes it shipped."""
    out: list[RiskScore] = []
    for deploy in sorted(deploys, key=lambda d: (d.finished_at, d.key)):
        shipped = [change_scores[k] for k in deploy.change_keys if k in change_scores]
        out.append(score_deploy(deploy, shipped, incidents, config))
    return out


def _shipped_signals(shipped: Sequence[RiskScore], config: ScoringConfig) -> list[Signal]:
    """The riskiest change's score and what the others add to it: together, the chance that at
    least one of the changes needs a fix (1 − Π(1 − p)), on the scale of a change's score."""
    if not shipped:
        return [
            Signal("riskiest_change", None, 0.0, "the changes this deploy shipped are unknown"),
            Signal("batch_size", 0.0, 0.0, "ships no known change"),
        ]
    worst = max(shipped, key=lambda s: (s.score, s.key))
    # Each change counts by its own number, already read against its own history's typical
    # change: a deploy is not very high merely for shipping an ordinary change of a history
    # whose every change scores high.
    alone = float(worst.score)
    text = f"ships {worst.key}, scored {worst.score} ({worst.band.risk_words})"
    first = Signal("riskiest_change", alone, alone, text, alone / 100)
    n = len(shipped)
    if n == 1:
        return [first, Signal("batch_size", 1.0, 0.0, "ships 1 change")]
    clean = 1.0
    for s in shipped:
        clean *= 1.0 - fix_chance(s.score, config)
    chance = 1.0 - clean
    together = max(alone, chance_score(chance, config))
    added = together - alone
    words = (
        f"ships {n} changes: a {_percent(chance)} chance at least one needs a fix, against "
        f"{_percent(fix_chance(alone, config))} for the riskiest alone"
    )
    return [first, Signal("batch_size", float(n), added, words, added / 100)]


def _percent(chance: float) -> str:
    """A chance in whole percent, never rounded to a certainty it is not."""
    return f"{min(99, max(1, round(100 * chance)))}%"


def score_deploy(
    deploy: DeployFacts,
    shipped: Sequence[RiskScore],
    incidents: Sequence[IncidentFacts],
    config: ScoringConfig,
) -> RiskScore:
    """Score a deploy: the chance at least one of the changes it shipped needs a fix, on the
    changes' scale, plus time since the last deploy and timing, lifted by an active incident;
    banded by the same fixed bounds as a change."""
    w = config.weights
    signals = _shipped_signals(shipped, config)
    signals.append(_gap(deploy, w.deploy_gap))
    share, text = timing_points(deploy.finished_at, config)
    signals.append(
        Signal("deploy_timing", share, w.deploy_timing * share, f"deployed {text}", share)
    )
    gates: list[Gate] = []
    active = active_incidents(deploy, incidents, config)
    if active:
        first = active[0]
        state = (
            "open"
            if first.resolved_at is None or first.resolved_at > deploy.finished_at
            else "resolved " + _hours_before(first.resolved_at, deploy.finished_at) + " before"
        )
        gates.append(
            Gate(
                "active_incident",
                f"deployed during incident {first.key} of {deploy.service} ({state}); "
                "this lifts the deploy, not the changes it ships",
            )
        )
    return _finish(deploy.key, signals, gates, config)


def active_incidents(
    deploy: DeployFacts, incidents: Sequence[IncidentFacts], config: ScoringConfig
) -> list[IncidentFacts]:
    """The incidents of the deploy's service active when it finished, earliest opened first.

    Active: opened at or before the deploy and still open, or resolved less than
    ``active_incident_grace_hours`` before it (exactly that long before no longer
    counts). An incident still open but opened more than ``incident_lookback_days``
    before the deploy is taken as one nobody closed, not as an active incident.
    """
    at = deploy.finished_at
    since = at - timedelta(days=config.incident_lookback_days)
    return sorted(
        (
            i
            for i in incidents
            if i.service == deploy.service
            and i.active_at(at, config.active_incident_grace_hours)
            and not (i.resolved_at is None and i.opened_at < since)
        ),
        key=lambda i: (i.opened_at, i.key),
    )


def _hours_before(earlier: datetime, later: datetime) -> str:
    """``later - earlier`` in hours, or minutes under one hour, for an explanation."""
    minutes = (later - earlier).total_seconds() / 60
    return f"{minutes:.0f} min" if minutes < 60 else f"{minutes / 60:.1f} h"
