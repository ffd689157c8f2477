"""The policy signals' weights, and their points spread over what was seen when a signal was not."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

from scoring.config import ScoringConfig, Weights
from scoring.model_features import FEATURES
from scoring.signal import Signal
from scoring.signals import SIGNALS
from scoring.signals.policy import COVERAGE

__all__ = ["known_scale", "scaled_to_known", "signal_weights"]


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


def scaled_to_known(signals: Sequence[Signal], config: ScoringConfig) -> Sequence[Signal]:
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
