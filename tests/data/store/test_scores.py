"""Scores kept in the store and read back typed, on both backends."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from data.store.engine import session_scope
from data.store.scores import load_scores, save_scores
from scoring.risk import Band
from scoring.risk_score import Gate, RiskScore
from scoring.scored import ScoredChange, scored_change
from scoring.signal import Signal
from scoring.work_kind import WorkKind


def _scored(key: str, points: float, version: str = "v1") -> ScoredChange:
    return scored_change(
        RiskScore(
            key,
            round(points),
            Band.HIGH if points >= 60 else Band.SAFE,
            (Signal("size", 1.0, points, "big"),),
            (),
            version,
        )
    )


def test_save_scores_replaces_same_version_and_keeps_others(engine: Engine) -> None:
    """Rescoring with the same scorer version replaces rows; another version's rows stay."""
    with session_scope(engine) as s:
        save_scores(s, "change", [_scored("a#1", 10), _scored("a#2", 70)])
        save_scores(s, "change", [_scored("a#1", 65)])
        save_scores(s, "change", [_scored("a#1", 5, version="v2")])
    with session_scope(engine) as s:
        v1 = load_scores(s, "change", "v1")
        v2 = load_scores(s, "change", "v2")
    assert {k: r.score for k, r in v1.items()} == {"a#1": 65, "a#2": 70}
    assert v1["a#1"].signals == (Signal("size", 1.0, 65.0, "big"),)
    assert {k: r.score for k, r in v2.items()} == {"a#1": 5}


def test_a_scored_change_comes_back_as_it_was_saved(engine: Engine) -> None:
    """Signals, gates, top signals and what the change was scored as (its kind of work and
    lines of code among it) survive the store."""
    saved = ScoredChange(
        key="acme/shop#7",
        score=83,
        band=Band.CRITICAL,
        signals=(
            Signal("entropy", 0.8, 14.5, "spread over 6 files", 0.8),
            Signal("owners", None, 0.0, "CODEOWNERS unknown"),
            Signal("size", 1.0, 20.0, "640 lines", 1.0),
        ),
        gates=(Gate("migration", "a schema migration", Band.CRITICAL),),
        version="v9",
        top_signals=(
            Signal("size", 1.0, 20.0, "640 lines", 1.0),
            Signal("entropy", 0.8, 14.5, "spread over 6 files", 0.8),
        ),
        service="payments",
        owner_files_known=4,
        owner_files_covered=3,
        agent_involved=True,
        human_reviewed=None,
        work=WorkKind.FIX,
        source_lines=640,
    )
    with session_scope(engine) as s:
        save_scores(s, "change", [saved])
    with session_scope(engine) as s:
        loaded = load_scores(s, "change", "v9", ["acme/shop#7", "acme/shop#8"])
    assert loaded == {"acme/shop#7": saved}
