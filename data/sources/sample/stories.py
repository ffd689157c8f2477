"""The stories planted in the latest week, which the card rules surface against the week before.

Stories 1, 2 and 4 are PRs drawn here. Story 3 (slow incident resolution) is in
the ``schedule``, and story 5 (platform stops self-merging big infrastructure
PRs) is the absence of ``traffic.self_merged_infra`` in the latest week.
"""

from __future__ import annotations

from data.sources.sample.clock import LATEST_WEEK, when
from data.sources.sample.draws import Draws
from data.sources.sample.people import COPILOT
from data.sources.sample.plan import ChangePlan, FilePlan, ReviewPlan

__all__ = ["agent_unreviewed", "friday", "ledger"]


def ledger(draws: Draws) -> list[ChangePlan]:
    """Story 1: five big, untested, rubber-stamped PRs in an unowned payments/ledger/.

    Each lands at 64 or more: size (capped), codeowners (every file unowned)
    and a rubber-stamp review are its top signals, so codeowners is the
    driver the concentration card names (it wins the tie with size by name).
    Evening merges and last week's payments incident add the margin.
    """
    rng = draws.rng
    d = "services/payments/ledger/"
    specs: tuple[tuple[str, int, str, tuple[tuple[str, str], ...]], ...] = (
        (
            "tbauer",
            when(1, 18, 40),
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
            when(1, 20, 10),
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
            when(2, 19, 5),
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
            when(2, 20, 30),
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
            when(3, 18, 50),
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
    out: list[ChangePlan] = []
    for author, merged, title, parts in specs:
        # A thousand lines or more: the size signal is at its cap for every one.
        total = rng.randint(1050, 1400)
        weights = [rng.uniform(0.6, 1.4) for _ in parts]
        files: list[FilePlan] = []
        for (name, kind), w in zip(parts, weights, strict=True):
            lines = round(total * w / sum(weights))
            deleted = rng.randint(lines // 10, lines // 4) if kind == "modified" else 0
            files.append(FilePlan(d + name, lines - deleted, deleted, kind))
        opened = merged - rng.randint(25, 60)
        stamp = ReviewPlan(
            rng.choice(("mrossi", "skowalski")), "approved", opened + rng.randint(6, 14)
        )
        out.append(
            ChangePlan(
                LATEST_WEEK,
                opened,
                merged,
                author,
                author,
                title,
                tuple(files),
                (stamp,),
                ("feature", "ledger"),
                draws.sha(),
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


def friday(draws: Draws) -> list[ChangePlan]:
    """Story 2: a big checkout change merged Friday lunchtime, and its revert that night.

    The change scores in the mid-sixties on its own (payments code, a
    manifest, no tests, a quick approval, a Friday merge); the 15:35 deploy
    shipping it adds Friday timing on top, so the deploy is high risk.
    The revert merges after the incident is resolved and is never deployed.
    """
    merged = when(4, 13, 50)
    opened = when(4, 12, 40)
    files = tuple(FilePlan(p, a, d, "added" if d == 0 else "modified") for p, a, d in _FRIDAY_FILES)
    change = ChangePlan(
        LATEST_WEEK,
        opened,
        merged,
        "jpark",
        "jpark",
        "Switch order confirmation to async payment capture",
        files,
        (ReviewPlan("aferreira", "approved", opened + 12),),
        ("feature",),
        draws.sha(),
        tag="async-capture",
    )
    revert_files = tuple(
        FilePlan(f.path, f.deleted, f.added, "deleted" if f.change_type == "added" else "modified")
        for f in files
    )
    revert = ChangePlan(
        LATEST_WEEK,
        when(4, 21, 20),
        when(4, 21, 50),
        "lhoffmann",
        "lhoffmann",
        'Revert "Switch order confirmation to async payment capture"',
        revert_files,
        (ReviewPlan("jpark", "approved", when(4, 21, 32)),),
        ("revert",),
        draws.sha(),
        is_revert=True,
        reverts_tag="async-capture",
    )
    return [change, revert]


def agent_unreviewed(draws: Draws) -> list[ChangePlan]:
    """Story 4: the coding agent merges four of its own PRs with no human approval."""
    specs = (
        (
            when(1, 15, 10),
            "Add retry jitter to the push notification sender",
            (
                "services/notifications/dispatch/push.py",
                "services/notifications/tests/test_dispatch.py",
            ),
            None,
        ),
        (
            when(2, 16, 20),
            "Fix off-by-one in search result pagination",
            ("services/search/api/handlers.go", "services/search/api/handlers_test.go"),
            "hsato",
        ),
        (
            when(3, 10, 40),
            "Handle empty synonym files in the query parser",
            ("services/search/query/synonyms.go", "services/search/query/parser_test.go"),
            None,
        ),
        (
            when(3, 15, 5),
            "Use the new sender ID in SMS notifications",
            (
                "services/notifications/dispatch/sms.py",
                "services/notifications/tests/test_dispatch.py",
            ),
            None,
        ),
    )
    out: list[ChangePlan] = []
    for merged, title, paths, commenter in specs:
        opened = merged - draws.rng.randint(35, 90)
        files = draws.split(draws.rng.randint(30, 60), list(paths))
        reviews: tuple[ReviewPlan, ...] = ()
        if commenter:
            # A human looked and commented, but never approved.
            reviews = (ReviewPlan(commenter, "commented", opened + 20, comments=2),)
        out.append(
            ChangePlan(
                LATEST_WEEK,
                opened,
                merged,
                COPILOT,
                COPILOT,
                title,
                tuple(files),
                reviews,
                ("ai-agent",),
                draws.sha(),
            )
        )
    return out
