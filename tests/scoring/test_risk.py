"""The scorer: bands, gates, unknown signals, deploys and history that never looks ahead."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from scoring.config import BandThresholds, ScoringConfig
from scoring.deploy_risk import DEPLOY_SIGNAL_LABELS, score_deploy
from scoring.facts import ChangeFacts, DeployFacts, FileChange, IncidentFacts, Review, ReviewState
from scoring.history import History
from scoring.model_features import FEATURES
from scoring.risk import Band, score_change, score_changes
from scoring.risk_score import RiskScore
from scoring.score_scale import band_for, chance_score, fix_chance

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
        (53.9, Band.SAFE),
        (54, Band.MODERATE),
        (59.9, Band.MODERATE),
        (60, Band.HIGH),
        (71.9, Band.HIGH),
        (72, Band.CRITICAL),
        (100, Band.CRITICAL),
    ],
)
def test_band_edges(score: float, band: Band) -> None:
    """A threshold belongs to the band it opens: 54 moderate, 60 high, 72 critical."""
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
    assert result.score >= CONFIG.bands.critical
    assert result.band is Band.CRITICAL
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


# --- Gates and deploy signals, table-driven -------------------------------------------------

H = timedelta(hours=1)
M = timedelta(minutes=1)


def _deploy(at: datetime = TUESDAY, service: str = "svc") -> DeployFacts:
    return DeployFacts("d", service, "production", at, True)


def _shipped(n: int, score: int = 10) -> list[RiskScore]:
    return [
        RiskScore(f"r#{i}", score, band_for(score, CONFIG), (), (), CONFIG.version)
        for i in range(n)
    ]


def _incident(
    opened: timedelta, resolved: timedelta | None = None, service: str = "svc"
) -> IncidentFacts:
    """An incident opened ``opened`` before TUESDAY, resolved ``resolved`` before it (or open)."""
    return IncidentFacts(
        "INC-9", service, "down", TUESDAY - opened, None if resolved is None else TUESDAY - resolved
    )


@pytest.mark.parametrize(
    ("incident", "config", "gated"),
    [
        pytest.param(_incident(H), CONFIG, True, id="open"),
        pytest.param(_incident(0 * H), CONFIG, True, id="opened-at-the-deploy"),
        pytest.param(_incident(2 * H, -H), CONFIG, True, id="resolved-after-the-deploy"),
        pytest.param(_incident(6 * H, 4 * H - M), CONFIG, True, id="resolved-3h59-before"),
        pytest.param(_incident(6 * H, 4 * H), CONFIG, False, id="resolved-exactly-4h-before"),
        pytest.param(_incident(9 * H, 5 * H), CONFIG, False, id="resolved-5h-before"),
        pytest.param(_incident(-M), CONFIG, False, id="opened-after-the-deploy"),
        pytest.param(_incident(H, service="other"), CONFIG, False, id="another-service"),
        pytest.param(_incident(timedelta(days=30)), CONFIG, True, id="open-since-lookback-edge"),
        pytest.param(
            _incident(timedelta(days=30) + M), CONFIG, False, id="open-longer-than-lookback"
        ),
        pytest.param(
            _incident(timedelta(days=40), 2 * H), CONFIG, True, id="long-incident-just-resolved"
        ),
        pytest.param(
            _incident(3 * H, H - M),
            ScoringConfig(active_incident_grace_hours=1.0),
            True,
            id="grace-1h-resolved-59min-before",
        ),
        pytest.param(
            _incident(3 * H, 2 * H),
            ScoringConfig(active_incident_grace_hours=1.0),
            False,
            id="grace-1h-resolved-2h-before",
        ),
        pytest.param(
            _incident(timedelta(days=10)),
            ScoringConfig(incident_lookback_days=7),
            False,
            id="lookback-7d-open-10d",
        ),
    ],
)
def test_active_incident_gate(incident: IncidentFacts, config: ScoringConfig, gated: bool) -> None:
    """An own-service incident, open or resolved under the grace hours before, gates a deploy."""
    result = score_deploy(_deploy(), [], [incident], config)
    assert [g.name for g in result.gates] == (["active_incident"] if gated else [])
    # A calm Tuesday deploy of nothing scores 0; only the gate can lift it.
    assert result.score == (config.bands.critical if gated else 0)


def test_a_reverts_incident_never_gates_a_deploy() -> None:
    """A deploy inside a revert's incident window (reverted change shipped, revert not yet
    merged) is not lifted: the window times no outage, while a real incident beside it does."""
    revert = IncidentFacts(
        "revert:r#12", "svc", "Revert a change", TUESDAY - timedelta(days=2), TUESDAY + H
    )
    result = score_deploy(_deploy(), [], [revert], CONFIG)
    assert result.gates == ()
    assert result.score == 0
    both = score_deploy(_deploy(), [], [revert, _incident(H)], CONFIG)
    assert [g.name for g in both.gates] == ["active_incident"]
    assert "INC-9" in both.gates[0].explanation


def test_active_incident_gate_explains_it_lifts_the_deploy_only() -> None:
    """The gate names the incident and says the deploy is lifted, not the changes it ships."""
    gate = score_deploy(_deploy(), [], [_incident(6 * H, 2 * H)], CONFIG).gates[0]
    assert gate.explanation == (
        "deployed during incident INC-9 of svc (resolved 2.0 h before); "
        "this lifts the deploy, not the changes it ships"
    )
    assert "\n" not in gate.explanation


def test_changes_shipped_during_an_incident_are_not_gated() -> None:
    """An incident open when a change merged does not gate the change itself."""
    scores = score_changes([_change("r#1")], [_incident(H)], CONFIG)
    assert scores["r#1"].gates == ()
    assert scores["r#1"].score < CONFIG.bands.critical


@pytest.mark.parametrize(
    ("span", "gated"),
    [
        pytest.param(("svc", TUESDAY - H, None), True, id="still-spent"),
        pytest.param(("svc", TUESDAY, TUESDAY + H), True, id="spent-from-the-merge"),
        pytest.param(("svc", TUESDAY - 2 * H, TUESDAY + M), True, id="restored-after"),
        pytest.param(("svc", TUESDAY - 2 * H, TUESDAY), False, id="restored-at-the-merge"),
        pytest.param(("svc", TUESDAY + M, None), False, id="spent-after-the-merge"),
        pytest.param(("other", TUESDAY - H, None), False, id="another-service"),
    ],
)
def test_error_budget_gate(span: tuple[str, datetime, datetime | None], gated: bool) -> None:
    """Gated when a touched service's budget was spent at the merge: from ≤ t < until."""
    result = score_changes([_change("r#1")], [], CONFIG, error_budgets=[span])["r#1"]
    assert [g.name for g in result.gates] == (["error_budget"] if gated else [])
    assert (result.score >= CONFIG.bands.critical) is gated


@pytest.mark.parametrize("shipped", [0, 1, 2, 5, 10, 25])
def test_batch_size(shipped: int) -> None:
    """Batch size adds nothing for one change; for more, what the others add to the chance that
    one of them needs a fix (1 − Π(1 − p)), on the score's scale."""
    result = score_deploy(_deploy(), _shipped(shipped), [], CONFIG)
    signal = next(s for s in result.signals if s.name == "batch_size")
    assert signal.value == shipped
    if shipped <= 1:
        assert signal.points == 0.0
        return
    chance = 1 - (1 - fix_chance(10, CONFIG)) ** shipped
    assert signal.points == pytest.approx(chance_score(chance, CONFIG) - 10)
    assert f"a {round(100 * chance)}% chance at least one needs a fix" in signal.explanation


@pytest.mark.parametrize(
    ("at", "config", "share", "says"),
    [
        pytest.param(TUESDAY, CONFIG, 0.0, "at Tue 11:00", id="tuesday-morning"),
        pytest.param(TUESDAY + 3 * timedelta(days=1), CONFIG, 0.6, "on a Friday", id="friday"),
        pytest.param(TUESDAY + 11 * H, CONFIG, 0.4, "after hours", id="tuesday-night"),
        pytest.param(TUESDAY + 7 * H - M, CONFIG, 0.0, "at Tue 17:59", id="last-working-minute"),
        pytest.param(TUESDAY + 7 * H, CONFIG, 0.4, "after hours", id="end-of-hours"),
        pytest.param(
            TUESDAY + timedelta(days=4), CONFIG, 0.4, "on a weekend (Sat 11:00", id="saturday"
        ),
        pytest.param(
            TUESDAY + timedelta(days=5, hours=1, minutes=57),
            CONFIG,
            0.4,
            "deployed on a weekend (Sun 12:57 UTC)",
            id="sunday-noon",
        ),
        pytest.param(
            TUESDAY + timedelta(days=3, hours=11), CONFIG, 1.0, "Friday and after", id="fri-night"
        ),
        pytest.param(
            TUESDAY,
            ScoringConfig(holidays=(TUESDAY.date() + timedelta(days=1),)),
            0.6,
            "before or on a holiday",
            id="eve-of-holiday",
        ),
        pytest.param(
            TUESDAY,
            ScoringConfig(timezone="Asia/Tokyo"),
            0.4,
            "after hours (Tue 20:00 Asia/Tokyo)",
            id="zone",
        ),
    ],
)
def test_deploy_timing(at: datetime, config: ScoringConfig, share: float, says: str) -> None:
    """Deploy timing earns its weight × (0.6 Friday or holiday eve + 0.4 outside hours)."""
    result = score_deploy(_deploy(at), [], [], config)
    signal = next(s for s in result.signals if s.name == "deploy_timing")
    assert signal.points == pytest.approx(config.weights.deploy_timing * share)
    assert says in signal.explanation
    assert result.score == round(config.weights.deploy_timing * share)


def test_deploy_score_is_its_riskiest_change_plus_deploy_signals() -> None:
    """The riskiest shipped change sets the base and the others add their chance of a fix on
    top, capped at 100."""
    shipped = [*_shipped(1, 20), *_shipped(1, 55)]
    result = score_deploy(_deploy(), shipped, [], CONFIG)
    chance = 1 - (1 - fix_chance(20, CONFIG)) * (1 - fix_chance(55, CONFIG))
    assert result.score == round(chance_score(chance, CONFIG))
    assert result.score >= 55
    assert score_deploy(_deploy(), _shipped(10, 95), [], CONFIG).score == 100


CUSTOM = ScoringConfig(bands=BandThresholds(moderate=20, high=50, critical=70))


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (19.9, Band.SAFE),
        (20, Band.MODERATE),
        (49.9, Band.MODERATE),
        (50, Band.HIGH),
        (69.9, Band.HIGH),
        (70, Band.CRITICAL),
    ],
)
def test_configured_band_edges(score: float, band: Band) -> None:
    """Configured thresholds move the edges, each still belonging to the band it opens."""
    assert band_for(score, CUSTOM) is band


def test_gates_lift_to_the_configured_critical_threshold() -> None:
    """A gate lifts a calm deploy to exactly the configured critical threshold, not 80."""
    result = score_deploy(_deploy(), [], [_incident(H)], CUSTOM)
    assert (result.score, result.band) == (70, Band.CRITICAL)


def _big(key: str, *, owned: bool = True, per_file: int = 30, **kw: Any) -> ChangeFacts:
    """A change over 12 files of one service, 360 lines by default (under the large-change
    gate); CODEOWNERS data only when ``owned``."""
    owners = ("@t",) if owned else None
    files = tuple(
        FileChange(f"svc/m{i}.py", per_file, 0, service="svc", owners=owners) for i in range(12)
    )
    return _change(key, files=files, **kw)


def _weight(name: str, config: ScoringConfig = CONFIG) -> float:
    # Coverage weighs nothing until a coverage report exists anywhere (coverage_known).
    if name == "coverage" and not config.coverage_known:
        return 0.0
    return float(getattr(config.weights, name))


@pytest.mark.parametrize(
    ("change", "unknown", "config"),
    [
        # Everything a code host knows: nothing is scaled.
        (_big("r#20"), set(), CONFIG),
        # A bare git history: review and CODEOWNERS unknown.
        (
            _big("r#21", owned=False, reviews=(), reviews_known=False),
            {"review", "codeowners"},
            CONFIG,
        ),
        # Coverage reported elsewhere in the organisation, none at this change's head.
        (_big("r#22"), {"coverage"}, replace(CONFIG, coverage_known=True)),
    ],
)
def test_unknown_signals_spread_their_weight_over_known_ones(
    change: ChangeFacts, unknown: set[str], config: ScoringConfig
) -> None:
    """Policy points are scaled by the policy weights ÷ the known ones, so unknown is neither safe
    nor risky; the fitted signals' points, steps in the odds of a defect, are never scaled."""
    result = score_change(change, History().context(change), config)
    assert {s.name for s in result.signals if s.value is None} >= unknown
    policy = [s for s in result.signals if s.name not in FEATURES]
    total = sum(_weight(s.name, config) for s in policy)
    unknown_weight = sum(_weight(s.name, config) for s in policy if s.value is None)
    scale = min(2.0, total / (total - unknown_weight))
    raw = {s.name: _weight(s.name, config) * s.share for s in result.signals}
    for s in result.signals:
        expected = raw[s.name] if s.name in FEATURES else raw[s.name] * scale
        assert s.points == pytest.approx(expected)
    assert result.score == round(min(100.0, sum(s.points for s in result.signals)))


def test_a_big_rewrite_from_a_bare_history_reaches_high() -> None:
    """A 1,200-line, 12-file rewrite of settled files, review and owners unknown, is high risk."""
    earlier = [
        _change(
            f"r#{30 + week}",
            at=TUESDAY - timedelta(weeks=week + 1),
            author="bob",
            is_fix=True,
            reviews=(),
            reviews_known=False,
            files=tuple(FileChange(f"svc/m{i}.py", 20, 5, service="svc") for i in range(12)),
        )
        for week in range(3)
    ]
    rewrite = _big("r#22", owned=False, per_file=100, reviews=(), reviews_known=False)
    small = _change("r#23", reviews=(), reviews_known=False)
    scores = score_changes([*earlier, rewrite, small], [], CONFIG)
    assert scores["r#22"].band.high_risk
    assert scores["r#23"].band is Band.SAFE


def test_scaling_is_capped_at_double() -> None:
    """When most policy weight is unknown the known policy points are at most doubled."""
    config = ScoringConfig().with_overrides({"weights": {"review": 200.0, "timing": 5.0}})
    change = _change(
        "r#23", at=datetime(2026, 11, 20, 22, 0, tzinfo=UTC), reviews=(), reviews_known=False
    )
    result = score_change(change, History().context(change), config)
    timing = next(s for s in result.signals if s.name == "timing")
    assert timing.points == pytest.approx(config.weights.timing * timing.share * 2.0) != 0
    size = next(s for s in result.signals if s.name == "size")
    assert size.points == pytest.approx(config.weights.size * size.share)


@pytest.mark.parametrize(
    ("files", "gated"),
    [
        pytest.param((("svc/a.py", 399),), False, id="399-code-lines"),
        pytest.param((("svc/a.py", 400),), True, id="400-code-lines"),
        pytest.param((("svc/a.py", 200), ("svc/b.go", 200)), True, id="400-over-two-files"),
        pytest.param((("svc/a.py", 300), ("svc/tests/test_a.py", 300)), False, id="tests-aside"),
        pytest.param((("svc/a.py", 300), ("docs/guide.md", 300)), False, id="docs-aside"),
        pytest.param((("svc/a.py", 10), ("package-lock.json", 5000)), False, id="lockfile"),
        pytest.param((("svc/a.py", 10), ("vendor/lib/x.go", 900)), False, id="vendored"),
        pytest.param((("svc/a.py", 10), ("svc/api_pb2.py", 900)), False, id="generated"),
        pytest.param((("svc/a.py", 10), ("svc/data/cities.csv", 900)), False, id="data-file"),
    ],
)
def test_large_change_gate_lifts_to_high(files: tuple[tuple[str, int], ...], gated: bool) -> None:
    """400 or more added lines of hand-written code lift a change to at least high, never to
    critical by themselves; tests, docs, manifests, vendored, generated and data files aside."""
    change = _change(
        "r#30",
        files=tuple(FileChange(p, n, 0, service="svc") for p, n in files),
        reviews=(),
        reviews_known=False,
    )
    result = score_changes([change], [], CONFIG)["r#30"]
    names = [g.name for g in result.gates]
    assert ("large_change" in names) is gated
    if gated:
        assert result.score >= CONFIG.bands.high
        assert result.band in (Band.HIGH, Band.CRITICAL)
        assert "lines of code added" in result.gates[-1].explanation


def test_large_change_threshold_is_a_rule() -> None:
    """`[scoring.rules] large_change_lines` moves the gate."""
    config = CONFIG.with_overrides({"rules": {"large_change_lines": 100}})
    change = _change("r#31", files=(FileChange("svc/a.py", 120, 0, service="svc"),))
    assert [g.name for g in score_changes([change], [], config)["r#31"].gates] == ["large_change"]
    assert score_changes([change], [], CONFIG)["r#31"].gates == ()


def test_every_deploy_signal_is_declared_with_its_label() -> None:
    """The signals a deploy is scored by are exactly those ``DEPLOY_SIGNAL_LABELS`` names, so a
    new deploy signal cannot reach a reader without words."""
    deploy = DeployFacts("d1", "svc", "production", TUESDAY, True, ("r#1",))
    shipped = score_changes([_change("r#1")], [], CONFIG)
    for changes in (list(shipped.values()), []):
        result = score_deploy(deploy, changes, [], CONFIG)
        assert {s.name for s in result.signals} == set(DEPLOY_SIGNAL_LABELS)
        assert all(DEPLOY_SIGNAL_LABELS[s.name].strip() for s in result.signals)
