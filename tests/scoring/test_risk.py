"""The scorer: bands, gates, unknown signals, deploys and history that never looks ahead."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scoring import (
    Band,
    ChangeFacts,
    DeployFacts,
    FileChange,
    History,
    IncidentFacts,
    Review,
    ReviewState,
    ScoringConfig,
    band_for,
    score_change,
    score_changes,
    score_deploy,
)

TUESDAY = datetime(2026, 11, 17, 11, 0, tzinfo=UTC)
CONFIG = ScoringConfig()


def _change(
    key: str, *, at: datetime = TUESDAY, author: str = "alice", **kw: object
) -> ChangeFacts:
    defaults: dict[str, object] = {
        "files": (FileChange("svc/a.py", 10, 2, service="svc", owners=("@team",)),),
        "reviews": (Review("bob", ReviewState.APPROVED, at - timedelta(hours=1)),),
        "opened_at": at - timedelta(hours=4),
    }
    defaults.update(kw)
    return ChangeFacts(key=key, repository="r", title=key, author=author, merged_at=at, **defaults)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, Band.SAFE),
        (29.9, Band.SAFE),
        (30, Band.MODERATE),
        (59.9, Band.MODERATE),
        (60, Band.HIGH),
        (79.9, Band.HIGH),
        (80, Band.CRITICAL),
        (100, Band.CRITICAL),
    ],
)
def test_band_edges(score: float, band: Band) -> None:
    """A threshold belongs to the band it opens: 30 moderate, 60 high, 80 critical."""
    assert band_for(score, CONFIG) is band


def test_small_reviewed_change_is_safe_and_explains_itself() -> None:
    """A small, owned, reviewed Tuesday change is safe, and every signal has a reason."""
    result = score_changes([_change("r#1")], [], CONFIG)["r#1"]
    assert result.band is Band.SAFE
    assert all(s.explanation for s in result.signals)
    assert result.version == CONFIG.version


def test_migration_gate_lifts_to_critical() -> None:
    """A schema migration lifts even a tiny change to at least the critical threshold."""
    change = _change(
        "r#2",
        files=(FileChange("db/migrations/0042_add.sql", 3, 0, service="svc", owners=("@t",)),),
    )
    result = score_change(change, History().context(change), CONFIG)
    assert result.score >= 80
    assert [g.name for g in result.gates] == ["schema_migration"]


def test_unknown_codeowners_is_unknown_not_zero() -> None:
    """Without CODEOWNERS data the signal says unknown and adds nothing."""
    change = _change("r#3", files=(FileChange("svc/a.py", 10, 2, service="svc"),))
    signal = next(
        s
        for s in score_change(change, History().context(change), CONFIG).signals
        if s.name == "codeowners"
    )
    assert signal.value is None
    assert signal.points == 0
    assert "unknown" in signal.explanation


def test_agent_without_human_review_scores_higher() -> None:
    """An agent's unreviewed change scores above the same change by a reviewed human."""
    human = _change("r#4")
    agent = _change("r#5", author="copilot-swe-agent[bot]", author_is_agent=True, reviews=())
    scores = score_changes([human, agent], [], CONFIG)
    assert scores["r#5"].score > scores["r#4"].score
    assert "without human review" in next(
        s.explanation for s in scores["r#5"].signals if s.name == "agent"
    )


def test_history_counts_only_incidents_before_the_change() -> None:
    """An incident opened after a change does not count as that change's service history."""
    before = IncidentFacts(
        "INC-1", "svc", "x", TUESDAY - timedelta(days=2), TUESDAY - timedelta(days=2, hours=-1)
    )
    after = IncidentFacts("INC-2", "svc", "y", TUESDAY + timedelta(hours=1))
    history = History()
    history.add_incidents([before, after])
    assert history.context(_change("r#6")).recent_incidents == 1


def test_history_refuses_changes_out_of_order() -> None:
    """Feeding an older change after a newer one is an error, not silent look-ahead."""
    history = History()
    history.record(_change("r#7"))
    with pytest.raises(ValueError, match="merge order"):
        history.record(_change("r#8", at=TUESDAY - timedelta(days=1)))


def test_deploy_during_active_incident_is_gated() -> None:
    """A deploy while an incident of its service is open is lifted to critical."""
    incident = IncidentFacts("INC-3", "svc", "down", TUESDAY - timedelta(hours=1))
    deploy = DeployFacts("d1", "svc", "production", TUESDAY, True, ("r#1",))
    shipped = score_changes([_change("r#1")], [], CONFIG)
    result = score_deploy(deploy, list(shipped.values()), [incident], CONFIG)
    assert result.band is Band.CRITICAL
    assert result.gates[0].name == "active_incident"


def test_spent_error_budget_gates_a_change() -> None:
    """A change merged while its service's error budget is spent is lifted to critical."""
    history = History()
    history.add_error_budget_exhaustions([("svc", TUESDAY - timedelta(hours=2), None)])
    result = score_change(_change("r#9"), history.context(_change("r#9")), CONFIG)
    assert [g.name for g in result.gates] == ["error_budget"]
    assert result.score >= CONFIG.bands.critical
    calm = score_change(_change("r#9"), History().context(_change("r#9")), CONFIG)
    assert calm.gates == ()
    assert calm.score < CONFIG.bands.moderate


def test_deploy_gap_adds_points_after_a_long_pause() -> None:
    """A deploy a month after the previous one earns the full gap weight; a day after, none."""
    gap = [
        score_deploy(
            DeployFacts("d", "svc", "production", TUESDAY, True, (), TUESDAY - timedelta(days=d)),
            [],
            [],
            CONFIG,
        )
        for d in (1, 30)
    ]
    points = [next(s.points for s in g.signals if s.name == "deploy_gap") for g in gap]
    assert points == [0.0, CONFIG.weights.deploy_gap]
