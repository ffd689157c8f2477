"""A fake of GitHub's GraphQL API on a ``FakeServer``: the real protocol over real HTTP.

``POST /graphql`` (and GHES's ``/api/graphql``) takes ``{"query", "variables"}``
and answers ``{"data": ...}`` and/or ``{"errors": [...]}`` as GitHub does. The
query is parsed and validated by graphql-core against ``SDL``, an SDL copy of
the part of GitHub's schema riskbrief reads (same type, field, argument and
enum names), then executed over in-memory pull requests, so a field GitHub
does not have fails here too. Before running, it checks GitHub's rules on
connections (``first`` or ``last`` on each, at most 100, at most 500,000
nodes) and prices the query with GitHub's published formula (``price``):
``rateLimit { cost remaining resetAt }`` answers with that cost, and
``points_used`` adds it up.

Failures are injected with the server's ``fail_next("/graphql", Answer(...))``
(502/504, a secondary-limit 403 with ``retry-after``, a 200 carrying a
``RATE_LIMITED`` error, ``Answer(raw=...)`` for cut-short JSON), with
``break_field`` (one pull request's field errors, GitHub answering the rest),
and with pull requests whose fields are malformed (times are kept as strings).

``FakeGitHubGraphQL.install(server)`` adds its routes to a ``FakeServer``, so
a composite GitHub fake can put REST routes beside them on the same server.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInt,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    build_schema,
    default_field_resolver,
    execute_sync,
    get_named_type,
    parse,
    validate,
    value_from_ast,
)

from fakes.http import Answer, FakeServer, Request

__all__ = [
    "SDL",
    "FakeFile",
    "FakeGitHubGraphQL",
    "FakePull",
    "FakeReview",
    "Price",
    "iso",
    "make_fake_github_graphql",
    "price",
]

SDL = """
scalar DateTime
scalar URI
scalar GitObjectID

enum PullRequestState { OPEN CLOSED MERGED }
enum IssueOrderField { CREATED_AT UPDATED_AT COMMENTS }
enum OrderDirection { ASC DESC }
input IssueOrder { field: IssueOrderField! direction: OrderDirection! }
enum LabelOrderField { NAME CREATED_AT }
input LabelOrder { field: LabelOrderField! direction: OrderDirection! }
enum PatchStatus { ADDED CHANGED COPIED DELETED MODIFIED RENAMED }
enum PullRequestReviewState { APPROVED CHANGES_REQUESTED COMMENTED DISMISSED PENDING }
enum StatusState { ERROR EXPECTED FAILURE PENDING SUCCESS }

type Query {
  repository(owner: String!, name: String!, followRenames: Boolean = true): Repository
  rateLimit(dryRun: Boolean = false): RateLimit
}

type RateLimit {
  cost: Int!
  limit: Int!
  nodeCount: Int!
  remaining: Int!
  resetAt: DateTime!
  used: Int!
}

type PageInfo {
  endCursor: String
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
}

interface Actor {
  avatarUrl(size: Int): URI!
  login: String!
  resourcePath: URI!
  url: URI!
}
type User implements Actor {
  avatarUrl(size: Int): URI!
  login: String!
  name: String
  resourcePath: URI!
  url: URI!
}
type Bot implements Actor {
  avatarUrl(size: Int): URI!
  login: String!
  resourcePath: URI!
  url: URI!
}
type Organization implements Actor {
  avatarUrl(size: Int): URI!
  login: String!
  resourcePath: URI!
  url: URI!
}
type Mannequin implements Actor {
  avatarUrl(size: Int): URI!
  login: String!
  resourcePath: URI!
  url: URI!
}

type Repository {
  id: ID!
  name: String!
  nameWithOwner: String!
  url: URI!
  label(name: String!): Label
  labels(
    after: String
    before: String
    first: Int
    last: Int
    orderBy: LabelOrder
    query: String
  ): LabelConnection
  pullRequest(number: Int!): PullRequest
  pullRequests(
    after: String
    baseRefName: String
    before: String
    first: Int
    headRefName: String
    labels: [String!]
    last: Int
    orderBy: IssueOrder
    states: [PullRequestState!]
  ): PullRequestConnection!
}

type Label {
  id: ID!
  color: String!
  description: String
  name: String!
  pullRequests(
    after: String
    baseRefName: String
    before: String
    first: Int
    headRefName: String
    labels: [String!]
    last: Int
    orderBy: IssueOrder
    states: [PullRequestState!]
  ): PullRequestConnection!
}
type LabelEdge { cursor: String! node: Label }
type LabelConnection { edges: [LabelEdge] nodes: [Label] pageInfo: PageInfo! totalCount: Int! }

type PullRequest {
  id: ID!
  additions: Int!
  author: Actor
  baseRefName: String!
  body: String!
  changedFiles: Int!
  closedAt: DateTime
  commits(after: String, before: String, first: Int, last: Int): PullRequestCommitConnection!
  createdAt: DateTime!
  deletions: Int!
  files(after: String, before: String, first: Int, last: Int): PullRequestChangedFileConnection
  headRefName: String!
  headRefOid: GitObjectID!
  isDraft: Boolean!
  labels(
    after: String
    before: String
    first: Int
    last: Int
    orderBy: LabelOrder
  ): LabelConnection
  merged: Boolean!
  mergeCommit: Commit
  mergedAt: DateTime
  mergedBy: Actor
  number: Int!
  reviews(
    after: String
    author: String
    before: String
    first: Int
    last: Int
    states: [PullRequestReviewState!]
  ): PullRequestReviewConnection
  state: PullRequestState!
  statusCheckRollup: StatusCheckRollup
  title: String!
  totalCommentsCount: Int
  updatedAt: DateTime!
  url: URI!
}
type PullRequestEdge { cursor: String! node: PullRequest }
type PullRequestConnection {
  edges: [PullRequestEdge]
  nodes: [PullRequest]
  pageInfo: PageInfo!
  totalCount: Int!
}

type PullRequestChangedFile {
  additions: Int!
  changeType: PatchStatus!
  deletions: Int!
  path: String!
}
type PullRequestChangedFileEdge { cursor: String! node: PullRequestChangedFile }
type PullRequestChangedFileConnection {
  edges: [PullRequestChangedFileEdge]
  nodes: [PullRequestChangedFile]
  pageInfo: PageInfo!
  totalCount: Int!
}

type PullRequestReviewComment { body: String! path: String! }
type PullRequestReviewCommentEdge { cursor: String! node: PullRequestReviewComment }
type PullRequestReviewCommentConnection {
  edges: [PullRequestReviewCommentEdge]
  nodes: [PullRequestReviewComment]
  pageInfo: PageInfo!
  totalCount: Int!
}
type PullRequestReview {
  id: ID!
  author: Actor
  body: String!
  comments(
    after: String
    before: String
    first: Int
    last: Int
  ): PullRequestReviewCommentConnection!
  state: PullRequestReviewState!
  submittedAt: DateTime
}
type PullRequestReviewEdge { cursor: String! node: PullRequestReview }
type PullRequestReviewConnection {
  edges: [PullRequestReviewEdge]
  nodes: [PullRequestReview]
  pageInfo: PageInfo!
  totalCount: Int!
}

type StatusCheckRollup { state: StatusState! }
type Commit {
  oid: GitObjectID!
  message: String!
  messageBody: String!
  messageHeadline: String!
  committedDate: DateTime!
  statusCheckRollup: StatusCheckRollup
}
type PullRequestCommit { commit: Commit! }
type PullRequestCommitEdge { cursor: String! node: PullRequestCommit }
type PullRequestCommitConnection {
  edges: [PullRequestCommitEdge]
  nodes: [PullRequestCommit]
  pageInfo: PageInfo!
  totalCount: Int!
}
"""

_MAX_FIRST = 100
_MAX_NODES = 500_000


def iso(when: datetime) -> str:
    """``when`` as GitHub writes times: ISO 8601 in UTC with a ``Z``."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class FakeFile:
    """A file a pull request changed; ``change_type`` is a ``PatchStatus`` name."""

    path: str
    additions: int = 1
    deletions: int = 0
    change_type: str = "MODIFIED"


@dataclass(frozen=True, slots=True)
class FakeReview:
    """A review; ``submitted_at`` is ``None`` while pending, ``author`` once the user is gone."""

    author: str | None
    state: str = "APPROVED"
    submitted_at: str | None = "2026-01-01T00:00:00Z"
    # "Bot" for an app's review (Copilot's reviewer): GraphQL then drops the login's "[bot]".
    author_type: str = "User"


@dataclass(frozen=True, slots=True)
class FakePull:
    """A pull request as the fake stores it; times are strings so that tests can break them."""

    number: int
    updated_at: str
    title: str = ""
    merged_at: str | None = None
    created_at: str | None = None
    body: str = ""
    author: str | None = "dev"
    author_type: str = "User"
    merged_by: str | None = "lead"
    base: str = "main"
    head: str = ""
    merge_oid: str | None = None
    merge_message: str = ""
    labels: tuple[str, ...] = ()
    files: tuple[FakeFile, ...] = ()
    reviews: tuple[FakeReview, ...] = ()
    ci_state: str | None = "SUCCESS"
    total_comments: int = 0
    state: str = "MERGED"
    # The head commit; a push to the branch (``synchronize``) gives it a new one.
    head_oid: str | None = None
    draft: bool = False


# -- pricing ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Price:
    """What GitHub would charge for a query: requests, points, nodes and any rule it breaks."""

    requests: int
    cost: int
    nodes: int
    errors: tuple[str, ...] = ()


def price(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None = None,
    operation_name: str | None = None,
) -> Price:
    """GitHub's formula: each connection needs one request per request of its parent.

    A connection at the top needs 1 request; one under a connection of
    ``first: N`` needs N per request of that parent, multiplied down the tree.
    The cost is the requests divided by 100, rounded, at least 1. The
    document must already be valid for ``schema``.
    """
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    operation = next(
        (
            o
            for o in operations
            if operation_name is None or (o.name and o.name.value == operation_name)
        ),
        operations[0],
    )
    vars_ = dict(variables or {})
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name not in vars_ and definition.default_value is not None:
            vars_[name] = value_from_ast(definition.default_value, GraphQLInt)
    requests = 0
    nodes = 0
    errors: list[str] = []

    def visit(selections: SelectionSetNode, parent: Any, multiplier: int) -> None:
        nonlocal requests, nodes
        for selection in selections.selections:
            if isinstance(selection, FragmentSpreadNode):
                fragment = fragments[selection.name.value]
                on = schema.get_type(fragment.type_condition.name.value)
                visit(fragment.selection_set, on, multiplier)
            elif isinstance(selection, InlineFragmentNode):
                on = (
                    schema.get_type(selection.type_condition.name.value)
                    if selection.type_condition
                    else parent
                )
                visit(selection.selection_set, on, multiplier)
            elif isinstance(selection, FieldNode):
                name = selection.name.value
                if name.startswith("__") or not isinstance(
                    parent, GraphQLObjectType | GraphQLInterfaceType
                ):
                    continue
                target = get_named_type(parent.fields[name].type)
                below = multiplier
                if target.name.endswith("Connection"):
                    size = _page_size(selection, vars_)
                    if size is None:
                        errors.append(
                            f"You must provide a `first` or `last` value to properly paginate "
                            f"the `{name}` connection."
                        )
                        size = 0
                    elif not 1 <= size <= _MAX_FIRST:
                        errors.append(
                            f"Requesting {size} records on the `{name}` connection exceeds the "
                            f"`first` limit of {_MAX_FIRST} records."
                        )
                    requests += multiplier
                    nodes += multiplier * size
                    below = multiplier * max(size, 1)
                if selection.selection_set is not None:
                    visit(selection.selection_set, target, below)

    visit(operation.selection_set, schema.query_type, 1)
    if nodes > _MAX_NODES:
        errors.append(
            f"This query requests up to {nodes:,} possible nodes which exceeds the maximum "
            f"limit of {_MAX_NODES:,}."
        )
    return Price(requests, max(1, (requests + 50) // 100), nodes, tuple(errors))


def _page_size(node: FieldNode, variables: Mapping[str, Any]) -> int | None:
    for argument in node.arguments or ():
        if argument.name.value in ("first", "last"):
            value = value_from_ast(argument.value, GraphQLInt, dict(variables))
            if isinstance(value, int):
                return value
    return None


# -- the fake --------------------------------------------------------------


class _Refusal(GraphQLError):
    """An error GitHub reports with a ``type`` (``NOT_FOUND``) beside its message."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


def _cursor(value: Any) -> str:
    return base64.b64encode(json.dumps(value).encode()).decode()


def _uncursor(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(base64.b64decode(text.encode()))
    except (ValueError, TypeError):
        raise GraphQLError(f"`{text}` does not appear to be a valid cursor.") from None


def _connection(
    items: Sequence[Any], keys: Sequence[Any], args: Mapping[str, Any]
) -> dict[str, Any]:
    """A page of ``items`` (each with its sort ``key``) after/before the cursors in ``args``."""
    pairs = list(zip(keys, items, strict=True))
    after = _uncursor(args.get("after"))
    before = _uncursor(args.get("before"))
    if after is not None:
        pairs = [p for p in pairs if _later(p[0], after)]
    if before is not None:
        pairs = [p for p in pairs if _later(before, p[0])]
    first, last = args.get("first"), args.get("last")
    total = len(pairs)
    if first is not None:
        page = pairs[:first]
    elif last is not None:
        page = pairs[-last:] if last else []
    else:
        page = pairs
    more_after = len(page) < len(pairs) and first is not None
    more_before = len(page) < len(pairs) and last is not None
    return {
        "nodes": [item for _, item in page],
        "edges": [{"cursor": _cursor(key), "node": item} for key, item in page],
        "pageInfo": {
            "hasNextPage": more_after,
            "hasPreviousPage": more_before or after is not None,
            "startCursor": _cursor(page[0][0]) if page else None,
            "endCursor": _cursor(page[-1][0]) if page else None,
        },
        "totalCount": total,
    }


def _later(key: Any, than: Any) -> bool:
    # Keys are lists compared position by position, in the order the list is sorted.
    return bool(key > than)


def _actor(login: str | None, kind: str = "User") -> dict[str, Any] | None:
    if login is None:
        return None
    return {
        "__typename": kind,
        "login": login,
        "url": f"https://github.com/{login}",
        "resourcePath": f"/{login}",
        "avatarUrl": f"https://avatars.example/{login}",
        "name": login,
    }


class FakeGitHubGraphQL:
    """GitHub's GraphQL endpoint over in-memory repositories of pull requests.

    ``token`` is the only credential accepted (``Authorization: Bearer``);
    ``remaining`` is what ``rateLimit.remaining`` says after each query (the
    points left of ``limit`` when ``None``). ``queries`` records each query as
    ``(operation name, variables, Price)``.
    """

    def __init__(
        self,
        token: str = "test-token",
        *,
        limit: int = 5000,
        now: datetime | None = None,
    ) -> None:
        self.token = token
        # Further tokens accepted, e.g. the REST fake's set, which an App's minted tokens join.
        self.tokens: set[str] = set()
        self.limit = limit
        self.remaining: int | None = None
        # When rateLimit.resetAt says the points come back, after ``now``.
        self.reset_in = timedelta(hours=1)
        self.now = now or datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
        self.repositories: dict[str, dict[int, FakePull]] = {}
        self.broken: dict[tuple[str, int], set[str]] = {}
        self.points_used = 0
        self.queries: list[tuple[str | None, dict[str, Any], Price]] = []
        self.schema = build_schema(SDL)
        self._wire()

    # -- data --------------------------------------------------------------

    def add(self, repository: str, pulls: Iterable[FakePull]) -> None:
        """Put ``pulls`` into ``repository`` (created if new), replacing any of the same number."""
        repo = self.repositories.setdefault(repository, {})
        for pull in pulls:
            repo[pull.number] = pull

    def update(self, repository: str, number: int, **changes: Any) -> FakePull:
        """Change fields of one pull request (e.g. ``updated_at``, ``labels``)."""
        pull = replace(self.repositories[repository][number], **changes)
        self.repositories[repository][number] = pull
        return pull

    def break_field(self, repository: str, number: int, field_name: str) -> None:
        """Make GitHub fail to resolve ``field_name`` of one pull request (a partial answer)."""
        self.broken.setdefault((repository, number), set()).add(field_name)

    # -- HTTP --------------------------------------------------------------

    def install(self, server: FakeServer) -> None:
        """Answer GraphQL on ``server`` (github.com's and GHES's paths)."""
        server.add("POST", r"/graphql|/api/graphql", self.handle)

    def handle(self, request: Request, _match: re.Match[str]) -> Answer:
        """Answer one GraphQL request as GitHub would."""
        given = request.headers.get("authorization", "")
        if given != f"Bearer {self.token}" and given.removeprefix("Bearer ") not in self.tokens:
            return Answer(
                401,
                {
                    "message": "Bad credentials",
                    "documentation_url": "https://docs.github.com/graphql",
                },
            )
        try:
            body = request.json()
            query = body["query"]
            variables = body.get("variables") or {}
        except (ValueError, KeyError, TypeError):
            return Answer(400, {"message": "Problems parsing JSON"})
        try:
            document = parse(query)
        except GraphQLError as exc:
            return Answer(200, {"errors": [{"message": exc.message, "type": "PARSE_ERROR"}]})
        problems = validate(self.schema, document)
        if problems:
            return Answer(200, {"errors": [{"message": p.message} for p in problems]})
        operation = body.get("operationName")
        cost = price(self.schema, document, variables, operation)
        self.queries.append((_operation_name(document), dict(variables), cost))
        if cost.errors:
            return Answer(
                200,
                {
                    "errors": [
                        {"message": m, "type": "MAX_NODE_LIMIT_EXCEEDED"} for m in cost.errors
                    ]
                },
            )
        self.points_used += cost.cost
        result = execute_sync(
            self.schema,
            document,
            root_value={},
            variable_values=variables,
            operation_name=operation,
            context_value={"price": cost},
        )
        answer: dict[str, Any] = {"data": result.data}
        if result.errors:
            answer["errors"] = [_error(e) for e in result.errors]
        return Answer(200, answer)

    # -- resolvers ---------------------------------------------------------

    def _wire(self) -> None:
        types = self.schema.type_map

        def resolve_actor(value: Any, _info: Any, _type: Any) -> str:
            return str(value["__typename"])

        actor = types["Actor"]
        assert isinstance(actor, GraphQLInterfaceType)
        actor.resolve_type = resolve_actor

        def field_of(type_name: str, name: str) -> Any:
            t = types[type_name]
            assert isinstance(t, GraphQLObjectType)
            return t.fields[name]

        field_of("Query", "repository").resolve = self._repository
        field_of("Query", "rateLimit").resolve = self._rate_limit
        field_of("Repository", "pullRequests").resolve = self._pulls_of_repo
        field_of("Repository", "pullRequest").resolve = self._pull_of_repo
        field_of("Repository", "labels").resolve = self._labels_of_repo
        field_of("Repository", "label").resolve = self._label_of_repo
        field_of("Label", "pullRequests").resolve = self._pulls_of_label
        for name in ("files", "reviews", "labels", "commits"):
            field_of("PullRequest", name).resolve = self._listed(name)
        field_of("PullRequestReview", "comments").resolve = self._listed("comments")
        pull_type = types["PullRequest"]
        assert isinstance(pull_type, GraphQLObjectType)
        for name, definition in pull_type.fields.items():
            definition.resolve = self._breakable(definition.resolve or default_field_resolver, name)

    def _breakable(self, inner: Any, name: str) -> Any:
        def resolve(obj: Any, info: Any, **args: Any) -> Any:
            if name in obj.get("_broken", ()):
                raise GraphQLError(
                    "Something went wrong while executing your query. Please include "
                    "`ABCD:1234` when reporting this issue."
                )
            return inner(obj, info, **args)

        return resolve

    def _repository(self, _root: Any, _info: Any, owner: str, name: str, **_: Any) -> Any:
        full = f"{owner}/{name}"
        if full not in self.repositories:
            raise _Refusal(
                f"Could not resolve to a Repository with the name '{full}'.", "NOT_FOUND"
            )
        return {
            "_repo": full,
            "id": f"R_{full}",
            "name": name,
            "nameWithOwner": full,
            "url": f"https://github.com/{full}",
        }

    def _rate_limit(self, _root: Any, info: Any, **_: Any) -> Any:
        cost: Price = info.context["price"]
        used = min(self.limit, self.points_used)
        remaining = self.remaining if self.remaining is not None else self.limit - used
        return {
            "cost": cost.cost,
            "limit": self.limit,
            "nodeCount": cost.nodes,
            "remaining": remaining,
            "resetAt": iso(self.now + self.reset_in),
            "used": used,
        }

    def _pull_list(
        self, repo: str, args: Mapping[str, Any], label: str | None = None
    ) -> dict[str, Any]:
        pulls = list(self.repositories[repo].values())
        states = args.get("states")
        if states:
            pulls = [p for p in pulls if p.state in states]
        wanted = set(args.get("labels") or ()) | ({label} if label else set())
        if wanted:
            pulls = [p for p in pulls if wanted & set(p.labels)]
        for arg, attr in (("baseRefName", "base"), ("headRefName", "head")):
            if args.get(arg):
                pulls = [p for p in pulls if getattr(p, attr) == args[arg]]
        order = args.get("orderBy") or {"field": "CREATED_AT", "direction": "ASC"}
        attr = {
            "UPDATED_AT": "updated_at",
            "CREATED_AT": "created_at",
            "COMMENTS": "total_comments",
        }[order["field"]]

        def sort_key(p: FakePull) -> list[Any]:
            value = getattr(p, attr) if attr != "created_at" else (p.created_at or p.updated_at)
            # Keys ascend in the list's own order, so a DESC list negates what it sorts by.
            if order["direction"] == "DESC":
                return [_negate(value), -p.number]
            return [value, p.number]

        pulls.sort(key=sort_key)
        return _connection(
            [self._pull_node(repo, p) for p in pulls], [sort_key(p) for p in pulls], args
        )

    def _pulls_of_repo(self, obj: Any, _info: Any, **args: Any) -> Any:
        return self._pull_list(obj["_repo"], args)

    def _pulls_of_label(self, obj: Any, _info: Any, **args: Any) -> Any:
        return self._pull_list(obj["_repo"], args, label=obj["name"])

    def _pull_of_repo(self, obj: Any, _info: Any, number: int) -> Any:
        pull = self.repositories[obj["_repo"]].get(number)
        if pull is None:
            raise _Refusal(
                f"Could not resolve to a PullRequest with the number of {number}.", "NOT_FOUND"
            )
        return self._pull_node(obj["_repo"], pull)

    def _label_names(self, repo: str) -> list[str]:
        return sorted({name for p in self.repositories[repo].values() for name in p.labels})

    def _label_node(self, repo: str, name: str) -> dict[str, Any]:
        return {
            "_repo": repo,
            "id": f"LA_{name}",
            "name": name,
            "color": "ededed",
            "description": None,
        }

    def _labels_of_repo(self, obj: Any, _info: Any, **args: Any) -> Any:
        names = self._label_names(obj["_repo"])
        return _connection(
            [self._label_node(obj["_repo"], n) for n in names], [[n] for n in names], args
        )

    def _label_of_repo(self, obj: Any, _info: Any, name: str) -> Any:
        if name not in self._label_names(obj["_repo"]):
            return None
        return self._label_node(obj["_repo"], name)

    def _listed(self, name: str) -> Any:
        def resolve(obj: Any, _info: Any, **args: Any) -> Any:
            items = obj[f"_{name}"]
            return _connection(items, [[i] for i in range(len(items))], args)

        return resolve

    def _pull_node(self, repo: str, p: FakePull) -> dict[str, Any]:
        merged = p.state == "MERGED"
        merged_at = p.merged_at if p.merged_at is not None or not merged else p.updated_at
        files = [
            {
                "path": f.path,
                "additions": f.additions,
                "deletions": f.deletions,
                "changeType": f.change_type,
            }
            for f in p.files
        ]
        reviews: list[dict[str, Any]] = [
            {
                "id": f"PRR_{p.number}_{i}",
                "author": _actor(r.author, r.author_type),
                "body": "",
                "state": r.state,
                "submittedAt": r.submitted_at,
                "_comments": [],
            }
            for i, r in enumerate(p.reviews)
        ]
        oid = p.merge_oid or f"{p.number:040x}"
        commit = {
            "oid": oid,
            "message": p.merge_message or f"{p.title} (#{p.number})",
            "messageHeadline": (p.merge_message or p.title).split("\n", 1)[0],
            "messageBody": "",
            "committedDate": merged_at,
            "statusCheckRollup": None,
        }
        return {
            "_repo": repo,
            "_broken": self.broken.get((repo, p.number), set()),
            "_files": files,
            "_reviews": reviews,
            "_labels": [self._label_node(repo, n) for n in p.labels],
            "_commits": [{"commit": commit}],
            "id": f"PR_{repo}_{p.number}",
            "number": p.number,
            "title": p.title or f"Change {p.number}",
            "body": p.body,
            "url": f"https://github.com/{repo}/pull/{p.number}",
            "state": p.state,
            "merged": merged,
            "createdAt": p.created_at or p.updated_at,
            "updatedAt": p.updated_at,
            "mergedAt": merged_at if merged else None,
            "closedAt": merged_at if merged else None,
            "baseRefName": p.base,
            "headRefName": p.head or f"feature-{p.number}",
            "headRefOid": p.head_oid or f"{p.number + 1:040x}",
            "isDraft": p.draft,
            "additions": sum(f.additions for f in p.files),
            "deletions": sum(f.deletions for f in p.files),
            "changedFiles": len(p.files),
            "author": _actor(p.author, p.author_type),
            "mergedBy": _actor(p.merged_by) if merged else None,
            "mergeCommit": commit if merged else None,
            "totalCommentsCount": p.total_comments,
            "statusCheckRollup": {"state": p.ci_state} if p.ci_state else None,
        }


def _negate(value: Any) -> Any:
    if isinstance(value, int):
        return -value
    # Strings sort descending by their code points negated.
    return [-ord(c) for c in str(value)] + [1]


def _operation_name(document: DocumentNode) -> str | None:
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and definition.name:
            return definition.name.value
    return None


def _error(error: GraphQLError) -> dict[str, Any]:
    out: dict[str, Any] = dict(error.formatted)
    original = error.original_error
    if isinstance(original, _Refusal):
        out["type"] = original.kind
    elif isinstance(error, _Refusal):
        out["type"] = error.kind
    return out


def make_fake_github_graphql(server: FakeServer, token: str = "test-token") -> FakeGitHubGraphQL:
    """A ``FakeGitHubGraphQL`` answering on ``server``."""
    fake = FakeGitHubGraphQL(token)
    fake.install(server)
    return fake
