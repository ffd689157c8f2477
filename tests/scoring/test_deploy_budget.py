"""The deploy's error-budget gate: a production deploy finished while its service had spent its
error budget is very high risk, read at the deploy's time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scoring.band import Band
from scoring.config import ScoringConfig
from scoring.deploy_risk import score_deploy, score_deploys, spent_budget
from scoring.facts import DeployFacts
from scoring.history import BudgetSpan
from scoring.risk_score import RiskScore
from scoring.score_scale import band_for

TUESDAY = datetime(2026, 11, 17, 11, 0, tzinfo=UTC)
H = timedelta(hours=1)
CONFIG = ScoringConfig()


def _deploy(
    at: datetime = TUESDAY, service: str = "svc", environment: str = "production"
) -> DeployFacts:
    return DeployFacts("d", service, environment, at, True)


@pytest.mark.parametrize(
    ("span", "deploy", "gated"),
    [
        pytest.param(("svc", TUESDAY - H, TUESDAY + H), _deploy(), True, id="inside"),
        pytest.param(("svc", TUESDAY, TUESDAY + H), _deploy(), True, id="spent-at-the-deploy"),
        pytest.param(("svc", TUESDAY - 2 * H, None), _deploy(), True, id="still-spent"),
        pytest.param(("svc", TUESDAY - 2 * H, TUESDAY), _deploy(), False, id="restored-at-it"),
        pytest.param(("svc", TUESDAY + H, None), _deploy(), False, id="spent-after-it"),
        pytest.param(("other", TUESDAY - H, None), _deploy(), False, id="another-service"),
        pytest.param(
            ("svc", TUESDAY - H, None), _deploy(environment="staging"), False, id="staging"
        ),
    ],
)
def test_a_deploy_finished_in_a_spent_budget_of_its_service_is_gated(
    span: BudgetSpan, deploy: DeployFacts, gated: bool
) -> None:
    """From exhausted (inclusive) to restored (exclusive), a production deploy of the service is
    lifted to very high risk; a calm deploy of nothing otherwise scores 0."""
    result = score_deploy(deploy, [], [], CONFIG, [span])
    assert [g.name for g in result.gates] == (["error_budget"] if gated else [])
    assert [g.floor for g in result.gates] == ([Band.CRITICAL] if gated else [])
    assert result.score == (CONFIG.bands.critical if gated else 0)


def test_the_gate_names_the_service_and_when_its_budget_was_spent() -> None:
    """The explanation says which service and since when, the earliest of overlapping spans."""
    spans: list[BudgetSpan] = [("svc", TUESDAY - H, None), ("svc", TUESDAY - 3 * H, TUESDAY + H)]
    assert spent_budget(_deploy(), spans) == TUESDAY - 3 * H
    [gate] = score_deploy(_deploy(), [], [], CONFIG, spans).gates
    assert gate.explanation == (
        "shipped while svc had spent its error budget (spent since 2026-11-17 08:00 UTC)"
    )


def test_score_deploys_reads_each_deploy_against_the_spans() -> None:
    """Of two deploys of one service, only the one that finished in the span is gated; the
    change it shipped keeps its own score."""
    shipped = RiskScore("r#1", 30, band_for(30, CONFIG), (), (), CONFIG.version)
    deploys = [
        DeployFacts("early", "svc", "production", TUESDAY - 5 * H, True, ("r#1",)),
        DeployFacts("late", "svc", "production", TUESDAY, True, ("r#1",)),
    ]
    scores = score_deploys(deploys, {"r#1": shipped}, [], CONFIG, [("svc", TUESDAY - H, None)])
    assert [(s.key, s.band) for s in scores] == [
        ("early", shipped.band),
        ("late", Band.CRITICAL),
    ]
    assert shipped.gates == ()


def test_without_spans_a_deploy_scores_as_before() -> None:
    """No spans, no gate: the same score as a scorer that never heard of budgets."""
    assert score_deploy(_deploy(), [], [], CONFIG) == score_deploy(_deploy(), [], [], CONFIG, [])
