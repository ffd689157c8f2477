"""The GraphQL text the pull-request sync sends, built from parts with a known point cost.

GitHub prices a query before running it: every connection counts as the
requests needed to fill it, assuming each one reaches its ``first``/``last``
(a connection at the top costs 1; one nested under a connection of
``first: N`` costs N per request of its parent, multiplied down the tree); the
sum divided by 100 and rounded to the nearest integer is the cost in points,
at least 1. ``query_cost`` is that formula, and every ``QueryPart`` carries the
requests it adds, so a caller can fill a query with extra work up to the point
where its cost would round up (``spare_requests``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "NESTED_FIRST",
    "QueryPart",
    "build_query",
    "label_continuation",
    "label_sweep",
    "more_of_pull",
    "pull_by_number",
    "pull_page",
    "query_cost",
    "spare_requests",
]

# Files and reviews are read 100 at a time inside each pull request: the most
# GitHub allows, and no dearer than fewer (the cost counts parents, not `first`).
NESTED_FIRST = 100

# Open pull requests are scored as of now and closed ones leave the listing, so every
# state is read: the same pages, and the same points per pull request read.
_ORDER = "states: [OPEN, MERGED, CLOSED], orderBy: {field: UPDATED_AT, direction: DESC}"

_FRAGMENTS: dict[str, str] = {
    "PullFields": """fragment PullFields on PullRequest {
  number title body url state createdAt updatedAt mergedAt baseRefName headRefName headRefOid
  isDraft
  author { __typename login }
  mergedBy { login }
  mergeCommit { oid message }
  totalCommentsCount
  statusCheckRollup { state }
  files(first: NESTED) { ...FilePage }
  reviews(first: NESTED) { ...ReviewPage }
}""".replace("NESTED", str(NESTED_FIRST)),
    "FilePage": """fragment FilePage on PullRequestChangedFileConnection {
  pageInfo { hasNextPage endCursor }
  nodes { path additions deletions changeType }
}""",
    "ReviewPage": """fragment ReviewPage on PullRequestReviewConnection {
  pageInfo { hasNextPage endCursor }
  nodes { author { __typename login } state submittedAt }
}""",
    "LabelPulls": """fragment LabelPulls on PullRequestConnection {
  pageInfo { hasNextPage endCursor }
  nodes { number updatedAt }
}""",
}
# Fragments a fragment spreads, so that only used ones are sent (GitHub rejects unused ones).
_NEEDS: dict[str, tuple[str, ...]] = {"PullFields": ("FilePage", "ReviewPage")}


def query_cost(requests: int) -> int:
    """Points GitHub charges for a query of ``requests`` requests: requests/100 rounded, ≥ 1."""
    return max(1, (requests + 50) // 100)


def spare_requests(requests: int) -> int:
    """How many more requests a query of ``requests`` can carry without costing another point."""
    cost = query_cost(requests)
    # Stay clear of x.5 whichever way GitHub rounds a half.
    return max(0, cost * 100 + 49 - requests)


@dataclass(frozen=True, slots=True)
class QueryPart:
    """A selection under ``repository``: its text, variables and the requests it adds."""

    text: str
    requests: int
    var_defs: tuple[str, ...] = ()
    variables: Mapping[str, Any] = field(default_factory=dict)
    fragments: tuple[str, ...] = ()
    # What the answer under ``alias`` means to the caller (a label, a pull request number).
    alias: str = ""


def build_query(
    name: str, parts: Sequence[QueryPart], owner: str, repo: str
) -> tuple[str, dict[str, Any]]:
    """One query named ``name`` with ``parts`` under the repository, plus ``rateLimit``."""
    var_defs = ["$owner: String!", "$name: String!"]
    variables: dict[str, Any] = {"owner": owner, "name": repo}
    wanted: list[str] = []
    for part in parts:
        var_defs.extend(part.var_defs)
        variables.update(part.variables)
        for frag in part.fragments:
            for needed in (frag, *_NEEDS.get(frag, ())):
                if needed not in wanted:
                    wanted.append(needed)
    body = "\n    ".join(p.text for p in parts)
    text = (
        f"query {name}({', '.join(var_defs)}) {{\n"
        "  rateLimit { cost remaining resetAt }\n"
        "  repository(owner: $owner, name: $name) {\n"
        f"    {body}\n"
        "  }\n"
        "}\n"
    )
    text += "".join(f"\n{_FRAGMENTS[f]}\n" for f in wanted)
    return text, variables


def pull_page(first: int, after: str | None) -> QueryPart:
    """Pull requests (open, merged, closed), most recently updated first, with files and reviews."""
    return QueryPart(
        text=(
            f"pulls: pullRequests(first: $first, after: $after, {_ORDER}) {{\n"
            "      pageInfo { hasNextPage endCursor }\n"
            "      nodes { ...PullFields }\n"
            "    }"
        ),
        # The page itself, then files and reviews once per pull request of it.
        requests=1 + 2 * first,
        var_defs=("$first: Int!", "$after: String"),
        variables={"first": first, "after": after},
        fragments=("PullFields",),
        alias="pulls",
    )


def label_sweep(first: int, after: str | None) -> QueryPart:
    """The repository's labels, each with its most recently updated pull requests."""
    return QueryPart(
        text=(
            "sweep: labels(first: $sweepFirst, after: $sweepAfter) {\n"
            "      pageInfo { hasNextPage endCursor }\n"
            f"      nodes {{ name pullRequests(first: 100, {_ORDER}) {{ ...LabelPulls }} }}\n"
            "    }"
        ),
        requests=1 + first,
        var_defs=("$sweepFirst: Int!", "$sweepAfter: String"),
        variables={"sweepFirst": first, "sweepAfter": after},
        fragments=("LabelPulls",),
        alias="sweep",
    )


def label_continuation(index: int, label: str, after: str | None) -> QueryPart:
    """The next pull requests of one label: a connection at the top, so 1 request."""
    alias = f"l{index}"
    return QueryPart(
        text=(
            f"{alias}: label(name: ${alias}n) {{ "
            f"pullRequests(first: 100, after: ${alias}a, {_ORDER}) {{ ...LabelPulls }} }}"
        ),
        requests=1,
        var_defs=(f"${alias}n: String!", f"${alias}a: String"),
        variables={f"{alias}n": label, f"{alias}a": after},
        fragments=("LabelPulls",),
        alias=alias,
    )


def more_of_pull(index: int, number: int, connection: str, after: str | None) -> QueryPart:
    """The next page of one pull request's ``files`` or ``reviews``: 1 request."""
    fragment = {"files": "FilePage", "reviews": "ReviewPage"}[connection]
    # The alias says which connection it is: f0 for files, r0 for reviews.
    alias = f"{connection[0]}{index}"
    return QueryPart(
        text=(
            f"{alias}: pullRequest(number: ${alias}n) {{ "
            f"{connection}(first: {NESTED_FIRST}, after: ${alias}a) {{ ...{fragment} }} }}"
        ),
        requests=1,
        var_defs=(f"${alias}n: Int!", f"${alias}a: String"),
        variables={f"{alias}n": number, f"{alias}a": after},
        fragments=(fragment,),
        alias=alias,
    )


def pull_by_number(index: int, number: int) -> QueryPart:
    """One pull request with its first files and reviews: 2 connections at the top, 2 requests."""
    alias = f"p{index}"
    return QueryPart(
        text=f"{alias}: pullRequest(number: ${alias}n) {{ ...PullFields }}",
        requests=2,
        var_defs=(f"${alias}n: Int!",),
        variables={f"{alias}n": number},
        fragments=("PullFields",),
        alias=alias,
    )
