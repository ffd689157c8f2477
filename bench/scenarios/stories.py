"""The planted stories: what each does to a steady organisation, and the card it should make.

Each story is designed from the README's card rules, not from the scorer's
numbers: a manager would want to hear of it, and the rule that should say so
and at which severity is named beside it. Stories happen in the last week
(index 13); an improvement needs a bad week before it (index 12).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bench.scenarios.org import (
    PEOPLE,
    SERVICES,
    TEAMS,
    Deploy,
    OrgPlan,
    Pr,
    big_files,
    codeowners_text,
    human_pr,
    incident,
    monday,
    small_files,
)
from scoring.card_terms import CardKind, Severity

__all__ = ["STORIES", "Expect", "Story"]

LAST = 13


@dataclass(frozen=True, slots=True)
class Expect:
    """A card the story should make in the whole-organisation briefing of the last week."""

    kind: CardKind
    severity: Severity
    # The service or team the card is about, when it is about one.
    subject: str | None = None


@dataclass(frozen=True, slots=True)
class Story:
    """One planted story: a name, what it does to the plan, the cards and services it concerns."""

    name: str
    plant: Callable[[OrgPlan, random.Random], None]
    expect: tuple[Expect, ...]
    # The services the story happens in: subscribers without them must not hear of it.
    services: tuple[str, ...]
    # Weeks the story changes besides the last one (not steady weeks then).
    also_weeks: tuple[int, ...] = ()
    # Titles of changes the whole-org briefing of the last week must name among its
    # very-high-risk changes, under a headline that does not call the week quiet.
    named: tuple[str, ...] = ()


def _at(week: int, day: int, hour: float) -> datetime:
    d = monday(week) + timedelta(days=day)
    return datetime(d.year, d.month, d.day, tzinfo=UTC) + timedelta(hours=hour)


def _outsider(rng: random.Random, service: str) -> str:
    others = [t for t in TEAMS if t != SERVICES[service]]
    return rng.choice(PEOPLE[rng.choice(others)])


def _clear_incidents(plan: OrgPlan, week: int) -> None:
    start, end = _at(week, 0, 0), _at(week + 1, 0, 0)
    plan.incidents = [i for i in plan.incidents if not start <= i.opened_at < end]


def _rewrites(plan: OrgPlan, rng: random.Random, service: str, n: int, week: int = LAST) -> None:
    """``n`` large rewrites of ``service`` by engineers of other teams."""
    for i in range(n):
        human_pr(
            plan,
            rng,
            service,
            _at(week, 1 + i % 3, 10 + i),
            files=big_files(rng, service, (700, 1600), (12, 24)),
            author=_outsider(rng, service),
            title=f"Rewrite {service} storage layer, part {i + 1}",
        )


def concentration(plan: OrgPlan, rng: random.Random) -> None:
    """Payments is taken over by five large rewrites from outside its team."""
    _rewrites(plan, rng, "payments", 5)


def org_shift(plan: OrgPlan, rng: random.Random) -> None:
    """Every service gets one large change: the whole organisation moved to bigger work."""
    for i, service in enumerate(SERVICES):
        human_pr(
            plan,
            rng,
            service,
            _at(LAST, i % 4, 11 + i % 5),
            files=big_files(rng, service, (700, 1400), (10, 18)),
            title=f"Migrate {service} to the new client",
        )


def _risky_deploy_incident(plan: OrgPlan, rng: random.Random, service: str) -> None:
    """A schema migration merged at 10:00 ships at 11:00; an incident opens at 12:30."""
    files = big_files(rng, service, (300, 600), (5, 9))
    files[f"{service}/migrations/0042_add_orders_index.py"] = (40, 0)
    human_pr(plan, rng, service, _at(LAST, 2, 10), files=files, title="Add orders index")
    _clear_incidents(plan, LAST)
    incident(plan, service, _at(LAST, 2, 12.5), 40, f"INC-{service}-migration")
    incident(plan, "infra" if service != "infra" else "search", _at(LAST, 3, 14), 35, "INC-other")


def incident_after_risky_deploy(plan: OrgPlan, rng: random.Random) -> None:
    """Checkout's migration goes out and checkout breaks ninety minutes later."""
    _risky_deploy_incident(plan, rng, "checkout")


def _slow_incidents(plan: OrgPlan, rng: random.Random, week: int, minutes: tuple[int, int]) -> None:
    _clear_incidents(plan, week)
    for i, service in enumerate(("checkout", "search", "identity")):
        opened = _at(week, 1 + i, 13)
        incident(plan, service, opened, rng.uniform(*minutes), f"INC-{week}-{service}")


def mttr_jump(plan: OrgPlan, rng: random.Random) -> None:
    """Three incidents take three hours each to resolve, after a week of 30–45 minutes."""
    _slow_incidents(plan, rng, LAST - 1, (30, 45))
    _slow_incidents(plan, rng, LAST, (150, 200))


def mttr_improved(plan: OrgPlan, rng: random.Random) -> None:
    """A week of three-hour incidents, then back to half an hour."""
    _slow_incidents(plan, rng, LAST - 1, (150, 200))
    _slow_incidents(plan, rng, LAST, (30, 40))


def _fail_deploys(plan: OrgPlan, week: int, n: int) -> None:
    start, end = _at(week, 0, 0), _at(week + 1, 0, 0)
    in_week = [i for i, d in enumerate(plan.deploys) if start <= d.finished_at < end]
    for i in in_week[1 : 1 + 3 * n : 3][:n]:
        d = plan.deploys[i]
        plan.deploys[i] = Deploy(d.key, d.service, d.finished_at, "failure")


def cfr_jump(plan: OrgPlan, _rng: random.Random) -> None:
    """Nine deploys fail in a week that usually has none."""
    _fail_deploys(plan, LAST, 9)


def cfr_improved(plan: OrgPlan, _rng: random.Random) -> None:
    """A week of nine failed deploys, then none."""
    _fail_deploys(plan, LAST - 1, 9)


def team_improved(plan: OrgPlan, rng: random.Random) -> None:
    """Discovery made seven large changes the week before, and none this week."""
    for i in range(7):
        service = ("search", "catalog")[i % 2]
        human_pr(
            plan,
            rng,
            service,
            _at(LAST - 1, i % 5, 10 + i % 6),
            files=big_files(rng, service, (700, 1400), (12, 20)),
            author=rng.choice(PEOPLE["discovery"]),
            title=f"Rework {service} ranking, step {i + 1}",
        )


def release_reverted(plan: OrgPlan, rng: random.Random) -> None:
    """Search's big release ships on Tuesday and is reverted with GitHub's button next morning."""
    release = human_pr(
        plan,
        rng,
        "search",
        _at(LAST, 1, 10),
        files=big_files(rng, "search", (1000, 1600), (16, 24)),
        author=rng.choice(PEOPLE["discovery"]),
        title="Search relevance v2",
    )
    revert = Pr(
        plan.next_number(),
        "search",
        rng.choice(PEOPLE["discovery"]),
        {path: (0, added) for path, (added, _) in release.files.items()},
        _at(LAST, 2, 9.5),
        f'Revert "{release.title}"',
        revert_of=release.number,
    )
    plan.prs.append(revert)


def codeowners_drop(plan: OrgPlan, _rng: random.Random) -> None:
    """Monday morning's CODEOWNERS clean-up drops catalog and identity."""
    kept = tuple(s for s in SERVICES if s not in ("catalog", "identity"))
    plan.codeowners.append((_at(LAST, 0, 7), codeowners_text(kept)))


def agent_surge(plan: OrgPlan, rng: random.Random) -> None:
    """Coding agents open and land twelve mid-sized PRs across the services."""
    for i in range(12):
        service = list(SERVICES)[i % len(SERVICES)]
        human_pr(
            plan,
            rng,
            service,
            _at(LAST, i % 5, 10 + i % 7),
            files=small_files(rng, service, median=150),
            kind=("copilot_agent", "claude")[i % 2],
            title=f"Implement {service} feature flag {i}",
        )


def two_stories(plan: OrgPlan, rng: random.Random) -> None:
    """Payments is taken over by outside rewrites, and identity's migration breaks identity."""
    _rewrites(plan, rng, "payments", 5)
    _risky_deploy_incident(plan, rng, "identity")


_ROUTINE_MIGRATION = "Add a column to the orders table"


def _migration(
    plan: OrgPlan, rng: random.Random, service: str, week: int, n: int, title: str
) -> None:
    """A small schema migration of ``service`` by its own team, merged mid-morning."""
    files = {
        f"{service}/migrations/{n:04d}_routine.py": (rng.randint(12, 30), 0),
        f"{service}/models.py": (rng.randint(3, 12), rng.randint(0, 3)),
    }
    human_pr(
        plan,
        rng,
        service,
        _at(week, rng.choice((0, 1, 2, 3)), rng.uniform(9.5, 10.5)),
        files=files,
        author=rng.choice(PEOPLE[SERVICES[service]]),
        title=title,
    )


def routine_migrations(plan: OrgPlan, rng: random.Random) -> None:
    """Checkout and identity migrate their schemas every week or two, as teams with a
    database do; the last week's migration is one more of them."""
    n = 1
    for week in range(LAST):
        for service in ("checkout", "identity"):
            if rng.random() < 0.6:
                _migration(plan, rng, service, week, n, f"Migrate {service} schema, step {n}")
                n += 1
    _migration(plan, rng, "checkout", LAST, n, _ROUTINE_MIGRATION)


def busy_deploys(plan: OrgPlan, rng: random.Random) -> None:
    """Every service deploys four times a working day for the last five weeks and hourly in
    the last one; incidents come and go as usual, each after one of many ordinary deploys."""
    start = _at(LAST - 4, 0, 0)
    plan.deploys = [d for d in plan.deploys if d.finished_at < start]
    for week in range(LAST - 4, LAST + 1):
        hours = range(9, 18) if week == LAST else (10, 12, 14, 16)
        for day in range(5):
            d = monday(week) + timedelta(days=day)
            if d in plan.holidays:
                continue
            for service in SERVICES:
                for hour in hours:
                    key = f"deploy-{service}-{d.isoformat()}-{hour}"
                    plan.deploys.append(Deploy(key, service, _at(week, day, hour)))
        # A few more quick incidents in a busy week, each some hours after a deploy.
        for i in range(rng.randint(1, 3)):
            service = rng.choice(list(SERVICES))
            incident(
                plan,
                service,
                _at(week, rng.randint(0, 4), rng.uniform(12, 15.5)),
                35,
                f"INC-b{week}{i}",
            )


def holiday_week(plan: OrgPlan, _rng: random.Random) -> None:
    """A second holiday in the last week: fewer changes, nothing a manager must hear."""
    plan.holidays = (*plan.holidays, (monday(LAST) + timedelta(days=3)))


STORIES: tuple[Story, ...] = (
    Story(
        "concentration",
        concentration,
        (Expect(CardKind.CONCENTRATION, Severity.CRITICAL, "payments"),),
        ("payments",),
    ),
    Story(
        "org-wide shift", org_shift, (Expect(CardKind.SHIFT, Severity.WARNING),), tuple(SERVICES)
    ),
    Story(
        "incident after a risky deploy",
        incident_after_risky_deploy,
        (Expect(CardKind.INCIDENT, Severity.CRITICAL, "checkout"),),
        ("checkout",),
    ),
    Story(
        "MTTR jump",
        mttr_jump,
        (Expect(CardKind.MTTR, Severity.CRITICAL),),
        ("checkout", "search", "identity"),
        (12,),
    ),
    Story(
        "MTTR improved",
        mttr_improved,
        (Expect(CardKind.MTTR_IMPROVED, Severity.INFO),),
        ("checkout", "search", "identity"),
        (12,),
    ),
    Story("CFR jump", cfr_jump, (Expect(CardKind.CFR, Severity.WARNING),), tuple(SERVICES)),
    Story(
        "CFR improved",
        cfr_improved,
        (Expect(CardKind.CFR_IMPROVED, Severity.INFO),),
        tuple(SERVICES),
        (12,),
    ),
    Story(
        "team improved",
        team_improved,
        (Expect(CardKind.IMPROVEMENT, Severity.INFO, "discovery"),),
        ("search", "catalog"),
        (12,),
    ),
    Story(
        "release reverted",
        release_reverted,
        (Expect(CardKind.INCIDENT, Severity.CRITICAL, "search"),),
        ("search",),
    ),
    Story(
        "CODEOWNERS coverage drop",
        codeowners_drop,
        (Expect(CardKind.CODEOWNERS, Severity.CRITICAL),),
        ("catalog", "identity"),
    ),
    Story(
        "agent surge",
        agent_surge,
        (Expect(CardKind.AGENT_SURGE, Severity.WARNING),),
        tuple(SERVICES),
    ),
    Story(
        "two stories in one week",
        two_stories,
        (
            Expect(CardKind.CONCENTRATION, Severity.CRITICAL, "payments"),
            Expect(CardKind.INCIDENT, Severity.CRITICAL, "identity"),
        ),
        ("payments", "identity"),
    ),
    Story("holiday week", holiday_week, (), ()),
    # Steady organisations of a kind the others lack: nothing in their last week is news,
    # but a routine migration is still named among the very-high-risk changes.
    Story(
        "routine migration",
        routine_migrations,
        (),
        ("checkout",),
        named=(_ROUTINE_MIGRATION,),
    ),
    Story("busy deploy week", busy_deploys, (), ()),
)
