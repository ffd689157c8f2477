"""Briefing payloads and narratives for renderer tests, optionally full of hostile strings."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from briefing.narrative import CardParagraph, Narrative
from briefing.payload import (
    AgentView,
    BriefingPayload,
    CardView,
    ChangeView,
    Counts,
    FactView,
    Metrics,
    ScopeView,
    SeverityCounts,
    SignalView,
    WeekView,
)
from briefing.views import IncidentView
from scoring.card_terms import FactKey, Severity

__all__ = [
    "GOOD_URL",
    "HOSTILE",
    "HOSTILE_TEXT",
    "make_cards",
    "make_narrative",
    "make_payload",
]

GOOD_URL = "https://github.com/acme/shop/pull/42?tab=files&x=1"

# Strings that would ping a channel, mention a user, forge a link, inject HTML
# or reverse text if a renderer let them through unescaped.
HOSTILE: tuple[str, ...] = (
    "<!channel>",
    "<!here>",
    "<@U123>",
    "<https://evil.example|click>",
    "Tom & Jerry",
    "\u202egnp.exe",
    "<script>alert(1)</script>",
    "zero\u200bwidth\u200djoin\u2066iso\u2069",
)
HOSTILE_TEXT = " ".join(HOSTILE)


def _text(plain: str, hostile: bool) -> str:
    """``plain``, with every hostile string appended when ``hostile``."""
    return f"{plain} {HOSTILE_TEXT}" if hostile else plain


def make_cards(
    severities: tuple[str, ...] = ("critical", "warning", "warning", "info"),
    *,
    hostile: bool = False,
    title_length: int | None = None,
) -> tuple[CardView, ...]:
    """Cards with the given severities, in the order given."""
    cards = []
    for index, severity in enumerate(severities):
        title = _text(f"Card {index} about checkout", hostile)
        if title_length is not None:
            title = (title * (title_length // len(title) + 1))[:title_length]
        cards.append(
            CardView.model_validate(
                {
                    "id": f"card-{index}",
                    "kind": "concentration",
                    "severity": severity,
                    "title": title,
                    "subject": _text("checkout", hostile),
                    "facts": (
                        FactView(key=FactKey.HIGH_RISK_SHARE_THIS_WEEK, value=42.0, unit="%"),
                        FactView(key=FactKey.DRIVEN_BY, value=9, signal=_text("review", hostile)),
                    ),
                    "evidence": (_text("PR #42 touched 30 files", hostile),),
                }
            )
        )
    return tuple(cards)


def make_payload(
    cards: tuple[CardView, ...] | None = None,
    *,
    hostile: bool = False,
    changes: tuple[ChangeView, ...] | None = None,
) -> BriefingPayload:
    """A payload for week 2026-W47 with ``cards`` (default: four mixed cards)."""
    cards = make_cards(hostile=hostile) if cards is None else cards
    if changes is None:
        changes = (
            ChangeView(
                id="pr-42",
                title=_text("Rewrite payment retries", hostile),
                url=GOOD_URL,
                service=_text("payments", hostile),
                score=87,
                band="critical",
                signals=(SignalView(name="size", points=20, explanation="Large change"),),
            ),
            ChangeView(
                id="pr-43",
                title=_text("Bump auth library", hostile),
                url="javascript:alert(1)",
                service=None,
                score=71,
                band="high",
                signals=(),
            ),
            ChangeView(
                id="pr-44",
                title="Forged link",
                url="https://evil.example|click",
                service="web",
                score=65,
                band="high",
                signals=(),
            ),
        )
    return BriefingPayload(
        organisation="acme",
        subscriber="sub-1",
        subscriber_name=_text("Ada", hostile),
        scope=ScopeView(label=_text("Team Checkout", hostile), teams=("checkout",), services=()),
        week=WeekView(
            id="2026-W47", start=date(2026, 11, 16), end=date(2026, 11, 22), timezone="UTC"
        ),
        distribution=Counts(safe=30, moderate=12, high=9, critical=3),
        distribution_last_week=Counts(safe=28, moderate=10, high=4, critical=1),
        severity_counts=SeverityCounts(
            critical=sum(c.severity is Severity.CRITICAL for c in cards),
            warning=sum(c.severity is Severity.WARNING for c in cards),
            info=sum(c.severity is Severity.INFO for c in cards),
        ),
        services=(),
        drivers=(),
        metrics=Metrics(
            mttr_minutes=42.0,
            mttr_minutes_last_week=30.0,
            change_failure_rate=0.1,
            change_failure_rate_last_week=0.05,
            deploys=20,
            deploys_last_week=18,
            incidents=2,
            incidents_last_week=1,
            codeowners_coverage=0.8,
            codeowners_coverage_last_week=0.8,
        ),
        incidents=(),
        agents=AgentView(
            changes=3, share_of_changes=0.05, unreviewed=1, high_risk=1, mean_score=40.0
        ),
        cards=cards,
        top_changes=changes,
    )


def make_narrative(
    payload: BriefingPayload,
    *,
    hostile: bool = False,
    source: str = "deterministic",
    model: str | None = None,
    skip: tuple[str, ...] = (),
) -> Narrative:
    """A narrative with a paragraph for every card of ``payload`` except those in ``skip``."""
    return Narrative.model_validate(
        {
            "headline": _text("Risk is concentrating in checkout", hostile),
            "paragraphs": tuple(
                CardParagraph(
                    card_id=c.id,
                    text=_text(f"Paragraph for {c.id}.", hostile),
                    action=None
                    if c.severity is Severity.INFO
                    else _text(f"Review the payment retries change for {c.id}", hostile),
                )
                for c in payload.cards
                if c.id not in skip
            ),
            "source": source,
            "model": model,
        }
    )


def make_incident(key: str, minutes: float | None = 40.0) -> IncidentView:
    """An incident ``key`` of checkout opened Wed 18 Nov 10:00 UTC that followed no deploy,
    resolved ``minutes`` later (``None``: still open)."""
    opened = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
    return IncidentView(
        id=key,
        service="checkout",
        title="Checkout 500s",
        opened_at=opened,
        resolved_at=None if minutes is None else opened + timedelta(minutes=minutes),
        minutes_to_resolve=minutes,
        deploy=None,
        deploy_band=None,
        after_high_risk_deploy=False,
    )
