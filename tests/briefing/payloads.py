"""A busy week's payload with every kind of card, built by the real card rules."""

from __future__ import annotations

from datetime import timedelta

from briefing.payload import BriefingPayload, IncidentView, ServiceView
from briefing.sections import card_view
from scoring.card_thresholds import CardRules
from scoring.cards import build_cards
from scoring.risk import Band
from scoring.weekly import ScoredDeploy, WeekIncident, aggregate
from tests.briefing.render.factory import make_payload
from tests.scoring.builders import MONDAY, scored

__all__ = ["busy_payload"]


def busy_payload() -> BriefingPayload:
    """A week with a concentration, an incident behind slower MTTR, agents and an improvement."""
    pay_now = [
        scored(n, "payments", "money", Band.HIGH if n < 6 else Band.SAFE, 0) for n in range(8)
    ]
    agents = [
        scored(20 + n, "search", "find", Band.SAFE, 0, agent_involved=True, human_reviewed=False)
        for n in range(3)
    ]
    search_now = [scored(30 + n, "search", "find", Band.SAFE, 0) for n in range(5)]
    pay_before = [scored(n, "payments", "money", Band.SAFE, -1) for n in range(8)]
    search_before = [
        scored(30 + n, "search", "find", Band.HIGH if n < 4 else Band.SAFE, -1, drivers=("review",))
        for n in range(8)
    ]
    deploy = ScoredDeploy(
        "deploy:payments:1", "payments", MONDAY + timedelta(days=4), 82, Band.CRITICAL
    )
    this = aggregate(
        pay_now + agents + search_now,
        [
            deploy,
            *(
                ScoredDeploy(f"d{n}", "search", MONDAY + timedelta(hours=n), 10, Band.SAFE)
                for n in range(4)
            ),
        ],
        [
            WeekIncident(
                "INC-1042",
                "payments",
                "Checkout 500s",
                deploy.finished_at + timedelta(hours=2),
                deploy.finished_at + timedelta(hours=7),
                deploy.key,
                Band.CRITICAL,
                deploy.finished_at,
            )
        ],
    )
    opened = MONDAY - timedelta(days=3)
    last = aggregate(
        pay_before + search_before,
        [],
        [WeekIncident("INC-1001", "search", "Slow", opened, opened + timedelta(minutes=40))],
    )
    # One incident a week is below the MTTR card's minimum; this payload shows every card kind.
    cards = build_cards(this, last, CardRules(mttr_min_incidents=1))
    payload = make_payload(tuple(card_view(c) for c in cards), changes=())
    return payload.model_copy(
        update={
            "services": (
                ServiceView(
                    id="payments",
                    name="Payments",
                    team="money",
                    changes=8,
                    high_risk=6,
                    high_risk_share=75.0,
                    high_risk_share_last_week=0.0,
                    top_driver="codeowners",
                ),
            ),
            "incidents": (
                IncidentView(
                    id="INC-1042",
                    service="payments",
                    title="Checkout 500s",
                    opened_at=deploy.finished_at + timedelta(hours=2),
                    resolved_at=deploy.finished_at + timedelta(hours=7),
                    minutes_to_resolve=300.0,
                    deploy=deploy.key,
                    deploy_band="critical",
                    after_high_risk_deploy=True,
                ),
            ),
        }
    )
