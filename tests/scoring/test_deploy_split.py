"""Splitting a gated deploy: which changes ship apart, each part scored by the deploy scorer."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from scoring.band import Band
from scoring.config import ScoringConfig
from scoring.deploy_risk import score_deploy
from scoring.deploy_split import (
    MIN_CHANGES,
    TIMING,
    ShippedChange,
    SplitWay,
    split_deploy,
)
from scoring.facts import DeployFacts
from scoring.risk_score import Gate, RiskScore

CONFIG = ScoringConfig()
# A Tuesday morning, when timing adds nothing; and a Friday afternoon, when it does.
TUESDAY = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)
FRIDAY = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
MIGRATION = Gate("schema_migration", "contains a schema migration (db/001.sql)")


def _change(
    key: str, score: int, band: Band, *files: str, gates: tuple[Gate, ...] = ()
) -> ShippedChange:
    risk = RiskScore(key, score, band, (), gates, CONFIG.version)
    return ShippedChange(risk, frozenset(files))


def _deploy(at: datetime, shipped: list[ShippedChange]) -> DeployFacts:
    return DeployFacts(
        "deploy:payments:1",
        "payments",
        "production",
        at,
        True,
        tuple(s.score.key for s in shipped),
        previous_finished_at=at.replace(day=at.day - 1),
    )


def _many() -> list[ShippedChange]:
    return [
        _change("r#1", 90, Band.CRITICAL, "db/001.sql", "ledger.py", gates=(MIGRATION,)),
        _change("r#2", 55, Band.MODERATE, "ledger.py"),
        _change("r#3", 50, Band.MODERATE, "cart.py"),
        _change("r#4", 40, Band.SAFE, "search.py"),
        _change("r#5", 35, Band.SAFE, "docs.py"),
    ]


def test_a_migration_and_the_changes_touching_its_files_ship_apart() -> None:
    """The migration and the change sharing its file are one deploy, the rest another; each
    part's score is `score_deploy` of that deploy with only its changes."""
    shipped = _many()
    deploy = _deploy(TUESDAY, shipped)
    split = split_deploy(deploy, shipped, (), CONFIG)
    assert split is not None
    assert split.way is SplitWay.GATE
    assert split.reason == "schema_migration"
    assert split.gated == ("r#1",)
    assert split.apart.changes == ("r#1", "r#2")
    assert split.rest.changes == ("r#3", "r#4", "r#5")
    for part in (split.apart, split.rest):
        alone = [s.score for s in shipped if s.score.key in part.changes]
        facts = replace(deploy, change_keys=part.changes)
        assert part.score == score_deploy(facts, alone, (), CONFIG)
    assert split.whole == score_deploy(deploy, [s.score for s in shipped], (), CONFIG)
    assert split.rest.score.score < split.whole.score


def test_a_friday_deploy_without_a_gated_change_holds_back_its_high_risk_ones() -> None:
    """Its timing is the reason: the high-risk changes are held back, the rest ship."""
    shipped = [
        _change("r#1", 75, Band.HIGH, "a.py"),
        _change("r#2", 70, Band.HIGH, "b.py"),
        _change("r#3", 40, Band.SAFE, "c.py"),
        _change("r#4", 30, Band.SAFE, "d.py"),
    ]
    split = split_deploy(_deploy(FRIDAY, shipped), shipped, (), CONFIG)
    assert split is not None
    assert (split.way, split.reason, split.gated) == (SplitWay.HOLD, TIMING, ())
    assert split.apart.changes == ("r#1", "r#2")
    assert split.rest.changes == ("r#3", "r#4")


def test_no_split_for_a_few_changes_an_ungated_deploy_or_all_touching_the_gate() -> None:
    """Fewer than `MIN_CHANGES`, no gate on a Tuesday, or nothing left to hold: no advice."""
    shipped = _many()
    assert (
        split_deploy(
            _deploy(TUESDAY, shipped[: MIN_CHANGES - 1]), shipped[: MIN_CHANGES - 1], (), CONFIG
        )
        is None
    )
    plain = [replace(s, score=replace(s.score, gates=())) for s in shipped]
    assert split_deploy(_deploy(TUESDAY, plain), plain, (), CONFIG) is None
    same = [
        _change(f"r#{n}", 85, Band.CRITICAL, "db/001.sql", gates=(MIGRATION,)) for n in range(5)
    ]
    assert split_deploy(_deploy(TUESDAY, same), same, (), CONFIG) is None


def test_when_every_change_touches_the_gated_one_its_riskiest_are_held_back() -> None:
    """No change stands apart from the migration's files: its high-risk changes are held back,
    and the reason is still the migration."""
    shipped = [
        _change("r#1", 90, Band.CRITICAL, "db/001.sql", "ledger.py", gates=(MIGRATION,)),
        _change("r#2", 70, Band.HIGH, "ledger.py"),
        _change("r#3", 40, Band.SAFE, "ledger.py"),
        _change("r#4", 35, Band.SAFE, "db/001.sql"),
    ]
    split = split_deploy(_deploy(TUESDAY, shipped), shipped, (), CONFIG)
    assert split is not None
    assert (split.way, split.reason, split.gated) == (SplitWay.HOLD, "schema_migration", ("r#1",))
    assert split.apart.changes == ("r#1", "r#2")
    assert split.rest.changes == ("r#3", "r#4")
