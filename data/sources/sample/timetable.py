"""The fixed timetable the random draws fill in: incidents, failed deploys and PR volumes."""

from __future__ import annotations

from data.sources.sample.clock import LATEST_WEEK, when
from data.sources.sample.plan import IncidentPlan

__all__ = ["FAILED_DEPLOYS", "INCIDENTS", "LATEST_CHANGES", "WEEKLY_CHANGES"]

# Steady weeks have an incident now and then, resolved in 35-60 minutes and never
# in two weeks in a row with very different durations (MTTR stays flat). The last
# two are the planted stories: hours to resolve, one after a Friday deploy.
INCIDENTS: tuple[IncidentPlan, ...] = (
    IncidentPlan(
        1, "notifications", when(2, 14, 10), 42, "Push notifications delayed for iOS", "sev3", 95
    ),
    IncidentPlan(
        3, "search", when(1, 11, 30), 47, "Search results missing newly listed products", "sev3", 80
    ),
    IncidentPlan(
        4, "payments", when(3, 11, 50), 51, "Refund webhooks delivered twice", "sev2", 110
    ),
    IncidentPlan(
        6, "checkout", when(2, 16, 20), 38, "Promo codes rejected at checkout", "sev2", 75
    ),
    IncidentPlan(8, "notifications", when(1, 13, 15), 55, "Weekly digest sent twice", "sev3", 100),
    IncidentPlan(
        10, "payments", when(1, 11, 5), 38, "Card authorisations timing out on Adyen", "sev2", 85
    ),
    IncidentPlan(
        10,
        "checkout",
        when(3, 14, 20),
        43,
        "Cart totals missing shipping for EU orders",
        "sev2",
        90,
    ),
    IncidentPlan(
        LATEST_WEEK,
        "search",
        when(2, 11, 40),
        215,
        "Search latency above 2 s after the index rebuild",
        "sev2",
        95,
    ),
    # The Friday story: the deploy 95 minutes before it is checkout's 15:35 UTC deploy.
    IncidentPlan(
        LATEST_WEEK,
        "checkout",
        when(4, 17, 10),
        255,
        "Orders stuck in 'payment pending' after confirmation",
        "sev1",
        95,
    ),
)

# One failed production deploy (and its retry) now and then, never next to a week
# with incidents in it, so the change failure rate stays flat.
FAILED_DEPLOYS: tuple[tuple[int, str], ...] = ((2, "search"), (5, "checkout"), (7, "infra"))

# Ordinary changes per service per steady week (low, high). Platform's two
# self-merged infrastructure PRs a week come on top.
WEEKLY_CHANGES = {
    "payments": (5, 7),
    "checkout": (5, 7),
    "search": (5, 6),
    "notifications": (4, 5),
    "identity": (4, 5),
    "infra": (3, 4),
}
LATEST_CHANGES = {
    "payments": 4,
    "checkout": 5,
    "search": 5,
    "notifications": 4,
    "identity": 6,
    "infra": 5,
}
