"""A git-only organisation of steady weeks: who works where, what a week of PRs looks like.

Three teams of four engineers own two services each in one monorepo
(``<service>/…``, tests under ``<service>/tests/``, CODEOWNERS in
``.github/``). A working day brings each service 0–2 PRs of a few dozen lines
(log-normal sizes), merged with GitHub's merge commits; Copilot (IDE trailer
and coding agent) and Claude Code make some of them and Dependabot bumps
manifests. Every service deploys at 11:00 and 16:00 UTC on working days, and
one to three incidents a week follow a deploy and are resolved in 30–45
minutes. One week holds a public holiday. Stories (``bench.scenarios.stories``)
change the last week or two of such a plan.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

__all__ = [
    "AGENTS",
    "FIRST_MONDAY",
    "HOLIDAY",
    "SERVICES",
    "TEAMS",
    "WEEKS",
    "Deploy",
    "Incident",
    "OrgPlan",
    "Pr",
    "monday",
    "steady_plan",
]

# 14 ISO weeks, 2026-W34 … 2026-W47; the stories happen in the last one (index 13).
FIRST_MONDAY = date(2026, 8, 17)
WEEKS = 14
# A Thursday in week index 7: merges on it and the day before are thin-cover timing.
HOLIDAY = FIRST_MONDAY + timedelta(weeks=7, days=3)

TEAMS: dict[str, tuple[str, ...]] = {
    "commerce": ("checkout", "payments"),
    "discovery": ("search", "catalog"),
    "platform": ("identity", "infra"),
}
SERVICES: dict[str, str] = {s: team for team, services in TEAMS.items() for s in services}
_NAMES = {
    "commerce": ("Ada Lovelace", "Bo Chen", "Cy Okafor", "Di Park"),
    "discovery": ("Eve Novak", "Finn Berg", "Gia Russo", "Hal Idris"),
    "platform": ("Ivy Mendes", "Jon Sato", "Kai Moreau", "Lea Haas"),
}
PEOPLE: dict[str, tuple[str, ...]] = {
    team: tuple(f"{n} <{n.split()[0].lower()}@acme.example>" for n in names)
    for team, names in _NAMES.items()
}

# How each agent's or bot's work shows up in a history, as the tools write it.
AGENTS = {
    "copilot": "Co-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>",
    "copilot_agent": "Copilot <198982749+Copilot@users.noreply.github.com>",
    "claude": (
        "🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\n"
        "Co-Authored-By: Claude Sonnet 4.6 <noreply@anthropic.com>"
    ),
    "dependabot": "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>",
}

_VERBS = ("Add", "Fix", "Refactor", "Tune", "Handle", "Clean up", "Speed up", "Log")
_NOUNS = ("retries", "pagination", "cache keys", "timeouts", "validation", "metrics", "errors")
_MODULES = ("api", "core", "store", "client", "handlers", "models", "jobs", "util")


def monday(week: int) -> date:
    """The Monday of week index ``week``."""
    return FIRST_MONDAY + timedelta(weeks=week)


def _at(day: date, hour: float) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(hours=hour)


@dataclass
class Pr:
    """A pull request as the history will hold it."""

    number: int
    service: str
    author: str
    files: dict[str, tuple[int, int]]
    merged_at: datetime
    title: str
    # human, copilot, copilot_agent, claude or dependabot
    kind: str = "human"
    # The PR whose merge this one reverts, with GitHub's Revert button.
    revert_of: int | None = None

    @property
    def branch(self) -> str:
        """The head branch name, as each tool names it."""
        if self.kind == "dependabot":
            return f"dependabot/pip/{self.service}/lib-{self.number}"
        if self.kind == "copilot_agent":
            return f"copilot/fix-{self.number}"
        if self.revert_of is not None:
            return f"revert-{self.revert_of}-topic-{self.revert_of}"
        return f"topic-{self.number}"


@dataclass(frozen=True, slots=True)
class Deploy:
    """A production deploy in the deploys file."""

    key: str
    service: str
    finished_at: datetime
    status: str = "success"


@dataclass(frozen=True, slots=True)
class Incident:
    """An incident in the incidents file."""

    key: str
    service: str
    title: str
    opened_at: datetime
    resolved_at: datetime


@dataclass
class OrgPlan:
    """Everything one organisation's files and history will hold."""

    seed: int
    prs: list[Pr] = field(default_factory=list)
    deploys: list[Deploy] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    # (when, CODEOWNERS text) commits pushed straight to main; the first one seeds the repo.
    codeowners: list[tuple[datetime, str]] = field(default_factory=list)
    holidays: tuple[date, ...] = (HOLIDAY,)
    numbers: int = 100
    # Median lines of an ordinary PR (log-normal, σ = 1).
    pr_median: float = 30.0
    # How many times busier than the default a service's working day is (its ordinary PRs).
    volume: float = 1.0

    def next_number(self) -> int:
        """A fresh PR number."""
        self.numbers += 1
        return self.numbers


def codeowners_text(services: tuple[str, ...]) -> str:
    """A CODEOWNERS file giving each of ``services`` to its team."""
    lines = ["# Each service belongs to the team that runs it."]
    lines += [f"/{s}/ @acme/{SERVICES[s]}" for s in services]
    return "\n".join(lines) + "\n"


def small_files(
    rng: random.Random, service: str, *, median: float = 30.0
) -> dict[str, tuple[int, int]]:
    """A usual PR's files: one to three modules of the service, a test half the time."""
    files: dict[str, tuple[int, int]] = {}
    total = max(1, min(400, round(rng.lognormvariate(math.log(median), 1.0))))
    modules = rng.sample(_MODULES, rng.choice((1, 1, 2, 3)))
    for i, module in enumerate(modules):
        added = max(1, total // len(modules))
        files[f"{service}/{module}.py"] = (added, rng.randint(0, added // 2) if i else 0)
    if rng.random() < 0.5:
        files[f"{service}/tests/test_{modules[0]}.py"] = (max(1, total // 3), 0)
    return files


def big_files(
    rng: random.Random, service: str, lines: tuple[int, int], files: tuple[int, int]
) -> dict[str, tuple[int, int]]:
    """A rewrite: ``lines`` added in ``files`` new and changed files across the service."""
    n = rng.randint(*files)
    total = rng.randint(*lines)
    out: dict[str, tuple[int, int]] = {}
    for i in range(n):
        sub = rng.choice(("api", "core", "store", "jobs"))
        out[f"{service}/{sub}/part_{rng.randint(1, 40)}_{i}.py"] = (max(1, total // n), 0)
    return out


def _title(rng: random.Random) -> str:
    return f"{rng.choice(_VERBS)} {rng.choice(_NOUNS)}"


def human_pr(
    plan: OrgPlan,
    rng: random.Random,
    service: str,
    at: datetime,
    *,
    files: dict[str, tuple[int, int]] | None = None,
    author: str | None = None,
    kind: str = "human",
    title: str | None = None,
) -> Pr:
    """A PR in ``service`` merged at ``at``, by its team unless told otherwise."""
    team = SERVICES[service]
    if author is None:
        pool = PEOPLE[team] if rng.random() < 0.9 else PEOPLE[rng.choice(list(TEAMS))]
        author = rng.choice(pool)
    pr = Pr(
        plan.next_number(),
        service,
        author,
        files if files is not None else small_files(rng, service, median=plan.pr_median),
        at,
        title or f"{_title(rng)} in {service}",
        kind,
    )
    plan.prs.append(pr)
    return pr


def _working_days(week: int, holidays: tuple[date, ...]) -> list[date]:
    return [d for i in range(5) if (d := monday(week) + timedelta(days=i)) not in holidays]


def _day_prs(rng: random.Random, volume: float) -> int:
    """A service's ordinary PRs on a working day: 0–2, one on most days, times ``volume``.

    At the default volume this is the draw it always was, so a seed plans what it did.
    """
    n = rng.choice((0, 1, 1, 1, 2))
    if volume == 1.0:
        return n
    # Scaled and rounded at random, so that the mean is ``volume`` times the default's.
    scaled = n * volume
    whole = int(scaled)
    return whole + (1 if rng.random() < scaled - whole else 0)


def steady_week(plan: OrgPlan, rng: random.Random, week: int) -> None:
    """One ordinary week: PRs, agents, a bot, deploys twice a day and 1–3 quick incidents."""
    days = _working_days(week, plan.holidays)
    if len(days) < 5:
        # A holiday week: the day before and after are half empty too.
        days = [d for d in days if rng.random() < 0.6] or days[:1]
    for day in days:
        for service in SERVICES:
            for _ in range(_day_prs(rng, plan.volume)):
                human_pr(plan, rng, service, _at(day, rng.uniform(9.5, 17.0)))
    for kind in ("copilot", "copilot", "copilot_agent", "claude"):
        service = rng.choice(list(SERVICES))
        pr = human_pr(plan, rng, service, _at(rng.choice(days), rng.uniform(9.5, 17.0)))
        pr.kind = kind
    if rng.random() < 0.8:
        service = rng.choice(list(SERVICES))
        human_pr(
            plan,
            rng,
            service,
            _at(rng.choice(days), 6.0),
            files={f"{service}/requirements.txt": (1, 1)},
            author=AGENTS["dependabot"],
            kind="dependabot",
            title=f"Bump lib-{rng.randint(1, 9)} from 1.{rng.randint(0, 9)} "
            f"to 1.{rng.randint(10, 19)}",
        )
    for day in _working_days(week, plan.holidays):
        for service in SERVICES:
            for hour in (11, 16):
                key = f"deploy-{service}-{day.isoformat()}-{hour}"
                plan.deploys.append(Deploy(key, service, _at(day, hour)))
    for i in range(rng.randint(1, 3)):
        day = rng.choice(days)
        service = rng.choice(list(SERVICES))
        opened = _at(day, rng.uniform(12.0, 15.5))
        incident(plan, service, opened, rng.uniform(30, 45), f"INC-{week:02d}{i}")


def incident(plan: OrgPlan, service: str, opened: datetime, minutes: float, key: str) -> Incident:
    """An incident of ``service`` opened at ``opened`` and resolved ``minutes`` later."""
    found = Incident(
        key, service, f"Errors in {service}", opened, opened + timedelta(minutes=minutes)
    )
    plan.incidents.append(found)
    return found


def steady_plan(
    seed: int, weeks: int = WEEKS, pr_median: float = 30.0, volume: float = 1.0
) -> OrgPlan:
    """An organisation's ``weeks`` steady weeks, the same for the same seed and shape."""
    if volume <= 0:
        raise ValueError("a volume is a positive multiple of the default's PRs a day")
    rng = random.Random(seed)
    plan = OrgPlan(seed, pr_median=pr_median, volume=volume)
    plan.codeowners.append(
        (_at(FIRST_MONDAY - timedelta(days=30), 9), codeowners_text(tuple(SERVICES)))
    )
    for week in range(weeks):
        steady_week(plan, rng, week)
    return plan
