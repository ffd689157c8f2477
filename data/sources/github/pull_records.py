"""A pull request (merged, open or closed) from GitHub's GraphQL API, read into a ``SourceChange``.

Everything here is parsing: no query, no cursor. A node with missing or
malformed fields raises ``MalformedPull``, which the sync logs and skips.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from data.codeowners import OwnersOf
from data.source_values import REVIEW_STATES, SourceChange, SourceChangeFile, SourceReview
from data.sources.times import TimeFormatError, parse_time
from scoring.authorship import agent_in_message
from scoring.change_key import ChangeKey

__all__ = [
    "ConnectionPage",
    "MalformedPull",
    "OwnersOf",
    "PartialPull",
    "field_of",
    "parse_pull",
    "partial_pull",
    "pull_time",
]


_CHANGE_TYPES = {
    "ADDED": "added",
    "DELETED": "deleted",
    "RENAMED": "renamed",
    "COPIED": "copied",
    "MODIFIED": "modified",
    # A file whose type changed (a file becoming a symlink) is a modification to us.
    "CHANGED": "modified",
}
_REVERT_BRANCH = re.compile(r"^revert-(\d+)-")
_REVERTS_BODY = re.compile(r"^\s*Reverts\s+([\w.-]+/[\w.-]+)#(\d+)\b", re.MULTILINE)
_REVERT_TITLE = re.compile(r'^\s*Revert\s+"', re.IGNORECASE)
_HOTFIX = re.compile(r"hot[-_ ]?fix", re.IGNORECASE)
_TRAILER = re.compile(r"^\s*Co-authored-by:\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)
_GHOST = "ghost"  # GitHub's name for a deleted account


class MalformedPull(ValueError):
    """A pull request in GitHub's answer lacks a field or has one of the wrong kind."""


# -- parsing -----------------------------------------------------------------


def field_of(obj: Any, key: str, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise MalformedPull(f"no {key}")
    value = obj[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise MalformedPull(f"{key} is {type(value).__name__}")
    return value


def _opt_str(obj: Mapping[str, Any], key: str) -> str | None:
    value = obj.get(key)
    return value if isinstance(value, str) else None


def _is_bot(actor: Any) -> bool:
    """True for an app account, whose GraphQL login lacks the ``[bot]`` REST shows."""
    return isinstance(actor, dict) and actor.get("__typename") == "Bot"


def _login(actor: Any) -> str | None:
    if isinstance(actor, dict) and isinstance(actor.get("login"), str):
        return str(actor["login"])
    return None


def pull_time(value: Any, key: str) -> datetime:
    try:
        return parse_time(value, key)
    except TimeFormatError as exc:
        raise MalformedPull(str(exc)) from None


@dataclass(frozen=True, slots=True)
class ConnectionPage:
    """One page of a connection: its nodes and the cursor of its next page, if any."""

    nodes: tuple[Any, ...]
    next_after: str | None

    @staticmethod
    def of(conn: Any, key: str) -> ConnectionPage:
        if not isinstance(conn, dict):
            raise MalformedPull(f"no {key}")
        info = field_of(conn, "pageInfo", dict)
        nodes = field_of(conn, "nodes", list)
        more = info.get("hasNextPage") is True
        after = info.get("endCursor")
        if more and not isinstance(after, str):
            raise MalformedPull(f"{key} has a next page without a cursor")
        return ConnectionPage(tuple(nodes), after if more else None)


def _file(node: Any) -> SourceChangeFile:
    kind = field_of(node, "changeType", str)
    return SourceChangeFile(
        path=field_of(node, "path", str),
        added=field_of(node, "additions", int),
        deleted=field_of(node, "deletions", int),
        change_type=_CHANGE_TYPES.get(kind.upper(), "modified"),
    )


def _review(node: Any) -> SourceReview | None:
    state = field_of(node, "state", str).lower()
    submitted = node.get("submittedAt")
    # A pending review has no submission time and is not a review yet.
    if state not in REVIEW_STATES or submitted is None:
        return None
    author = node.get("author")
    return SourceReview(
        reviewer=_login(author) or _GHOST,
        state=state,
        submitted_at=pull_time(submitted, "submittedAt"),
        reviewer_is_bot=_is_bot(author),
    )


@dataclass(slots=True)
class PartialPull:
    """A pull request read so far: its files and reviews may still have pages to come."""

    number: int
    updated_at: datetime
    node: dict[str, Any]
    files: list[SourceChangeFile]
    reviews: list[SourceReview]
    files_after: str | None
    reviews_after: str | None

    @property
    def complete(self) -> bool:
        return self.files_after is None and self.reviews_after is None

    def add(self, connection: str, conn: Any) -> None:
        page = ConnectionPage.of(conn, connection)
        if connection == "files":
            self.files.extend(_file(n) for n in page.nodes)
            self.files_after = page.next_after
        else:
            self.reviews.extend(r for r in map(_review, page.nodes) if r is not None)
            self.reviews_after = page.next_after


def partial_pull(node: Any) -> PartialPull:
    if not isinstance(node, dict):
        raise MalformedPull("the pull request is null")
    number = field_of(node, "number", int)
    updated = pull_time(node.get("updatedAt"), "updatedAt")
    if _state(node) == "merged":
        pull_time(node.get("mergedAt"), "mergedAt")
    field_of(node, "title", str)
    pull = PartialPull(number, updated, node, [], [], None, None)
    pull.add("files", node.get("files"))
    pull.add("reviews", node.get("reviews"))
    return pull


def _state(node: Mapping[str, Any]) -> str:
    """``merged``, ``open`` or ``closed``; a node without ``state`` (older queries) is merged."""
    state = node.get("state", "MERGED")
    if state not in ("OPEN", "MERGED", "CLOSED"):
        raise MalformedPull(f"state is {state!r}")
    return str(state).lower()


def _co_authors(*texts: str | None) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for text in texts:
        for match in _TRAILER.finditer(text or ""):
            seen.setdefault(match.group(1), None)
    return tuple(seen)


def parse_pull(
    node: Mapping[str, Any],
    repository: str,
    *,
    files: Sequence[SourceChangeFile],
    reviews: Sequence[SourceReview],
    labels: Sequence[str] = (),
    owners_of: OwnersOf | None = None,
) -> SourceChange:
    """A ``SourceChange`` of one pull request node as ``PullFields`` selects it.

    Raises ``ValueError`` naming the first field that is missing or malformed.
    """
    number = field_of(node, "number", int)
    title = field_of(node, "title", str)
    state = _state(node)
    updated_at = pull_time(node.get("updatedAt"), "updatedAt") if "updatedAt" in node else None
    if state == "merged" or updated_at is None:
        merged_at = pull_time(node.get("mergedAt"), "mergedAt")
    else:
        # Not merged: the record is known as of its last update (``SourceChange``).
        merged_at = updated_at
    created = node.get("createdAt")
    opened_at = pull_time(created, "createdAt") if created is not None else None
    head = _opt_str(node, "headRefName")
    body = _opt_str(node, "body")
    author = node.get("author")
    raw_commit = node.get("mergeCommit")
    merge_commit: Mapping[str, Any] = raw_commit if isinstance(raw_commit, dict) else {}
    rollup = node.get("statusCheckRollup")
    ci = rollup.get("state") if isinstance(rollup, dict) else None
    comments = node.get("totalCommentsCount")

    reverts_key: str | None = None
    branch_match = _REVERT_BRANCH.match(head or "")
    body_match = _REVERTS_BODY.search(body or "")
    if branch_match:
        reverts_key = str(ChangeKey.pull(repository, int(branch_match.group(1))))
    elif body_match:
        reverts_key = str(ChangeKey.pull(body_match.group(1), int(body_match.group(2))))
    is_revert = reverts_key is not None or bool(_REVERT_TITLE.match(title))
    is_hotfix = any(_HOTFIX.search(text) for text in (*labels, head or "", title))

    if owners_of is not None:
        files = [
            SourceChangeFile(
                f.path, f.added, f.deleted, f.change_type, owners_of(f.path, merged_at)
            )
            for f in files
        ]
    return SourceChange(
        key=str(ChangeKey.pull(repository, number)),
        repository=repository,
        author=_login(author) or _GHOST,
        merged_at=merged_at,
        title=title,
        number=number,
        sha=_opt_str(merge_commit, "oid"),
        body=body,
        url=_opt_str(node, "url"),
        author_is_bot=_is_bot(author),
        merged_by=_login(node.get("mergedBy")),
        opened_at=opened_at,
        base_branch=_opt_str(node, "baseRefName"),
        head_branch=head,
        labels=tuple(labels),
        files=tuple(files),
        reviews=tuple(reviews),
        review_comments=comments if isinstance(comments, int) else None,
        co_authors=_co_authors(_opt_str(merge_commit, "message"), body),
        # A squash message keeps every commit's trailers; Claude Code also signs the PR body.
        made_by_agent=any(
            agent_in_message(text or "") is not None
            for text in (_opt_str(merge_commit, "message"), body)
        ),
        ci_status=ci.lower() if isinstance(ci, str) else None,
        is_revert=is_revert,
        is_hotfix=is_hotfix,
        reverts_key=reverts_key,
        state=state,
        updated_at=updated_at,
        head_sha=_opt_str(node, "headRefOid"),
        draft=node.get("isDraft") is True,
    )
