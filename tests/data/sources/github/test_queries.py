"""The query parts and their prices, and turning a pull request node into a SourceChange."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from graphql import build_schema, parse, validate

from data.source_values import SourceChangeFile
from data.sources.github.graphql_queries import (
    build_query,
    label_continuation,
    label_sweep,
    more_of_pull,
    pull_by_number,
    pull_page,
    query_cost,
    spare_requests,
)
from data.sources.github.pulls import parse_pull
from fakes.github_graphql import SDL, price

SCHEMA = build_schema(SDL)
REPO = "acme/shop"


def _price(query: str, variables: dict[str, Any] | None = None) -> tuple[int, int]:
    document = parse(query)
    assert validate(SCHEMA, document) == []
    found = price(SCHEMA, document, variables)
    assert found.errors == ()
    return found.requests, found.cost


def _prs(inner: str) -> str:
    return (
        'query($n: Int!) { repository(owner: "a", name: "b") { '
        f"pullRequests(first: $n) {{ nodes {{ number {inner} }} }} }} }}"
    )


@pytest.mark.parametrize(
    ("query", "variables", "expected"),
    [
        pytest.param(_prs(""), {"n": 100}, (1, 1), id="one-connection"),
        pytest.param(
            _prs("files(first: 100) { nodes { path } } reviews(first: 100) { nodes { state } }"),
            {"n": 100},
            (201, 2),
            id="two-nested-is-2",
        ),
        pytest.param(
            _prs(
                "files(first: 100) { nodes { path } } reviews(first: 100) { nodes { state } } "
                "labels(first: 10) { nodes { name } }"
            ),
            {"n": 100},
            (301, 3),
            id="three-nested-is-3",
        ),
        pytest.param(
            _prs("files(first: 1) { nodes { path } } reviews(first: 1) { nodes { state } }"),
            {"n": 74},
            (149, 1),
            id="page-of-74-is-1",
        ),
        pytest.param(
            _prs("files(first: 1) { nodes { path } } reviews(first: 1) { nodes { state } }"),
            {"n": 75},
            (151, 2),
            id="page-of-75-is-2",
        ),
        pytest.param(
            'query($n: Int!) { repository(owner: "a", name: "b") { '
            "labels(first: 20) { nodes { pullRequests(first: $n) { nodes { "
            "files(first: 10) { totalCount } } } } } } }",
            {"n": 10},
            (221, 2),
            id="multiplied-down-the-tree",
        ),
    ],
)
def test_the_fake_prices_queries_by_githubs_formula(
    query: str, variables: dict[str, Any], expected: tuple[int, int]
) -> None:
    """A connection costs a request per request of its parent; points are requests/100 rounded."""
    assert _price(query, variables) == expected


def test_every_part_is_valid_for_githubs_schema_and_priced_as_planned() -> None:
    """A query built of every kind of part validates against the schema, costing what it planned."""
    parts = [
        pull_page(50, None),
        label_sweep(40, "Y3Vyc29y"),
        label_continuation(0, "bug", None),
        more_of_pull(0, 7, "files", "Y3Vyc29y"),
        more_of_pull(1, 7, "reviews", None),
        pull_by_number(0, 9),
    ]
    text, variables = build_query("Everything", parts, "acme", "shop")

    planned = sum(p.requests for p in parts)
    assert _price(text, variables) == (planned, query_cost(planned))
    assert planned == 101 + 41 + 1 + 1 + 1 + 2


@pytest.mark.parametrize(
    ("requests", "cost", "spare"),
    [(0, 1, 149), (1, 1, 148), (149, 1, 0), (150, 2, 99), (201, 2, 48), (249, 2, 0), (250, 3, 99)],
)
def test_spare_requests_never_raise_the_cost(requests: int, cost: int, spare: int) -> None:
    """The spare room of a query is what it can carry at the same number of points."""
    assert query_cost(requests) == cost
    assert spare_requests(requests) == spare
    assert query_cost(requests + spare) == max(cost, 1)


def _node(**changes: Any) -> dict[str, Any]:
    node: dict[str, Any] = {
        "number": 12,
        "title": "Tidy checkout",
        "body": "",
        "url": "https://github.com/acme/shop/pull/12",
        "createdAt": "2026-02-01T09:00:00Z",
        "updatedAt": "2026-02-02T10:00:00Z",
        "mergedAt": "2026-02-02T09:30:00Z",
        "baseRefName": "main",
        "headRefName": "tidy",
        "author": {"__typename": "User", "login": "ann"},
        "mergedBy": {"login": "lead"},
        "mergeCommit": {"oid": "b" * 40, "message": "Tidy checkout (#12)"},
        "totalCommentsCount": 3,
        "statusCheckRollup": {"state": "SUCCESS"},
    }
    node.update(changes)
    return node


@pytest.mark.parametrize(
    ("changes", "labels", "expected"),
    [
        pytest.param({}, (), (False, False, None), id="plain"),
        pytest.param(
            {"headRefName": "revert-7-tidy", "title": 'Revert "Tidy"'},
            (),
            (True, False, "acme/shop#7"),
            id="revert-branch",
        ),
        pytest.param({"title": 'Revert "Tidy"'}, (), (True, False, None), id="revert-title"),
        pytest.param(
            {"body": "Reverts acme/other#5\n\nBroke search."},
            (),
            (True, False, "acme/other#5"),
            id="revert-body",
        ),
        pytest.param(
            {"headRefName": "hotfix/rounding"}, (), (False, True, None), id="hotfix-branch"
        ),
        pytest.param({}, ("Hotfix",), (False, True, None), id="hotfix-label"),
        pytest.param({"title": "Hot-fix the totals"}, (), (False, True, None), id="hotfix-title"),
    ],
)
def test_reverts_and_hotfixes_are_recognised(
    changes: dict[str, Any], labels: tuple[str, ...], expected: tuple[bool, bool, str | None]
) -> None:
    """GitHub's revert branches, revert titles and bodies, and hotfix words mark the change."""
    record = parse_pull(_node(**changes), REPO, files=(), reviews=(), labels=labels)

    assert (record.is_revert, record.is_hotfix, record.reverts_key) == expected


def test_a_node_becomes_a_change_record() -> None:
    """Every field of the pull request lands in its place; trailers are read once each."""
    trailer = "Co-authored-by: Copilot <1+Copilot@users.noreply.github.com>"
    node = _node(
        body=f"Tidy.\n\n{trailer}\nco-authored-by: Bo <bo@example.com>",
        mergeCommit={"oid": "c" * 40, "message": f"Tidy (#12)\n\n{trailer}"},
        author={"__typename": "Bot", "login": "renovate"},
        statusCheckRollup={"state": "PENDING"},
    )
    seen: list[tuple[str, datetime]] = []

    def owners(path: str, when: datetime) -> tuple[str, ...] | None:
        seen.append((path, when))
        return None if path.startswith("docs/") else ("@acme/checkout",)

    record = parse_pull(
        node,
        REPO,
        files=(SourceChangeFile("checkout/a.py", 1, 2), SourceChangeFile("docs/b.md")),
        reviews=(),
        labels=("chore",),
        owners_of=owners,
    )

    merged = datetime(2026, 2, 2, 9, 30, tzinfo=UTC)
    assert record.key == "acme/shop#12"
    assert (record.author, record.author_is_bot, record.merged_by) == ("renovate", True, "lead")
    assert (record.merged_at, record.opened_at) == (merged, datetime(2026, 2, 1, 9, tzinfo=UTC))
    assert record.sha == "c" * 40
    assert record.co_authors == (
        "Copilot <1+Copilot@users.noreply.github.com>",
        "Bo <bo@example.com>",
    )
    assert (record.ci_status, record.review_comments, record.labels) == ("pending", 3, ("chore",))
    assert [f.owners for f in record.files] == [("@acme/checkout",), None]
    assert seen == [("checkout/a.py", merged), ("docs/b.md", merged)]


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"mergedAt": None}, id="no-merge-time"),
        pytest.param({"mergedAt": "soon"}, id="bad-merge-time"),
        pytest.param({"createdAt": "2026-02-01T09:00:00"}, id="time-without-zone"),
        pytest.param({"number": "12"}, id="number-as-text"),
        pytest.param({"title": None}, id="no-title"),
    ],
)
def test_a_malformed_node_is_refused_with_the_field_named(changes: dict[str, Any]) -> None:
    """A node missing a needed field, or with one of the wrong kind, raises ValueError naming it."""
    with pytest.raises(ValueError, match=next(iter(changes))):
        parse_pull(_node(**changes), REPO, files=(), reviews=())


def test_a_deleted_author_is_githubs_ghost() -> None:
    """A pull request whose author's account is gone is authored by ``ghost``."""
    assert parse_pull(_node(author=None), REPO, files=(), reviews=()).author == "ghost"
