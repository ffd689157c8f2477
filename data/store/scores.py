"""Scores kept in the store: the one place a ``ScoredChange`` is written and read back."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import sqlalchemy as sa
from sqlalchemy import delete, insert
from sqlmodel import Session, col, select

from data.clock import utcnow
from data.store.among import among
from data.store.tables import RiskScoreRow
from scoring.risk import Band
from scoring.risk_score import Gate
from scoring.scored import ScoredChange
from scoring.signal import Signal
from scoring.work_kind import WorkKind

__all__ = [
    "Standing",
    "load_scores",
    "load_standings",
    "save_scores",
    "score_join",
    "stored_work_kind",
    "top_signal_names",
]

# Bound parameters per IN list: under SQLite's limit on every version still in use.
_CHUNK = 900


def save_scores(session: Session, kind: str, scores: Iterable[ScoredChange]) -> int:
    """Store scores of ``kind`` ("change" or "deploy"), replacing earlier ones of the same version.

    Returns how many were written. Scores of other scorer versions stay, so a
    change of weights never rewrites history silently.
    """
    batch = list(scores)
    for version in {s.version for s in batch}:
        keys = [s.key for s in batch if s.version == version]
        for start in range(0, len(keys), _CHUNK):
            session.execute(
                delete(RiskScoreRow).where(
                    col(RiskScoreRow.subject_kind) == kind,
                    col(RiskScoreRow.scorer_version) == version,
                    among(session, col(RiskScoreRow.subject_key), keys[start : start + _CHUNK]),
                )
            )
    now = utcnow()
    # One bulk INSERT, not an object per row: a benchmark's week stores a hundred thousand.
    if batch:
        session.execute(insert(RiskScoreRow), [_row(kind, s, now) for s in batch])
    return len(batch)


def load_scores(
    session: Session, kind: str, version: str, keys: Sequence[str] | None = None
) -> dict[str, ScoredChange]:
    """Stored scores of ``kind`` and ``version``, by subject key."""
    query = select(RiskScoreRow).where(
        col(RiskScoreRow.subject_kind) == kind, col(RiskScoreRow.scorer_version) == version
    )
    if keys is None:
        return {r.subject_key: _scored(r) for r in session.exec(query)}
    out: dict[str, ScoredChange] = {}
    for start in range(0, len(keys), _CHUNK):
        chunk = query.where(
            among(session, col(RiskScoreRow.subject_key), keys[start : start + _CHUNK])
        )
        out.update({r.subject_key: _scored(r) for r in session.exec(chunk)})
    return out


@dataclass(frozen=True, slots=True)
class Standing:
    """A stored score and band, with the lines of code the scorer found in the change
    (``None`` for a score stored before they were kept)."""

    score: int
    band: Band
    source_lines: int | None = None


def load_standings(
    session: Session, kind: str, version: str, keys: Sequence[str]
) -> dict[str, Standing]:
    """The stored standing of each of ``keys`` (of ``kind`` and ``version``) that has one:
    for readers that rank many changes and explain few, without reading their signals."""
    out: dict[str, Standing] = {}
    for start in range(0, len(keys), _CHUNK):
        rows = session.connection().execute(
            sa.select(
                col(RiskScoreRow.subject_key),
                col(RiskScoreRow.score),
                col(RiskScoreRow.band),
                col(RiskScoreRow.source_lines),
            ).where(
                col(RiskScoreRow.subject_kind) == kind,
                col(RiskScoreRow.scorer_version) == version,
                among(session, col(RiskScoreRow.subject_key), keys[start : start + _CHUNK]),
            )
        )
        out.update({key: Standing(score, Band(band), lines) for key, score, band, lines in rows})
    return out


def top_signal_names(stored: Iterable[Any] | None) -> tuple[str, ...]:
    """The names of a score's top signals, most points first, from its ``top_signals`` column.

    For readers that select the column themselves (a week's window reads a
    hundred thousand rows without loading each score whole).
    """
    return tuple(str(name) for name in stored or ())


# What ``dataclasses.asdict`` gives for these flat classes, without its deep copy of every
# value: that copy was half of ``score_all``'s time on the sample organisation.
_SIGNAL_FIELDS = tuple(f.name for f in fields(Signal))
_GATE_FIELDS = tuple(f.name for f in fields(Gate))


def _row(kind: str, s: ScoredChange, now: Any) -> dict[str, Any]:
    return {
        "subject_kind": kind,
        "subject_key": s.key,
        "score": s.score,
        "band": s.band.value,
        "signals": [
            {name: getattr(signal, name) for name in _SIGNAL_FIELDS} for signal in s.signals
        ],
        "gates": [{name: getattr(g, name) for name in _GATE_FIELDS} for g in s.gates],
        "scorer_version": s.version,
        "computed_at": now,
        "service": s.service,
        "top_signals": list(s.drivers),
        "owner_files_known": s.owner_files_known,
        "owner_files_covered": s.owner_files_covered,
        "agent_involved": s.agent_involved,
        "human_reviewed": s.human_reviewed,
        "work_kind": None if s.work is None else s.work.value,
        "source_lines": s.source_lines,
        "context_points": s.context_points if kind == "change" else None,
    }


def _signal(stored: Mapping[str, Any]) -> Signal:
    value = stored.get("value")
    return Signal(
        name=str(stored["name"]),
        value=None if value is None else float(value),
        points=float(stored.get("points", 0.0)),
        explanation=str(stored.get("explanation", "")),
        share=float(stored.get("share", 0.0)),
    )


def _gate(stored: Mapping[str, Any]) -> Gate:
    return Gate(
        name=str(stored["name"]),
        explanation=str(stored.get("explanation", "")),
        floor=Band(stored.get("floor", Band.CRITICAL.value)),
    )


def _scored(row: RiskScoreRow) -> ScoredChange:
    signals = tuple(_signal(s) for s in row.signals)
    by_name = {s.name: s for s in signals}
    return ScoredChange(
        key=row.subject_key,
        score=row.score,
        band=Band(row.band),
        signals=signals,
        gates=tuple(_gate(g) for g in row.gates),
        version=row.scorer_version,
        # The ranking stored with the score, not one made anew: it is what briefings told.
        top_signals=tuple(by_name[n] for n in top_signal_names(row.top_signals) if n in by_name),
        service=row.service,
        owner_files_known=row.owner_files_known,
        owner_files_covered=row.owner_files_covered,
        agent_involved=row.agent_involved,
        human_reviewed=row.human_reviewed,
        work=stored_work_kind(row.work_kind),
        source_lines=row.source_lines,
    )


def stored_work_kind(value: str | None) -> WorkKind | None:
    """A stored kind of work, ``None`` where none was kept or it names no kind this version
    knows (a store a later version wrote): its readers then classify the change again."""
    try:
        return None if value is None else WorkKind(value)
    except ValueError:
        return None


def score_join(kind: str, key: Any, version: str, row: Any = RiskScoreRow) -> Any:
    """The join condition of a stored score (``row``: the table or an alias of it) of
    ``kind`` and ``version`` with the subject whose key is ``key``."""
    return sa.and_(
        col(row.subject_key) == key,
        col(row.subject_kind) == kind,
        col(row.scorer_version) == version,
    )
