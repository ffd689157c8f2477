"""The seeded sample organisation `riskbrief demo` runs on: Acme, with twelve weeks of history.

``sample_org_config()`` is Acme's ``riskbrief.toml`` (six services, three teams,
four subscribers in New York, Berlin, Kolkata and London). ``load_sample()``
writes 25 engineers, two AI coding agents and twelve ISO weeks of merged PRs,
reviews, production deploys and incidents into a store that ``sync_org`` has
already filled with the organisation.

Eleven weeks are steady. The latest week carries five planted stories that the
card rules surface against the week before:

1. payments grows a ``services/payments/ledger/`` module no CODEOWNERS rule
   covers, in big, rubber-stamped, untested PRs: risk concentrates in payments
   and CODEOWNERS coverage drops;
2. a high-risk checkout deploy on Friday afternoon is followed by an incident;
3. that incident and one in search take hours to resolve, against about forty
   minutes the week before (MTTR);
4. an AI agent merges its own PRs without a human review;
5. the platform team stops self-merging big infrastructure PRs, so its
   high-risk share drops.

Everything is drawn from ``random.Random(seed)`` with times relative to each
week's Monday, so the same seed gives the same rows for any ``as_of`` apart
from the dates; the organisation judges timing in UTC, so no daylight-saving
change moves a score either. Every event falls between Monday 09:00 and
Friday 22:00 UTC, inside the same ISO week in New York, London, Berlin and
Kolkata; the planted ones fall Tuesday to Friday, a day or more from any of
those zones' week boundaries.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from importlib.resources import files

from sqlmodel import Session, col, select

from data.config import OrgConfig, parse_org_config
from data.tables import (
    Change,
    ChangeFile,
    Deploy,
    Incident,
    Person,
    Repository,
    ReviewRow,
    Service,
    Team,
)
from scoring.errors import ConfigError, StoreError

__all__ = [
    "SAMPLE_AGENTS",
    "SAMPLE_REPOSITORY",
    "SAMPLE_SEED",
    "SAMPLE_WEEKS",
    "SampleSummary",
    "load_sample",
    "sample_org_config",
    "sample_week_starts",
]

SAMPLE_SEED = 7
SAMPLE_WEEKS = 12
SAMPLE_REPOSITORY = "acme/platform"
SAMPLE_AGENTS: tuple[str, ...] = ("copilot-swe-agent[bot]", "devin-ai-integration[bot]")

_COPILOT, _DEVIN = SAMPLE_AGENTS
_LATEST = SAMPLE_WEEKS - 1
_FIRST_PR_NUMBER = 4101
_FIRST_INCIDENT_NUMBER = 1031
_DAY = 24 * 60


def _t(day: int, hour: int, minute: int = 0) -> int:
    """Minutes from a week's Monday 00:00 UTC to ``day`` (0 = Monday) at ``hour:minute``."""
    return day * _DAY + hour * 60 + minute


# --- The organisation's people and code ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Engineer:
    login: str
    name: str
    focus: str  # the service they mostly work on; their team is the team owning it


_ENGINEERS: tuple[_Engineer, ...] = (
    _Engineer("lhoffmann", "Lena Hoffmann", "payments"),
    _Engineer("tbauer", "Tobias Bauer", "payments"),
    _Engineer("nokafor", "Ngozi Okafor", "payments"),
    _Engineer("mrossi", "Marco Rossi", "payments"),
    _Engineer("skowalski", "Sylwia Kowalski", "payments"),
    _Engineer("jpark", "Jiwoo Park", "checkout"),
    _Engineer("aferreira", "Ana Ferreira", "checkout"),
    _Engineer("dnguyen", "Duc Nguyen", "checkout"),
    _Engineer("elarsen", "Erik Larsen", "checkout"),
    _Engineer("pramesh", "Priya Ramesh", "search"),
    _Engineer("akumar", "Arjun Kumar", "search"),
    _Engineer("ylin", "Yue Lin", "search"),
    _Engineer("hsato", "Haruto Sato", "search"),
    _Engineer("sfernandes", "Sofia Fernandes", "notifications"),
    _Engineer("cmorales", "Carlos Morales", "notifications"),
    _Engineer("rmehta", "Riya Mehta", "notifications"),
    _Engineer("bwilliams", "Ben Williams", "notifications"),
    _Engineer("vpetrova", "Vera Petrova", "identity"),
    _Engineer("tjohansson", "Tove Johansson", "identity"),
    _Engineer("ianderson", "Isla Anderson", "identity"),
    _Engineer("fokonkwo", "Femi Okonkwo", "identity"),
    _Engineer("ogunawardena", "Olu Gunawardena", "infra"),
    _Engineer("kschmidt", "Katrin Schmidt", "infra"),
    _Engineer("mdubois", "Mathieu Dubois", "infra"),
    _Engineer("rnakamura", "Rin Nakamura", "infra"),
)

_AGENT_NAMES = {_COPILOT: "GitHub Copilot coding agent", _DEVIN: "Devin"}

# The sample's own idea of who owns what; load_sample checks the org agrees.
_TEAM_OF_SERVICE = {
    "payments": "commerce",
    "checkout": "commerce",
    "search": "discovery",
    "notifications": "discovery",
    "identity": "platform",
    "infra": "platform",
}
_SERVICES = tuple(_TEAM_OF_SERVICE)

# CODEOWNERS as GitHub reads it: the last matching rule wins. Payments lists its
# subdirectories one by one, which is why a new one (ledger/) ends up unowned.
_CODEOWNERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("services/payments/api/", ("@acme/commerce",)),
    ("services/payments/core/", ("@acme/commerce",)),
    ("services/payments/providers/", ("@acme/commerce",)),
    ("services/payments/webhooks/", ("@acme/commerce",)),
    ("services/payments/tests/", ("@acme/commerce",)),
    ("services/payments/requirements.txt", ("@acme/commerce",)),
    ("services/payments/deploy/", ("@acme/platform",)),
    ("services/checkout/", ("@acme/commerce",)),
    ("services/search/", ("@acme/discovery",)),
    ("services/notifications/", ("@acme/discovery",)),
    ("services/identity/", ("@acme/platform",)),
    ("services/identity/app/oauth/", ("@acme/platform", "@acme/security")),
    ("infra/", ("@acme/platform",)),
    ("libs/", ("@acme/platform",)),
    (".github/", ("@acme/platform",)),
)


def _owners(path: str) -> list[str]:
    """The CODEOWNERS owners of ``path``; an empty list when no rule covers it."""
    found: tuple[str, ...] = ()
    for prefix, owners in _CODEOWNERS:
        if path.startswith(prefix):
            found = owners
    return list(found)


@dataclass(frozen=True, slots=True)
class _Area:
    """A part of a service: its source files, its tests and what its PRs are about."""

    sources: tuple[str, ...]
    tests: tuple[str, ...]
    topics: tuple[str, ...]


_AREAS: dict[str, tuple[_Area, ...]] = {
    "payments": (
        _Area(
            (
                "services/payments/api/charges.py",
                "services/payments/api/refunds.py",
                "services/payments/api/routes.py",
            ),
            ("services/payments/tests/test_charges.py", "services/payments/tests/test_refunds.py"),
            ("partial refund validation", "the charges endpoint", "refund status polling"),
        ),
        _Area(
            (
                "services/payments/core/idempotency.py",
                "services/payments/core/money.py",
                "services/payments/core/fx.py",
            ),
            ("services/payments/tests/test_idempotency.py", "services/payments/tests/test_fx.py"),
            ("idempotency key handling", "FX rate caching", "minor-unit rounding"),
        ),
        _Area(
            (
                "services/payments/providers/stripe_client.py",
                "services/payments/providers/adyen_client.py",
                "services/payments/providers/base.py",
            ),
            ("services/payments/tests/test_providers.py",),
            ("the Adyen client", "the Stripe client", "provider error mapping"),
        ),
        _Area(
            (
                "services/payments/webhooks/handlers.py",
                "services/payments/webhooks/signatures.py",
            ),
            ("services/payments/tests/test_webhooks.py",),
            ("webhook signature checks", "payout webhooks", "dispute webhooks"),
        ),
    ),
    "checkout": (
        _Area(
            (
                "services/checkout/src/cart/cartService.ts",
                "services/checkout/src/cart/cartStore.ts",
            ),
            ("services/checkout/src/__tests__/cart.test.ts",),
            ("cart merging after login", "the cart store", "saved carts"),
        ),
        _Area(
            (
                "services/checkout/src/pricing/tax.ts",
                "services/checkout/src/pricing/discounts.ts",
                "services/checkout/src/pricing/promoCodes.ts",
            ),
            (
                "services/checkout/src/__tests__/pricing.test.ts",
                "services/checkout/src/__tests__/promo.test.ts",
            ),
            ("promo code stacking", "EU VAT calculation", "discount rounding"),
        ),
        _Area(
            (
                "services/checkout/src/orders/confirm.ts",
                "services/checkout/src/orders/orderState.ts",
                "services/checkout/src/api/routes.ts",
            ),
            ("services/checkout/src/__tests__/orders.test.ts",),
            ("order confirmation emails", "the order state machine", "guest checkout"),
        ),
    ),
    "search": (
        _Area(
            (
                "services/search/indexer/indexer.go",
                "services/search/indexer/batch.go",
                "services/search/indexer/mapping.go",
            ),
            (
                "services/search/indexer/indexer_test.go",
                "services/search/indexer/batch_test.go",
            ),
            ("incremental indexing", "index batch sizing", "the product mapping"),
        ),
        _Area(
            (
                "services/search/query/parser.go",
                "services/search/query/ranking.go",
                "services/search/query/synonyms.go",
            ),
            ("services/search/query/parser_test.go", "services/search/query/ranking_test.go"),
            ("query parsing of quoted terms", "ranking boosts", "synonym expansion"),
        ),
        _Area(
            ("services/search/api/handlers.go", "services/search/api/middleware.go"),
            ("services/search/api/handlers_test.go",),
            ("search API pagination", "the autocomplete handler", "request tracing"),
        ),
    ),
    "notifications": (
        _Area(
            (
                "services/notifications/dispatch/email.py",
                "services/notifications/dispatch/push.py",
                "services/notifications/dispatch/sms.py",
            ),
            ("services/notifications/tests/test_dispatch.py",),
            ("push delivery retries", "the SMS sender", "email bounce handling"),
        ),
        _Area(
            (
                "services/notifications/dispatch/throttle.py",
                "services/notifications/preferences/store.py",
            ),
            (
                "services/notifications/tests/test_throttle.py",
                "services/notifications/tests/test_preferences.py",
            ),
            ("per-user throttling", "notification preferences", "quiet hours"),
        ),
        _Area(
            (
                "services/notifications/templates/digest.html",
                "services/notifications/templates/order_confirmation.html",
                "services/notifications/templates/render.py",
            ),
            ("services/notifications/tests/test_templates.py",),
            ("the weekly digest template", "order confirmation templates", "template caching"),
        ),
    ),
    "identity": (
        _Area(
            (
                "services/identity/app/oauth/tokens.py",
                "services/identity/app/oauth/providers.py",
            ),
            ("services/identity/tests/test_tokens.py",),
            ("refresh token rotation", "the Google OAuth provider", "token introspection"),
        ),
        _Area(
            (
                "services/identity/app/sessions/store.py",
                "services/identity/app/users/profile.py",
                "services/identity/app/users/directory.py",
            ),
            ("services/identity/tests/test_sessions.py", "services/identity/tests/test_users.py"),
            ("session expiry", "profile updates", "the user directory sync"),
        ),
        _Area(
            ("services/identity/app/mfa/totp.py", "services/identity/app/mfa/recovery.py"),
            ("services/identity/tests/test_mfa.py",),
            ("TOTP enrolment", "MFA recovery codes", "MFA rate limits"),
        ),
    ),
    "infra": (
        _Area(
            (
                "libs/observability/tracing.py",
                "libs/observability/metrics.py",
                "libs/observability/logging.py",
            ),
            (
                "libs/observability/tests/test_tracing.py",
                "libs/observability/tests/test_metrics.py",
            ),
            ("trace sampling", "the metrics exporter", "structured log fields"),
        ),
        _Area(
            ("infra/k8s/monitoring/prometheus-rules.yaml", "infra/k8s/monitoring/dashboards.yaml"),
            ("libs/observability/tests/test_rules.py",),
            ("alert thresholds", "the SLO dashboards", "paging rules"),
        ),
        _Area(
            (".github/workflows/ci.yml", ".github/workflows/deploy.yml"),
            ("libs/observability/tests/test_ci_config.py",),
            ("the CI cache", "deploy workflow concurrency", "test sharding in CI"),
        ),
    ),
}

_MANIFESTS = {
    "payments": ("services/payments/requirements.txt",),
    "checkout": ("services/checkout/package.json", "services/checkout/package-lock.json"),
    "search": ("services/search/go.mod", "services/search/go.sum"),
    "notifications": ("services/notifications/requirements.txt",),
    "identity": ("services/identity/requirements.txt",),
    "infra": ("libs/observability/requirements.txt",),
}
_DEPENDENCIES = {
    "payments": ("stripe", "httpx", "pydantic"),
    "checkout": ("zod", "axios", "date-fns"),
    "search": ("github.com/elastic/go-elasticsearch/v8", "golang.org/x/text"),
    "notifications": ("jinja2", "boto3", "twilio"),
    "identity": ("authlib", "cryptography", "pyotp"),
    "infra": ("opentelemetry-sdk", "prometheus-client"),
}

# (verb, labels): every verb reads well in front of every topic.
_VERBS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Fix", ("bug",)),
    ("Fix a race in", ("bug",)),
    ("Refactor", ("refactor",)),
    ("Simplify", ("refactor",)),
    ("Clean up", ("refactor",)),
    ("Add metrics for", ("enhancement",)),
    ("Improve logging in", ("enhancement",)),
    ("Handle timeouts in", ("enhancement",)),
    ("Tighten validation in", ("enhancement",)),
    ("Speed up", ("performance",)),
    ("Add tests for", ("tests",)),
)


# --- The plan: what happens when, relative to each week's Monday ---------------------------


@dataclass(frozen=True, slots=True)
class _FilePlan:
    path: str
    added: int
    deleted: int
    change_type: str = "modified"


@dataclass(frozen=True, slots=True)
class _ReviewPlan:
    reviewer: str
    state: str
    minute: int
    comments: int = 0


@dataclass(frozen=True, slots=True)
class _ChangePlan:
    week: int
    opened: int
    merged: int
    author: str
    merged_by: str
    title: str
    files: tuple[_FilePlan, ...]
    reviews: tuple[_ReviewPlan, ...]
    labels: tuple[str, ...]
    sha: str
    is_revert: bool = False
    is_hotfix: bool = False
    tag: str | None = None  # lets a later plan (a revert) refer to this one
    reverts_tag: str | None = None


@dataclass(frozen=True, slots=True)
class _DeployPlan:
    week: int
    service: str
    finished: int
    status: str
    sha: str
    minutes: int  # how long the deploy ran


@dataclass(frozen=True, slots=True)
class _IncidentPlan:
    week: int
    service: str
    opened: int
    minutes: int  # open to resolved
    title: str
    severity: str
    lead: int  # minutes from the deploy that preceded it to its opening


# Steady weeks have an incident now and then, resolved in 35-60 minutes and never
# in two weeks in a row with very different durations (MTTR stays flat). The last
# two are the planted stories: hours to resolve, one after a Friday deploy.
_INCIDENTS: tuple[_IncidentPlan, ...] = (
    _IncidentPlan(
        1, "notifications", _t(2, 14, 10), 42, "Push notifications delayed for iOS", "sev3", 95
    ),
    _IncidentPlan(
        3, "search", _t(1, 11, 30), 47, "Search results missing newly listed products", "sev3", 80
    ),
    _IncidentPlan(4, "payments", _t(3, 11, 50), 51, "Refund webhooks delivered twice", "sev2", 110),
    _IncidentPlan(6, "checkout", _t(2, 16, 20), 38, "Promo codes rejected at checkout", "sev2", 75),
    _IncidentPlan(8, "notifications", _t(1, 13, 15), 55, "Weekly digest sent twice", "sev3", 100),
    _IncidentPlan(
        10, "payments", _t(1, 11, 5), 38, "Card authorisations timing out on Adyen", "sev2", 85
    ),
    _IncidentPlan(
        10, "checkout", _t(3, 14, 20), 43, "Cart totals missing shipping for EU orders", "sev2", 90
    ),
    _IncidentPlan(
        _LATEST,
        "search",
        _t(2, 11, 40),
        215,
        "Search latency above 2 s after the index rebuild",
        "sev2",
        95,
    ),
    # The Friday story: the deploy 95 minutes before it is checkout's 15:35 UTC deploy.
    _IncidentPlan(
        _LATEST,
        "checkout",
        _t(4, 17, 10),
        255,
        "Orders stuck in 'payment pending' after confirmation",
        "sev1",
        95,
    ),
)

# One failed production deploy (and its retry) now and then, never next to a week
# with incidents in it, so the change failure rate stays flat.
_FAILED_DEPLOYS: tuple[tuple[int, str], ...] = ((2, "search"), (5, "checkout"), (7, "infra"))

# Ordinary changes per service per steady week (low, high). Platform's two
# self-merged infrastructure PRs a week come on top.
_WEEKLY_CHANGES = {
    "payments": (5, 7),
    "checkout": (5, 7),
    "search": (5, 6),
    "notifications": (4, 5),
    "identity": (4, 5),
    "infra": (3, 4),
}
_LATEST_CHANGES = {
    "payments": 4,
    "checkout": 5,
    "search": 5,
    "notifications": 4,
    "identity": 6,
    "infra": 5,
}


@dataclass(frozen=True, slots=True)
class _Plan:
    changes: tuple[_ChangePlan, ...]
    deploys: tuple[_DeployPlan, ...]
    incidents: tuple[_IncidentPlan, ...]


class _Planner:
    """Draws the twelve weeks from one random stream, in a fixed order."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.by_focus: dict[str, list[str]] = defaultdict(list)
        self.by_team: dict[str, list[str]] = defaultdict(list)
        for e in _ENGINEERS:
            self.by_focus[e.focus].append(e.login)
            self.by_team[_TEAM_OF_SERVICE[e.focus]].append(e.login)

    # -- small draws --

    def _sha(self) -> str:
        return f"{self.rng.getrandbits(160):040x}"

    def _author(self, service: str) -> str:
        team = self.by_team[_TEAM_OF_SERVICE[service]]
        # Most work stays in one's own service; some crosses to the team's other one.
        if self.rng.random() < 0.85:
            return self.rng.choice(self.by_focus[service])
        return self.rng.choice(team)

    def _reviewer(self, service: str, exclude: set[str]) -> str:
        same = [p for p in self.by_focus[service] if p not in exclude]
        team = [p for p in self.by_team[_TEAM_OF_SERVICE[service]] if p not in exclude]
        return self.rng.choice(same if same and self.rng.random() < 0.75 else team)

    def _merge_minute(self) -> int:
        rng = self.rng
        day = rng.choices(range(5), weights=(19, 22, 22, 22, 15))[0]
        if day < 4 and rng.random() < 0.07:
            return _t(day, 18) + rng.randrange(0, 150, 5)
        # Friday merges stop mid-afternoon; Monday ones start after every zone's Monday began.
        end = _t(day, 15, 30) if day == 4 else _t(day, 17, 30)
        return rng.randrange(_t(day, 9), end, 5)

    def _lines(self) -> int:
        low, high = self.rng.choices(
            ((8, 40), (40, 120), (120, 260), (260, 360)), weights=(30, 40, 24, 6)
        )[0]
        return self.rng.randint(low, high)

    def _split(
        self, total: int, paths: list[str], change_type: str = "modified"
    ) -> list[_FilePlan]:
        weights = [self.rng.uniform(0.5, 1.5) for _ in paths]
        out: list[_FilePlan] = []
        for path, w in zip(paths, weights, strict=True):
            lines = max(2, round(total * w / sum(weights)))
            deleted = round(lines * self.rng.uniform(0.0, 0.45)) if change_type == "modified" else 0
            out.append(_FilePlan(path, lines - deleted, deleted, change_type))
        return out

    def _approvals(
        self, service: str, author: str, opened: int, merged: int, count: int
    ) -> list[_ReviewPlan]:
        reviews: list[_ReviewPlan] = []
        taken = {author}
        # Reviews land an hour or more after opening: nobody rubber-stamps here.
        earliest = opened + 60
        for _ in range(count):
            reviewer = self._reviewer(service, taken)
            taken.add(reviewer)
            if self.rng.random() < 0.25:
                said = self.rng.randrange(earliest, max(earliest + 1, merged - 30))
                reviews.append(
                    _ReviewPlan(reviewer, "commented", said, comments=self.rng.randint(1, 4))
                )
                earliest = said + 10
            at = self.rng.randrange(earliest, max(earliest + 1, merged - 10))
            reviews.append(_ReviewPlan(reviewer, "approved", at, comments=self.rng.randint(0, 2)))
        return sorted(reviews, key=lambda r: r.minute)

    # -- ordinary changes --

    def ordinary(self, week: int, service: str, author: str | None = None) -> _ChangePlan:
        """A routine, reviewed PR of ``service``; ``author`` defaults to someone of its team.

        Sizes, tests and review times keep these at about 40 points or less, far
        from the high band, so only the planned PRs move a week's high-risk share.
        """
        rng = self.rng
        who = author or self._author(service)
        merged = self._merge_minute()
        opened = merged - rng.randint(150, 2 * _DAY + 600)
        if rng.random() < 0.06:
            dep = rng.choice(_DEPENDENCIES[service])
            major, minor = rng.randint(1, 9), rng.randint(0, 30)
            title = f"Bump {dep} from {major}.{minor}.0 to {major}.{minor + 1}.0"
            files = self._split(rng.randint(6, 40), list(_MANIFESTS[service]))
            labels: tuple[str, ...] = ("dependencies",)
        else:
            area = rng.choice(_AREAS[service])
            verb, labels = rng.choice(_VERBS)
            title = f"{verb} {rng.choice(area.topics)}"
            only_tests = verb == "Add tests for"
            n_src = 1 if only_tests else rng.choices((1, 2, 3), weights=(50, 35, 15))[0]
            sources = rng.sample(area.sources, min(n_src, len(area.sources)))
            total = rng.randint(5, 30) if only_tests else self._lines()
            files = self._split(total, sources)
            if only_tests or rng.random() < 0.78:
                test_lines = max(8, round(total * rng.uniform(0.3, 0.9)))
                files += self._split(test_lines, [rng.choice(area.tests)])
            if rng.random() < 0.05:
                files += self._split(rng.randint(4, 30), [f"docs/runbooks/{service}.md"])
        approvals = 2 if rng.random() < 0.3 else 1
        reviews = self._approvals(service, who, opened, merged, approvals)
        approvers = [r.reviewer for r in reviews if r.state == "approved"]
        merged_by = who if rng.random() < 0.6 else rng.choice(approvers)
        return _ChangePlan(
            week,
            opened,
            merged,
            who,
            merged_by,
            title,
            tuple(files),
            tuple(reviews),
            labels,
            self._sha(),
        )

    def agent_reviewed(self, week: int, agent: str, service: str) -> _ChangePlan:
        """An agent's small PR that a teammate approved and merged, as most agent PRs are."""
        rng = self.rng
        area = rng.choice(_AREAS[service])
        verb, labels = rng.choice(_VERBS)
        merged = self._merge_minute()
        opened = merged - rng.randint(150, _DAY)
        total = rng.randint(15, 110)
        files = self._split(total, [rng.choice(area.sources)])
        files += self._split(max(8, total // 2), [rng.choice(area.tests)])
        reviews = self._approvals(service, agent, opened, merged, 1)
        approver = next(r.reviewer for r in reviews if r.state == "approved")
        return _ChangePlan(
            week,
            opened,
            merged,
            agent,
            approver,
            f"{verb} {rng.choice(area.topics)}",
            tuple(files),
            tuple(reviews),
            (*labels, "ai-agent"),
            self._sha(),
        )

    # -- the platform team's habit in steady weeks --

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

    def self_merged_infra(self, week: int, primary: str) -> _ChangePlan:
        """A big infrastructure PR its author merged in the evening without an approval.

        These are the steady weeks' only high-risk changes (63 or more: no
        review, capped size, infra plus a manifest, no tests, after hours), one
        in infra and one in identity each week: too few for a driver card, and
        below the share a concentration card needs. They touch only the
        platform team's own services, whose deploys no steady incident follows.
        """
        rng = self.rng
        if primary == "infra":
            author = rng.choice(("kschmidt", "mdubois", "ogunawardena"))
            picks = rng.sample(self._INFRA_FILES, 7)
            picks.append(("infra/docker/base/requirements.txt", 40, 90))
            picks.append(("services/identity/deploy/helm/values.yaml", 30, 70))
            picks.append(("services/identity/deploy/helm/templates/hpa.yaml", 20, 40))
            title = self._INFRA_TITLES[week % len(self._INFRA_TITLES)]
        else:
            author = rng.choice(("vpetrova", "tjohansson"))
            picks = list(self._IDENTITY_FILES)
            picks.append(("services/identity/requirements.txt", 30, 70))
            picks.append(("infra/k8s/ingress/nginx.yaml", 60, 120))
            picks.append(("infra/terraform/modules/elasticache/main.tf", 40, 90))
            title = self._IDENTITY_TITLES[week % len(self._IDENTITY_TITLES)]
        files = [
            _FilePlan(path, added, rng.randint(0, added // 3))
            for path, low, high in picks
            for added in [rng.randint(low, high)]
        ]
        day = rng.choice((1, 2, 3))
        merged = rng.randrange(_t(day, 18), _t(day, 19, 45), 5)
        opened = merged - rng.randint(90, 600)
        reviews: list[_ReviewPlan] = []
        if rng.random() < 0.5:
            # A teammate comments, but nobody approves before the author merges.
            peer = self._reviewer(primary, {author})
            reviews.append(_ReviewPlan(peer, "commented", opened + 45, comments=1))
        return _ChangePlan(
            week,
            opened,
            merged,
            author,
            author,
            title,
            tuple(files),
            tuple(reviews),
            ("infrastructure",),
            self._sha(),
        )

    # -- the latest week's stories --

    def ledger(self) -> list[_ChangePlan]:
        """Story 1: five big, untested, rubber-stamped PRs in an unowned payments/ledger/.

        Each lands at 64 or more: size (capped), codeowners (every file unowned)
        and a rubber-stamp review are its top signals, so codeowners is the
        driver the concentration card names (it wins the tie with size by name).
        Evening merges and last week's payments incident add the margin.
        """
        rng = self.rng
        d = "services/payments/ledger/"
        specs: tuple[tuple[str, int, str, tuple[tuple[str, str], ...]], ...] = (
            (
                "tbauer",
                _t(1, 18, 40),
                "Add a double-entry ledger for payouts",
                (
                    ("__init__.py", "added"),
                    ("models.py", "added"),
                    ("postings.py", "added"),
                    ("journal.py", "added"),
                    ("balances.py", "added"),
                    ("migrations/0001_create_ledger_tables.py", "added"),
                    ("api.py", "added"),
                ),
            ),
            (
                "nokafor",
                _t(1, 20, 10),
                "Post refunds and chargebacks to the ledger",
                (
                    ("reconcile.py", "added"),
                    ("postings.py", "modified"),
                    ("events.py", "added"),
                    ("balances.py", "modified"),
                    ("currency.py", "added"),
                    ("journal.py", "modified"),
                ),
            ),
            (
                "tbauer",
                _t(2, 19, 5),
                "Reconcile ledger balances against provider settlements",
                (
                    ("reconcile.py", "modified"),
                    ("exports.py", "added"),
                    ("models.py", "modified"),
                    ("api.py", "modified"),
                    ("balances.py", "modified"),
                    ("settlements.py", "added"),
                ),
            ),
            (
                "nokafor",
                _t(2, 20, 30),
                "Expose ledger balances in the payouts API",
                (
                    ("api.py", "modified"),
                    ("balances.py", "modified"),
                    ("models.py", "modified"),
                    ("events.py", "modified"),
                    ("currency.py", "modified"),
                    ("exports.py", "modified"),
                ),
            ),
            (
                "tbauer",
                _t(3, 18, 50),
                "Backfill ledger entries from historical payouts",
                (
                    ("backfill.py", "added"),
                    ("journal.py", "modified"),
                    ("postings.py", "modified"),
                    ("models.py", "modified"),
                    ("reconcile.py", "modified"),
                    ("settlements.py", "modified"),
                ),
            ),
        )
        out: list[_ChangePlan] = []
        for author, merged, title, parts in specs:
            # A thousand lines or more: the size signal is at its cap for every one.
            total = rng.randint(1050, 1400)
            weights = [rng.uniform(0.6, 1.4) for _ in parts]
            files: list[_FilePlan] = []
            for (name, kind), w in zip(parts, weights, strict=True):
                lines = round(total * w / sum(weights))
                deleted = rng.randint(lines // 10, lines // 4) if kind == "modified" else 0
                files.append(_FilePlan(d + name, lines - deleted, deleted, kind))
            opened = merged - rng.randint(25, 60)
            stamp = _ReviewPlan(
                rng.choice(("mrossi", "skowalski")), "approved", opened + rng.randint(6, 14)
            )
            out.append(
                _ChangePlan(
                    _LATEST,
                    opened,
                    merged,
                    author,
                    author,
                    title,
                    tuple(files),
                    (stamp,),
                    ("feature", "ledger"),
                    self._sha(),
                )
            )
        return out

    _FRIDAY_FILES: tuple[tuple[str, int, int], ...] = (
        ("services/checkout/src/orders/confirm.ts", 260, 70),
        ("services/checkout/src/payments/captureClient.ts", 210, 0),
        ("services/checkout/src/orders/orderState.ts", 90, 40),
        ("services/checkout/src/api/routes.ts", 30, 10),
        ("services/checkout/package.json", 6, 2),
        ("services/payments/api/charges.py", 60, 15),
    )

    def friday(self) -> list[_ChangePlan]:
        """Story 2: a big checkout change merged Friday lunchtime, and its revert that night.

        The change scores in the mid-sixties on its own (payments code, a
        manifest, no tests, a quick approval, a Friday merge); the 15:35 deploy
        shipping it adds Friday timing on top, so the deploy is high risk.
        The revert merges after the incident is resolved and is never deployed.
        """
        merged = _t(4, 13, 50)
        opened = _t(4, 12, 40)
        files = tuple(
            _FilePlan(p, a, d, "added" if d == 0 else "modified") for p, a, d in self._FRIDAY_FILES
        )
        change = _ChangePlan(
            _LATEST,
            opened,
            merged,
            "jpark",
            "jpark",
            "Switch order confirmation to async payment capture",
            files,
            (_ReviewPlan("aferreira", "approved", opened + 12),),
            ("feature",),
            self._sha(),
            tag="async-capture",
        )
        revert_files = tuple(
            _FilePlan(
                f.path, f.deleted, f.added, "deleted" if f.change_type == "added" else "modified"
            )
            for f in files
        )
        revert = _ChangePlan(
            _LATEST,
            _t(4, 21, 20),
            _t(4, 21, 50),
            "lhoffmann",
            "lhoffmann",
            'Revert "Switch order confirmation to async payment capture"',
            revert_files,
            (_ReviewPlan("jpark", "approved", _t(4, 21, 32)),),
            ("revert",),
            self._sha(),
            is_revert=True,
            reverts_tag="async-capture",
        )
        return [change, revert]

    def agent_unreviewed(self) -> list[_ChangePlan]:
        """Story 4: the coding agent merges four of its own PRs with no human approval."""
        specs = (
            (
                _t(1, 15, 10),
                "Add retry jitter to the push notification sender",
                (
                    "services/notifications/dispatch/push.py",
                    "services/notifications/tests/test_dispatch.py",
                ),
                None,
            ),
            (
                _t(2, 16, 20),
                "Fix off-by-one in search result pagination",
                ("services/search/api/handlers.go", "services/search/api/handlers_test.go"),
                "hsato",
            ),
            (
                _t(3, 10, 40),
                "Handle empty synonym files in the query parser",
                ("services/search/query/synonyms.go", "services/search/query/parser_test.go"),
                None,
            ),
            (
                _t(3, 15, 5),
                "Use the new sender ID in SMS notifications",
                (
                    "services/notifications/dispatch/sms.py",
                    "services/notifications/tests/test_dispatch.py",
                ),
                None,
            ),
        )
        out: list[_ChangePlan] = []
        for merged, title, paths, commenter in specs:
            opened = merged - self.rng.randint(35, 90)
            files = self._split(self.rng.randint(40, 90), list(paths))
            reviews: tuple[_ReviewPlan, ...] = ()
            if commenter:
                # A human looked and commented, but never approved.
                reviews = (_ReviewPlan(commenter, "commented", opened + 20, comments=2),)
            out.append(
                _ChangePlan(
                    _LATEST,
                    opened,
                    merged,
                    _COPILOT,
                    _COPILOT,
                    title,
                    tuple(files),
                    reviews,
                    ("ai-agent",),
                    self._sha(),
                )
            )
        return out

    # -- deploys --

    def deploys(self, week: int, service: str) -> list[_DeployPlan]:
        """3-6 production deploys of ``service`` in ``week``, around its incidents."""
        rng = self.rng
        out: list[_DeployPlan] = []
        blocked: list[tuple[int, int]] = []
        for inc in _INCIDENTS:
            if inc.week == week and inc.service == service:
                at = inc.opened - inc.lead
                out.append(
                    _DeployPlan(week, service, at, "success", self._sha(), rng.randint(4, 12))
                )
                # Nothing else ships that day before it, nor while the incident is open
                # or fresh (a deploy then is gated critical).
                blocked.append((at - at % _DAY, inc.opened + inc.minutes + 270))
        wanted = len(out) + rng.choice((4, 4, 5, 5))
        times = [d.finished for d in out]
        tries = 0
        while len(out) < wanted and tries < 200:
            tries += 1
            day = rng.randrange(5)
            at = rng.randrange(_t(day, 9, 30), _t(day, 16, 45), 5)
            if any(lo <= at <= hi for lo, hi in blocked) or any(abs(at - x) < 60 for x in times):
                continue
            times.append(at)
            out.append(_DeployPlan(week, service, at, "success", self._sha(), rng.randint(4, 12)))
        if (week, service) in _FAILED_DEPLOYS:
            first = min(out, key=lambda d: d.finished)
            out.remove(first)
            out.append(replace(first, status="failure"))
            retry = first.finished + rng.randint(35, 50)
            out.append(
                _DeployPlan(week, service, retry, "success", self._sha(), rng.randint(4, 12))
            )
        return sorted(out, key=lambda d: d.finished)

    # -- the whole plan --

    def plan(self) -> _Plan:
        """Every change, deploy and incident of the twelve weeks."""
        rng = self.rng
        changes: list[_ChangePlan] = []
        deploys: list[_DeployPlan] = []
        for week in range(SAMPLE_WEEKS):
            latest = week == _LATEST
            for service in _SERVICES:
                n = _LATEST_CHANGES[service] if latest else rng.randint(*_WEEKLY_CHANGES[service])
                changes += [self.ordinary(week, service) for _ in range(n)]
            copilot = rng.choice((1, 2))
            if not latest:
                for _ in range(copilot):
                    service = rng.choice(("search", "notifications"))
                    changes.append(self.agent_reviewed(week, _COPILOT, service))
            devin = rng.choice(("payments", "checkout", "search"))
            # In the latest week Devin stays out of payments, whose share the ledger story sets.
            changes.append(self.agent_reviewed(week, _DEVIN, "search" if latest else devin))
            if latest:
                changes += self.ledger() + self.friday() + self.agent_unreviewed()
            else:
                changes.append(self.self_merged_infra(week, "infra"))
                changes.append(self.self_merged_infra(week, "identity"))
            for service in _SERVICES:
                deploys += self.deploys(week, service)
        return _Plan(tuple(changes), tuple(deploys), _INCIDENTS)


# --- Public API ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SampleSummary:
    """What ``load_sample`` wrote: row counts and the ISO weeks the history covers."""

    people: int
    agents: int
    changes: int
    deploys: int
    incidents: int
    first_week: str
    last_week: str


def sample_org_config() -> OrgConfig:
    """Acme's ``riskbrief.toml``, shipped inside the package as ``data/sources/sample.toml``."""
    text = (files("data.sources") / "sample.toml").read_text(encoding="utf-8")
    return parse_org_config(text, source="sample.toml")


def sample_week_starts(as_of: date) -> tuple[datetime, ...]:
    """The Mondays 00:00 UTC of the sample's weeks, oldest first.

    The last is the newest ISO week that ended before ``as_of``.
    """
    this_monday = as_of - timedelta(days=as_of.weekday())
    first = this_monday - timedelta(weeks=SAMPLE_WEEKS)
    start = datetime.combine(first, time(0), tzinfo=UTC)
    return tuple(start + timedelta(weeks=i) for i in range(SAMPLE_WEEKS))


def _week_id(monday: datetime) -> str:
    iso = monday.date().isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def _check_org(session: Session, org: OrgConfig) -> tuple[int, dict[str, int], dict[str, int]]:
    for service, team in _TEAM_OF_SERVICE.items():
        if org.team_of_service(service) != team:
            raise ConfigError(
                f"the sample needs service {service!r} owned by team {team!r}; "
                "pass sample_org_config() to load_sample"
            )
    repo = session.exec(select(Repository).where(col(Repository.name) == SAMPLE_REPOSITORY)).first()
    services = {s.key: s.id for s in session.exec(select(Service)) if s.id is not None}
    teams = {t.key: t.id for t in session.exec(select(Team)) if t.id is not None}
    if repo is None or repo.id is None or any(s not in services for s in _SERVICES):
        raise StoreError(
            "the store has no sample organisation yet; run sync_org(session, org) "
            "before load_sample"
        )
    if session.exec(select(Change.id).where(col(Change.repository_id) == repo.id)).first():
        raise StoreError(
            f"the store already holds changes of {SAMPLE_REPOSITORY}; "
            "load the sample into an empty database"
        )
    return repo.id, services, teams


def load_sample(
    session: Session, org: OrgConfig, *, as_of: date, seed: int = SAMPLE_SEED
) -> SampleSummary:
    """Write Acme's people and twelve weeks of changes, reviews, deploys and incidents.

    Precondition: ``sync_org(session, org)`` already ran with ``org`` from
    ``sample_org_config()``, so the repository, teams and services exist; a
    ``StoreError`` says so otherwise, and also when the sample is already loaded.
    The weeks end with the last complete ISO week before ``as_of``. Rows are
    flushed, not committed: the caller's session scope commits. Deploys and
    incidents are left unlinked for ``link_all`` to link.
    """
    repo_id, service_ids, team_ids = _check_org(session, org)
    plan = _Planner(seed).plan()
    starts = sample_week_starts(as_of)

    def at(week: int, minute: int) -> datetime:
        return starts[week] + timedelta(minutes=minute)

    people: dict[str, Person] = {p.login: p for p in session.exec(select(Person))}
    for e in _ENGINEERS:
        team = org.team_of_service(e.focus)
        row = people.get(e.login) or Person(login=e.login)
        row.display_name = e.name
        row.kind = "agent" if org.agents.is_agent(e.login) else "human"
        row.team_id = team_ids.get(team) if team else None
        people[e.login] = row
        session.add(row)
    for login in SAMPLE_AGENTS:
        row = people.get(login) or Person(login=login)
        row.display_name = _AGENT_NAMES[login]
        row.kind = "agent" if org.agents.is_agent(login) else "human"
        people[login] = row
        session.add(row)
    session.flush()
    ids = {login: p.id for login, p in people.items() if p.id is not None}

    # PR numbers follow the order PRs were opened in, as on GitHub.
    ordered = sorted(
        enumerate(plan.changes), key=lambda ic: (ic[1].week * 7 * _DAY + ic[1].opened, ic[0])
    )
    keys: dict[int, str] = {}
    tagged: dict[str, str] = {}
    for n, (i, c) in enumerate(ordered):
        keys[i] = f"{SAMPLE_REPOSITORY}#{_FIRST_PR_NUMBER + n}"
        if c.tag:
            tagged[c.tag] = keys[i]
    rows: list[tuple[Change, _ChangePlan]] = []
    for i, c in enumerate(plan.changes):
        number = int(keys[i].rsplit("#", 1)[1])
        slug = "-".join(c.title.lower().replace('"', "").split()[:5])
        change = Change(
            key=keys[i],
            repository_id=repo_id,
            number=number,
            sha=c.sha,
            title=c.title,
            url=f"https://github.com/{SAMPLE_REPOSITORY}/pull/{number}",
            author_id=ids[c.author],
            merged_by_id=ids[c.merged_by],
            opened_at=at(c.week, c.opened),
            merged_at=at(c.week, c.merged),
            base_branch="main",
            head_branch=f"{c.author.removesuffix('[bot]')}/{slug}",
            labels=list(c.labels),
            is_revert=c.is_revert,
            is_hotfix=c.is_hotfix,
            reverts_key=tagged[c.reverts_tag] if c.reverts_tag else None,
            ci_status="success",
            review_comments=sum(r.comments for r in c.reviews),
        )
        session.add(change)
        rows.append((change, c))
    session.flush()
    for change, c in rows:
        assert change.id is not None
        for f in c.files:
            service = org.service_for_path(SAMPLE_REPOSITORY, f.path)
            session.add(
                ChangeFile(
                    change_id=change.id,
                    path=f.path,
                    added=f.added,
                    deleted=f.deleted,
                    change_type=f.change_type,
                    service_id=service_ids.get(service) if service else None,
                    owners=_owners(f.path),
                )
            )
        for r in c.reviews:
            session.add(
                ReviewRow(
                    change_id=change.id,
                    reviewer_id=ids[r.reviewer],
                    state=r.state,
                    submitted_at=at(c.week, r.minute),
                    comments=r.comments,
                )
            )
    for d in plan.deploys:
        finished = at(d.week, d.finished)
        session.add(
            Deploy(
                key=f"deploy:{d.service}:{finished:%Y-%m-%dT%H:%M}",
                service_id=service_ids[d.service],
                environment="production",
                sha=d.sha,
                started_at=finished - timedelta(minutes=d.minutes),
                finished_at=finished,
                status=d.status,
                source="sample",
            )
        )
    ordered_incidents = sorted(plan.incidents, key=lambda i: (i.week, i.opened))
    for n, inc in enumerate(ordered_incidents):
        opened = at(inc.week, inc.opened)
        session.add(
            Incident(
                key=f"INC-{_FIRST_INCIDENT_NUMBER + n}",
                service_id=service_ids[inc.service],
                title=inc.title,
                opened_at=opened,
                resolved_at=opened + timedelta(minutes=inc.minutes),
                severity=inc.severity,
                source="sample",
            )
        )
    session.flush()
    agents = sum(1 for login in people if login in SAMPLE_AGENTS)
    return SampleSummary(
        people=len(_ENGINEERS),
        agents=agents,
        changes=len(plan.changes),
        deploys=len(plan.deploys),
        incidents=len(plan.incidents),
        first_week=_week_id(starts[0]),
        last_week=_week_id(starts[-1]),
    )
