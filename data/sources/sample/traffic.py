"""Every week's steady traffic: routine PRs, agents' PRs, platform's infra PRs, deploys.

The platform team self-merges one big infrastructure PR in infra and one in
identity every steady week; story 5 is that habit stopping in the latest week.

Routine PRs stay well below the high-risk band, so only the planned ones (the
platform habit here, the stories in ``stories``) move a week's high-risk share.
"""

from __future__ import annotations

from dataclasses import replace

from data.sources.sample.clock import DAY, when
from data.sources.sample.codebase import AREAS, DEPENDENCIES, MANIFESTS, VERBS
from data.sources.sample.draws import Draws
from data.sources.sample.plan import ChangePlan, DeployPlan, FilePlan, ReviewPlan
from data.sources.sample.timetable import FAILED_DEPLOYS, INCIDENTS

__all__ = ["agent_reviewed", "deploys", "ordinary", "self_merged_infra"]


def ordinary(draws: Draws, week: int, service: str, author: str | None = None) -> ChangePlan:
    """A routine, reviewed PR of ``service``; ``author`` defaults to someone of its team.

    Sizes, tests and review times keep these at about 40 points or less, far
    from the high band, so only the planned PRs move a week's high-risk share.
    """
    rng = draws.rng
    who = author or draws.author(service)
    merged = draws.merge_minute()
    opened = merged - rng.randint(150, 2 * DAY + 600)
    if rng.random() < 0.06:
        dep = rng.choice(DEPENDENCIES[service])
        major, minor = rng.randint(1, 9), rng.randint(0, 30)
        title = f"Bump {dep} from {major}.{minor}.0 to {major}.{minor + 1}.0"
        files = draws.split(rng.randint(6, 40), list(MANIFESTS[service]))
        labels: tuple[str, ...] = ("dependencies",)
    else:
        area = rng.choice(AREAS[service])
        verb, labels = rng.choice(VERBS)
        title = f"{verb} {rng.choice(area.topics)}"
        only_tests = verb == "Add tests for"
        n_src = 1 if only_tests else rng.choices((1, 2, 3), weights=(50, 35, 15))[0]
        sources = rng.sample(area.sources, min(n_src, len(area.sources)))
        total = rng.randint(5, 30) if only_tests else draws.lines()
        files = draws.split(total, sources)
        if only_tests or rng.random() < 0.78:
            test_lines = max(8, round(total * rng.uniform(0.3, 0.9)))
            files += draws.split(test_lines, [rng.choice(area.tests)])
        if rng.random() < 0.05:
            files += draws.split(rng.randint(4, 30), [f"docs/runbooks/{service}.md"])
    approvals = 2 if rng.random() < 0.3 else 1
    reviews = draws.approvals(service, who, opened, merged, approvals)
    approvers = [r.reviewer for r in reviews if r.state == "approved"]
    merged_by = who if rng.random() < 0.6 else rng.choice(approvers)
    return ChangePlan(
        week,
        opened,
        merged,
        who,
        merged_by,
        title,
        tuple(files),
        tuple(reviews),
        labels,
        draws.sha(),
    )


def agent_reviewed(draws: Draws, week: int, agent: str, service: str) -> ChangePlan:
    """An agent's small PR that a teammate approved and merged, as most agent PRs are."""
    rng = draws.rng
    area = rng.choice(AREAS[service])
    verb, labels = rng.choice(VERBS)
    merged = draws.merge_minute()
    opened = merged - rng.randint(150, DAY)
    total = rng.randint(15, 110)
    files = draws.split(total, [rng.choice(area.sources)])
    files += draws.split(max(8, total // 2), [rng.choice(area.tests)])
    reviews = draws.approvals(service, agent, opened, merged, 1)
    approver = next(r.reviewer for r in reviews if r.state == "approved")
    return ChangePlan(
        week,
        opened,
        merged,
        agent,
        approver,
        f"{verb} {rng.choice(area.topics)}",
        tuple(files),
        tuple(reviews),
        (*labels, "ai-agent"),
        draws.sha(),
    )


_INFRA_FILES: tuple[tuple[str, int, int], ...] = (
    ("infra/terraform/envs/production/main.tf", 160, 260),
    ("infra/terraform/envs/staging/main.tf", 140, 240),
    ("infra/terraform/modules/rds/main.tf", 90, 180),
    ("infra/terraform/modules/vpc/main.tf", 80, 160),
    ("infra/terraform/modules/eks/node_groups.tf", 80, 160),
    ("infra/k8s/monitoring/prometheus-rules.yaml", 60, 140),
    ("infra/k8s/ingress/nginx.yaml", 60, 120),
    ("infra/docker/base/Dockerfile", 20, 60),
)
_IDENTITY_FILES: tuple[tuple[str, int, int], ...] = (
    ("services/identity/deploy/helm/templates/deployment.yaml", 150, 260),
    ("services/identity/deploy/helm/values.yaml", 80, 160),
    ("services/identity/deploy/helm/templates/hpa.yaml", 40, 90),
    ("services/identity/Dockerfile", 20, 50),
    ("services/identity/app/settings.py", 80, 160),
    ("services/identity/app/sessions/store.py", 80, 160),
)
_INFRA_TITLES = (
    "Bump the Terraform AWS provider across environments",
    "Roll the new base image out to every service",
    "Move node groups to Graviton instances",
    "Upgrade the ingress controller and its charts",
    "Consolidate alerting rules into one Prometheus config",
    "Split the staging VPC into per-team subnets",
    "Switch RDS instances to gp3 storage",
    "Pin base image digests and bump Python",
    "Raise pod limits for the autumn traffic peak",
    "Enable cluster autoscaler on every node group",
    "Rework Helm values for the new ingress",
)
_IDENTITY_TITLES = (
    "Move identity to the shared Helm chart",
    "Run identity on the new base image",
    "Tune identity autoscaling and session store pools",
    "Upgrade identity dependencies and settings for Python 3.12",
    "Put identity behind the new ingress",
    "Split identity settings per environment",
    "Bump authlib and redeploy identity with new probes",
    "Add pod disruption budgets to identity",
    "Move identity sessions to the managed Redis",
    "Raise identity worker counts and memory",
    "Rework identity Helm values for blue-green deploys",
)


def self_merged_infra(draws: Draws, week: int, primary: str) -> ChangePlan:
    """A big infrastructure PR its author merged in the evening without an approval.

    These are the steady weeks' only high-risk changes (63 or more: no
    review, capped size, infra plus a manifest, no tests, after hours), one
    in infra and one in identity each week: too few for a driver card, and
    below the share a concentration card needs. They touch only the
    platform team's own services, whose deploys no steady incident follows.
    """
    rng = draws.rng
    if primary == "infra":
        author = rng.choice(("kschmidt", "mdubois", "ogunawardena"))
        picks = rng.sample(_INFRA_FILES, 7)
        picks.append(("infra/docker/base/requirements.txt", 40, 90))
        picks.append(("services/identity/deploy/helm/values.yaml", 30, 70))
        picks.append(("services/identity/deploy/helm/templates/hpa.yaml", 20, 40))
        title = _INFRA_TITLES[week % len(_INFRA_TITLES)]
    else:
        author = rng.choice(("vpetrova", "tjohansson"))
        picks = list(_IDENTITY_FILES)
        picks.append(("services/identity/requirements.txt", 30, 70))
        picks.append(("infra/k8s/ingress/nginx.yaml", 60, 120))
        picks.append(("infra/terraform/modules/elasticache/main.tf", 40, 90))
        title = _IDENTITY_TITLES[week % len(_IDENTITY_TITLES)]
    files = [
        FilePlan(path, added, rng.randint(0, added // 3))
        for path, low, high in picks
        for added in [rng.randint(low, high)]
    ]
    day = rng.choice((1, 2, 3))
    merged = rng.randrange(when(day, 18), when(day, 19, 45), 5)
    opened = merged - rng.randint(90, 600)
    reviews: list[ReviewPlan] = []
    if rng.random() < 0.5:
        # A teammate comments, but nobody approves before the author merges.
        peer = draws.reviewer(primary, {author})
        reviews.append(ReviewPlan(peer, "commented", opened + 45, comments=1))
    return ChangePlan(
        week,
        opened,
        merged,
        author,
        author,
        title,
        tuple(files),
        tuple(reviews),
        ("infrastructure",),
        draws.sha(),
    )


def deploys(draws: Draws, week: int, service: str) -> list[DeployPlan]:
    """3-6 production deploys of ``service`` in ``week``, around its incidents."""
    rng = draws.rng
    out: list[DeployPlan] = []
    blocked: list[tuple[int, int]] = []
    for inc in INCIDENTS:
        if inc.week == week and inc.service == service:
            at = inc.opened - inc.lead
            out.append(DeployPlan(week, service, at, "success", draws.sha(), rng.randint(4, 12)))
            # Nothing else ships that day before it, nor while the incident is open
            # or fresh (a deploy then is gated critical).
            blocked.append((at - at % DAY, inc.opened + inc.minutes + 270))
    wanted = len(out) + rng.choice((4, 4, 5, 5))
    times = [d.finished for d in out]
    tries = 0
    while len(out) < wanted and tries < 200:
        tries += 1
        day = rng.randrange(5)
        at = rng.randrange(when(day, 9, 30), when(day, 16, 45), 5)
        if any(lo <= at <= hi for lo, hi in blocked) or any(abs(at - x) < 60 for x in times):
            continue
        times.append(at)
        out.append(DeployPlan(week, service, at, "success", draws.sha(), rng.randint(4, 12)))
    if (week, service) in FAILED_DEPLOYS:
        first = min(out, key=lambda d: d.finished)
        out.remove(first)
        out.append(replace(first, status="failure"))
        retry = first.finished + rng.randint(35, 50)
        out.append(DeployPlan(week, service, retry, "success", draws.sha(), rng.randint(4, 12)))
    return sorted(out, key=lambda d: d.finished)
