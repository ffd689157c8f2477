"""Walks the twelve weeks and draws each part of the plan from one stream, in a fixed order."""

from __future__ import annotations

from data.sources.sample import stories, traffic
from data.sources.sample.clock import LATEST_WEEK, SAMPLE_WEEKS
from data.sources.sample.codebase import SERVICES
from data.sources.sample.draws import Draws
from data.sources.sample.people import COPILOT, DEVIN
from data.sources.sample.plan import ChangePlan, DeployPlan, Plan
from data.sources.sample.timetable import INCIDENTS, LATEST_CHANGES, WEEKLY_CHANGES

__all__ = ["plan_sample"]


def plan_sample(seed: int) -> Plan:
    """Every change, deploy and incident of the twelve weeks."""
    draws = Draws(seed)
    rng = draws.rng
    changes: list[ChangePlan] = []
    deploys: list[DeployPlan] = []
    for week in range(SAMPLE_WEEKS):
        latest = week == LATEST_WEEK
        for service in SERVICES:
            n = LATEST_CHANGES[service] if latest else rng.randint(*WEEKLY_CHANGES[service])
            changes += [traffic.ordinary(draws, week, service) for _ in range(n)]
        copilot = rng.choice((1, 2))
        if not latest:
            for _ in range(copilot):
                service = rng.choice(("search", "notifications"))
                changes.append(traffic.agent_reviewed(draws, week, COPILOT, service))
        devin = rng.choice(("payments", "checkout", "search"))
        # In the latest week Devin stays out of payments, whose share the ledger story sets.
        changes.append(traffic.agent_reviewed(draws, week, DEVIN, "search" if latest else devin))
        if latest:
            changes += (
                stories.ledger(draws) + stories.friday(draws) + stories.agent_unreviewed(draws)
            )
        else:
            changes.append(traffic.self_merged_infra(draws, week, "infra"))
            changes.append(traffic.self_merged_infra(draws, week, "identity"))
        for service in SERVICES:
            deploys += traffic.deploys(draws, week, service)
    return Plan(tuple(changes), tuple(deploys), INCIDENTS)
