"""A scored change or deploy: its number, band, signals and the gates that lifted it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from scoring.band import Band
from scoring.model import MODEL
from scoring.signal import Signal, slot_setter

__all__ = ["Gate", "RiskScore", "top_signals"]


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
