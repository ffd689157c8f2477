"""The whole pipeline on each backend: the same store content gives the same briefings."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.composition.compose import compose_all
from bot.composition.pipeline import score_all
from briefing.week import IsoWeek
from data.sample_load import load_sample
from data.sources.sample import sample_org_config
from data.store.engine import session_scope
from data.store.org import sync_org
from data.store.tables import Subscriber

AS_OF = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_sample_briefings_on_each_backend(engine: Engine) -> None:
    """SQLite and PostgreSQL store, score and brief the sample organisation identically."""
    org = sample_org_config()
    with session_scope(engine) as session:
        sync_org(session, org)
    load_sample(engine, org, as_of=date(2026, 11, 23))
    with session_scope(engine) as session:
        summary = score_all(session, org)
        subscribers = list(session.exec(select(Subscriber).order_by(col(Subscriber.id))))
        done = compose_all(
            session, org, [(s, IsoWeek.last_complete(AS_OF, s.timezone)) for s in subscribers]
        )
    assert summary.changes == 422
    cards = {c.subscriber.key: [(k.id, k.severity) for k in c.payload.cards] for c in done}
    assert cards["vp-engineering"] == [
        ("concentration:payments", "critical"),
        ("incident:INC-1039", "critical"),
        ("agent:unreviewed", "critical"),
        ("spent_budget", "warning"),
        ("improvement:platform", "info"),
    ]
    # One story, one card: the MTTR rise is INC-1039's, the coverage drop is Payments'.
    folded = {c.id: c.folded for c in done[0].payload.cards}
    assert folded["incident:INC-1039"] == ("mttr",)
    assert folded["concentration:payments"] == ("codeowners",)
    assert [c.payload.severity_counts.line() for c in done] == [
        "3 critical · 1 warning · 1 info",
        "2 critical · 0 warning · 0 info",
        "1 critical · 1 warning · 0 info",
        "0 critical · 0 warning · 1 info",
    ]
    # The sample's budgets: Notifications burned fastest, then Checkout (its incident); Search's
    # steady pace is no news. Each scope names only its own services.
    burns = {
        c.subscriber.key: [(b.name, b.burned_percent, b.burn_rate) for b in c.payload.budget_burns]
        for c in done
    }
    assert burns == {
        "vp-engineering": [("Notifications", 50, 2.3), ("Checkout", 29, 1.3)],
        "commerce-lead": [("Checkout", 29, 1.3)],
        "discovery-lead": [("Notifications", 50, 2.1)],
        "platform-lead": [],
    }
    vp = done[0].payload
    assert vp.metrics.codeowners_coverage == 74.2
    assert vp.agents.unreviewed == 4
    assert vp.agents.unreviewed_share == 80.0
