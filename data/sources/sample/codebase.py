"""Acme's monorepo: which team owns which service, its CODEOWNERS and what its PRs touch."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AREAS",
    "CODEOWNERS",
    "DEPENDENCIES",
    "MANIFESTS",
    "SAMPLE_REPOSITORY",
    "SERVICES",
    "TEAM_OF_SERVICE",
    "VERBS",
    "Area",
    "owners",
]

SAMPLE_REPOSITORY = "acme/platform"

# The sample's own idea of who owns what; load_sample checks the org agrees.
TEAM_OF_SERVICE = {
    "payments": "commerce",
    "checkout": "commerce",
    "search": "discovery",
    "notifications": "discovery",
    "identity": "platform",
    "infra": "platform",
}
SERVICES = tuple(TEAM_OF_SERVICE)

# CODEOWNERS as GitHub reads it: the last matching rule wins. Payments lists its
# subdirectories one by one, which is why a new one (ledger/) ends up unowned.
CODEOWNERS: tuple[tuple[str, tuple[str, ...]], ...] = (
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


def owners(path: str) -> list[str]:
    """The CODEOWNERS owners of ``path``; an empty list when no rule covers it."""
    found: tuple[str, ...] = ()
    for prefix, owners in CODEOWNERS:
        if path.startswith(prefix):
            found = owners
    return list(found)


@dataclass(frozen=True, slots=True)
class Area:
    """A part of a service: its source files, its tests and what its PRs are about."""

    sources: tuple[str, ...]
    tests: tuple[str, ...]
    topics: tuple[str, ...]


AREAS: dict[str, tuple[Area, ...]] = {
    "payments": (
        Area(
            (
                "services/payments/api/charges.py",
                "services/payments/api/refunds.py",
                "services/payments/api/routes.py",
            ),
            ("services/payments/tests/test_charges.py", "services/payments/tests/test_refunds.py"),
            ("partial refund validation", "the charges endpoint", "refund status polling"),
        ),
        Area(
            (
                "services/payments/core/idempotency.py",
                "services/payments/core/money.py",
                "services/payments/core/fx.py",
            ),
            ("services/payments/tests/test_idempotency.py", "services/payments/tests/test_fx.py"),
            ("idempotency key handling", "FX rate caching", "minor-unit rounding"),
        ),
        Area(
            (
                "services/payments/providers/stripe_client.py",
                "services/payments/providers/adyen_client.py",
                "services/payments/providers/base.py",
            ),
            ("services/payments/tests/test_providers.py",),
            ("the Adyen client", "the Stripe client", "provider error mapping"),
        ),
        Area(
            (
                "services/payments/webhooks/handlers.py",
                "services/payments/webhooks/signatures.py",
            ),
            ("services/payments/tests/test_webhooks.py",),
            ("webhook signature checks", "payout webhooks", "dispute webhooks"),
        ),
    ),
    "checkout": (
        Area(
            (
                "services/checkout/src/cart/cartService.ts",
                "services/checkout/src/cart/cartStore.ts",
            ),
            ("services/checkout/src/__tests__/cart.test.ts",),
            ("cart merging after login", "the cart store", "saved carts"),
        ),
        Area(
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
        Area(
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
        Area(
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
        Area(
            (
                "services/search/query/parser.go",
                "services/search/query/ranking.go",
                "services/search/query/synonyms.go",
            ),
            ("services/search/query/parser_test.go", "services/search/query/ranking_test.go"),
            ("query parsing of quoted terms", "ranking boosts", "synonym expansion"),
        ),
        Area(
            ("services/search/api/handlers.go", "services/search/api/middleware.go"),
            ("services/search/api/handlers_test.go",),
            ("search API pagination", "the autocomplete handler", "request tracing"),
        ),
    ),
    "notifications": (
        Area(
            (
                "services/notifications/dispatch/email.py",
                "services/notifications/dispatch/push.py",
                "services/notifications/dispatch/sms.py",
            ),
            ("services/notifications/tests/test_dispatch.py",),
            ("push delivery retries", "the SMS sender", "email bounce handling"),
        ),
        Area(
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
        Area(
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
        Area(
            (
                "services/identity/app/oauth/tokens.py",
                "services/identity/app/oauth/providers.py",
            ),
            ("services/identity/tests/test_tokens.py",),
            ("refresh token rotation", "the Google OAuth provider", "token introspection"),
        ),
        Area(
            (
                "services/identity/app/sessions/store.py",
                "services/identity/app/users/profile.py",
                "services/identity/app/users/directory.py",
            ),
            ("services/identity/tests/test_sessions.py", "services/identity/tests/test_users.py"),
            ("session expiry", "profile updates", "the user directory sync"),
        ),
        Area(
            ("services/identity/app/mfa/totp.py", "services/identity/app/mfa/recovery.py"),
            ("services/identity/tests/test_mfa.py",),
            ("TOTP enrolment", "MFA recovery codes", "MFA rate limits"),
        ),
    ),
    "infra": (
        Area(
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
        Area(
            ("infra/k8s/monitoring/prometheus-rules.yaml", "infra/k8s/monitoring/dashboards.yaml"),
            ("libs/observability/tests/test_rules.py",),
            ("alert thresholds", "the SLO dashboards", "paging rules"),
        ),
        Area(
            (".github/workflows/ci.yml", ".github/workflows/deploy.yml"),
            ("libs/observability/tests/test_ci_config.py",),
            ("the CI cache", "deploy workflow concurrency", "test sharding in CI"),
        ),
    ),
}

MANIFESTS = {
    "payments": ("services/payments/requirements.txt",),
    "checkout": ("services/checkout/package.json", "services/checkout/package-lock.json"),
    "search": ("services/search/go.mod", "services/search/go.sum"),
    "notifications": ("services/notifications/requirements.txt",),
    "identity": ("services/identity/requirements.txt",),
    "infra": ("libs/observability/requirements.txt",),
}
DEPENDENCIES = {
    "payments": ("stripe", "httpx", "pydantic"),
    "checkout": ("zod", "axios", "date-fns"),
    "search": ("github.com/elastic/go-elasticsearch/v8", "golang.org/x/text"),
    "notifications": ("jinja2", "boto3", "twilio"),
    "identity": ("authlib", "cryptography", "pyotp"),
    "infra": ("opentelemetry-sdk", "prometheus-client"),
}

# (verb, labels): every verb reads well in front of every topic.
VERBS: tuple[tuple[str, tuple[str, ...]], ...] = (
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
