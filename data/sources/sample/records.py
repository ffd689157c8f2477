"""Acme's plan as the records a source reports: people, changes, deploys, incidents, spent
error budgets and samples of the budget left."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from data.deploy_rule import DeployRule, FoundBy
from data.source_values import (
    SourceBudgetSample,
    SourceChange,
    SourceChangeFile,
    SourceDeploy,
    SourceErrorBudget,
    SourceIncident,
    SourcePerson,
    SourceReview,
)
from data.sources.sample.budgets import sample_budget_samples
from data.sources.sample.clock import DAY, LATEST_WEEK, sample_week_starts, when
from data.sources.sample.codebase import SAMPLE_REPOSITORY, owners
from data.sources.sample.people import AGENT_NAMES, ENGINEERS, SAMPLE_AGENTS
from data.sources.sample.plan import ChangePlan
from data.sources.sample.planner import plan_sample
from scoring.change_key import ChangeKey

__all__ = ["SAMPLE_SEED", "SampleRecords", "sample_records"]

SAMPLE_SEED = 7
_FIRST_PR_NUMBER = 4101
_FIRST_INCIDENT_NUMBER = 1031
# The services whose deploys the demo shows as found by an Argo CD application's syncs
# (docs/sources.md, "Argo CD"), the rest by the plan itself; only what found them differs.
_ARGOCD_APPLICATIONS = {"search": "search-prod"}


# The spans in which a service had spent its error budget, as an SLO source reports them:
# ``(service, week, from, until)``, minutes from the week's Monday. Notifications spends its
# budget on the latest Wednesday around noon and ships its 13:10 deploy into it; no change of
# it merges before the budget is restored (its next one merges at 19:10), so the demo tells
# a deploy of a spent budget and nothing else moves.
_SPENT_BUDGETS: tuple[tuple[str, int, int, int], ...] = (
    ("notifications", LATEST_WEEK, when(2, 11, 50), when(2, 17, 30)),
)


def _found_by(service: str) -> FoundBy:
    """What found a planned deploy of ``service``, as the demo says it."""
    app = _ARGOCD_APPLICATIONS.get(service)
    return FoundBy(DeployRule.ARGOCD_APPLICATION, app) if app else FoundBy(DeployRule.SAMPLE)


def _change_record(
    key: str, c: ChangePlan, at: Callable[[int, int], datetime], tagged: Mapping[str, str]
) -> SourceChange:
    """A planned pull request as the GitHub source would report it."""
    parsed = ChangeKey.parse(key)
    # The plan keys every change as a pull request of the sample repository.
    number = parsed.number if parsed is not None else None
    assert number is not None, key
    slug = "-".join(c.title.lower().replace('"', "").split()[:5])
    return SourceChange(
        key=key,
        repository=SAMPLE_REPOSITORY,
        author=c.author,
        merged_at=at(c.week, c.merged),
        title=c.title,
        number=number,
        sha=c.sha,
        url=f"https://github.com/{SAMPLE_REPOSITORY}/pull/{number}",
        merged_by=c.merged_by,
        opened_at=at(c.week, c.opened),
        base_branch="main",
        head_branch=f"{c.author.removesuffix('[bot]')}/{slug}",
        labels=tuple(c.labels),
        files=tuple(
            SourceChangeFile(f.path, f.added, f.deleted, f.change_type, tuple(owners(f.path)))
            for f in c.files
        ),
        reviews=tuple(
            SourceReview(r.reviewer, r.state, at(c.week, r.minute), r.comments) for r in c.reviews
        ),
        review_comments=sum(r.comments for r in c.reviews),
        ci_status="success",
        is_revert=c.is_revert,
        is_hotfix=c.is_hotfix,
        reverts_key=tagged[c.reverts_tag] if c.reverts_tag else None,
    )


@dataclass(frozen=True, slots=True)
class SampleRecords:
    """Acme's history as a source reports it: people, changes, deploys, incidents, the spans
    in which a service had spent its error budget and samples of the budget left."""

    people: tuple[SourcePerson, ...]
    changes: tuple[SourceChange, ...]
    deploys: tuple[SourceDeploy, ...]
    incidents: tuple[SourceIncident, ...]
    error_budgets: tuple[SourceErrorBudget, ...] = ()
    budget_samples: tuple[SourceBudgetSample, ...] = ()


def sample_records(as_of: date, seed: int = SAMPLE_SEED) -> SampleRecords:
    """The records of twelve weeks ending with the last complete ISO week before ``as_of``."""
    plan = plan_sample(seed)
    starts = sample_week_starts(as_of)

    def at(week: int, minute: int) -> datetime:
        return starts[week] + timedelta(minutes=minute)

    # PR numbers follow the order PRs were opened in, as on GitHub.
    ordered = sorted(
        enumerate(plan.changes), key=lambda ic: (ic[1].week * 7 * DAY + ic[1].opened, ic[0])
    )
    keys: dict[int, str] = {}
    tagged: dict[str, str] = {}
    for n, (i, c) in enumerate(ordered):
        keys[i] = str(ChangeKey.pull(SAMPLE_REPOSITORY, _FIRST_PR_NUMBER + n))
        if c.tag:
            tagged[c.tag] = keys[i]
    changes = tuple(_change_record(keys[i], c, at, tagged) for i, c in enumerate(plan.changes))
    deploys = tuple(
        SourceDeploy(
            key=f"deploy:{d.service}:{at(d.week, d.finished):%Y-%m-%dT%H:%M}",
            service=d.service,
            finished_at=at(d.week, d.finished),
            environment="production",
            sha=d.sha,
            started_at=at(d.week, d.finished) - timedelta(minutes=d.minutes),
            status=d.status,
            source="sample",
            found_by=_found_by(d.service),
        )
        for d in plan.deploys
    )
    ordered_incidents = sorted(plan.incidents, key=lambda i: (i.week, i.opened))
    incidents = tuple(
        SourceIncident(
            key=f"INC-{_FIRST_INCIDENT_NUMBER + n}",
            service=inc.service,
            opened_at=at(inc.week, inc.opened),
            title=inc.title,
            resolved_at=at(inc.week, inc.opened) + timedelta(minutes=inc.minutes),
            severity=inc.severity,
            source="sample",
        )
        for n, inc in enumerate(ordered_incidents)
    )
    # Named before any change names them, engineers then agents, so person ids (and
    # every tie broken by them) stay what they were when the sample wrote its own rows.
    people = tuple(SourcePerson(e.login, e.name) for e in ENGINEERS) + tuple(
        SourcePerson(login, AGENT_NAMES[login]) for login in SAMPLE_AGENTS
    )
    error_budgets = tuple(
        SourceErrorBudget(
            key=f"{service}@{at(week, start).isoformat()}",
            service=service,
            exhausted_at=at(week, start),
            restored_at=at(week, end),
            source="sample",
        )
        for service, week, start, end in _SPENT_BUDGETS
    )
    samples = sample_budget_samples(at)
    return SampleRecords(people, changes, deploys, incidents, error_budgets, samples)
