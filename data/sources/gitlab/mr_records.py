"""A GitLab merge request as REST lists it, with its diffs, commits and approvals, as a record.

Everything here is parsing: no request, no cursor. An item with a missing or
malformed field raises ``MalformedMergeRequest``, which the sync logs and skips.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from data.codeowners import OwnersOf
from data.source_values import SourceChange, SourceChangeFile, SourceReview
from data.sources.gitlab.keys import merge_request_key, merge_request_url
from data.sources.times import TimeFormatError, parse_time
from scoring.authorship import AuthorKind, agent_in_message, identity_kind
from scoring.change_key import ChangeKey

__all__ = [
    "Approvals",
    "MalformedMergeRequest",
    "MergeRequestDetails",
    "MergeRequestState",
    "approval_times",
    "change_record",
    "diff_file",
    "gitlab_time",
    "list_item",
]

_TRAILER = re.compile(r"^\s*Co-authored-by:\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)
# GitLab's Revert button: "This reverts merge request !123" (or group/project!123) and the commit.
_REVERTS_MR = re.compile(r"This reverts merge request\s+(?P<project>[\w./-]+)?!(?P<iid>\d+)")
_REVERTS_COMMIT = re.compile(r"This reverts commit\s+(?P<sha>[0-9a-f]{7,40})", re.IGNORECASE)
_REVERT_TITLE = re.compile(r'^\s*Revert\s+"', re.IGNORECASE)
_HOTFIX = re.compile(r"hot[-_ ]?fix", re.IGNORECASE)
# GitLab's system notes for an approval and its withdrawal.
_APPROVED = "approved this merge request"
_UNAPPROVED = "unapproved this merge request"
_GHOST = "ghost"  # GitLab's name for a deleted user


class MalformedMergeRequest(ValueError):
    """A merge request in GitLab's answer lacks a field or has one of the wrong kind."""


class MergeRequestState(StrEnum):
    """GitLab's states read into the store's words: ``locked`` (a merge under way) is still open."""

    MERGED = "merged"
    OPEN = "open"
    CLOSED = "closed"

    @classmethod
    def of(cls, value: Any) -> MergeRequestState:
        """``opened``/``locked`` -> open, ``merged``, ``closed``; anything else is malformed."""
        states = {
            "opened": cls.OPEN,
            "locked": cls.OPEN,
            "merged": cls.MERGED,
            "closed": cls.CLOSED,
        }
        if value not in states:
            raise MalformedMergeRequest(f"state is {value!r}")
        return states[value]


def gitlab_time(value: Any, name: str) -> datetime:
    """A GitLab timestamp (``2026-03-01T10:00:00.123Z``) as an aware UTC datetime."""
    try:
        return parse_time(value, name)
    except TimeFormatError as exc:
        raise MalformedMergeRequest(str(exc)) from None


def _field(item: Any, name: str, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(item, dict) or name not in item:
        raise MalformedMergeRequest(f"no {name}")
    value = item[name]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise MalformedMergeRequest(f"{name} is {type(value).__name__}")
    return value


def _username(user: Any) -> str | None:
    if isinstance(user, dict) and isinstance(user.get("username"), str):
        return str(user["username"])
    return None


@dataclass(frozen=True, slots=True)
class ListedMergeRequest:
    """The fields of one item of ``GET /projects/:id/merge_requests`` a sync decides on."""

    id: int
    iid: int
    state: MergeRequestState
    updated_at: datetime
    item: Mapping[str, Any]


def list_item(item: Any) -> ListedMergeRequest:
    """An item of the merge request list, checked for what the sync needs before details."""
    ident = _field(item, "id", int)
    iid = _field(item, "iid", int)
    state = MergeRequestState.of(_field(item, "state", str))
    updated = gitlab_time(item.get("updated_at"), "updated_at")
    _field(item, "title", str)
    if state is MergeRequestState.MERGED:
        gitlab_time(item.get("merged_at"), "merged_at")
    return ListedMergeRequest(ident, iid, state, updated, item)


@dataclass(frozen=True, slots=True)
class Approvals:
    """Who approved a merge request (usernames, and which are bots); ``None`` when unknown."""

    by: tuple[tuple[str, bool], ...] | None


@dataclass(frozen=True, slots=True)
class MergeRequestDetails:
    """What a merge request's own requests added: files, commit messages, approval times."""

    files: tuple[SourceChangeFile, ...] = ()
    # (message, author name, author e-mail) of each commit.
    commits: tuple[tuple[str, str, str], ...] = ()
    # Username -> the time of the approval in force (from GitLab's system notes).
    approved_at: Mapping[str, datetime] = field(default_factory=dict)
    author_is_bot: bool = False


def diff_file(item: Any) -> SourceChangeFile:
    """One entry of ``/merge_requests/:iid/diffs``: the path and line counts out of its diff."""
    new_path = _field(item, "new_path", str)
    kind = "modified"
    if item.get("new_file") is True:
        kind = "added"
    elif item.get("deleted_file") is True:
        kind = "deleted"
    elif item.get("renamed_file") is True:
        kind = "renamed"
    added = deleted = 0
    diff = item.get("diff")
    for line in diff.splitlines() if isinstance(diff, str) else ():
        # GitLab's diff text is hunks only (no ---/+++ headers): every +/- line is a line.
        if line.startswith("+"):
            added += 1
        elif line.startswith("-"):
            deleted += 1
    path = _field(item, "old_path", str) if kind == "deleted" else new_path
    return SourceChangeFile(
        path=path,
        added=added,
        deleted=deleted,
        change_type=kind,
        generated=item.get("generated_file") is True,
        previous_path=_field(item, "old_path", str) if kind == "renamed" else None,
    )


def approval_times(notes: Sequence[Any]) -> dict[str, datetime]:
    """Each approver's latest approval still in force, from the system notes of a merge request."""
    out: dict[str, datetime] = {}
    for note in notes:
        if not isinstance(note, dict) or note.get("system") is not True:
            continue
        body = str(note.get("body") or "").strip().lower()
        who = _username(note.get("author"))
        if who is None:
            continue
        try:
            at = gitlab_time(note.get("created_at"), "created_at")
        except MalformedMergeRequest:
            continue
        if body.startswith(_APPROVED):
            out[who] = max(at, out.get(who, at))
        elif body.startswith(_UNAPPROVED):
            out.pop(who, None)
    return out


def _co_authors(texts: Sequence[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for text in texts:
        for match in _TRAILER.finditer(text):
            seen.setdefault(match.group(1), None)
    return tuple(seen)


def _opt_str(item: Mapping[str, Any], name: str) -> str | None:
    value = item.get(name)
    return value if isinstance(value, str) and value else None


def change_record(
    listed: ListedMergeRequest,
    project: str,
    base_url: str,
    details: MergeRequestDetails,
    approvals: Approvals,
    *,
    owners_of: OwnersOf | None = None,
) -> SourceChange:
    """The ``SourceChange`` of one merge request; an open one is known as of its last update.

    Reviews are the approvals in force: by ``approvals`` (GraphQL or REST),
    each at its system note's time, else at the merge (the latest it can have
    been). ``approvals.by is None`` (neither API answered) makes the review
    unknown, never "merged without review".
    """
    item = listed.item
    title = _field(item, "title", str)
    merged = listed.state is MergeRequestState.MERGED
    merged_at = gitlab_time(item.get("merged_at"), "merged_at") if merged else listed.updated_at
    opened_at = gitlab_time(item["created_at"], "created_at") if item.get("created_at") else None
    body = _opt_str(item, "description")
    head = _opt_str(item, "source_branch")
    labels = tuple(str(x) for x in item.get("labels") or () if isinstance(x, str))
    merger = _username(item.get("merge_user")) or _username(item.get("merged_by"))

    reviews: list[SourceReview] = []
    if approvals.by is not None:
        for who, is_bot in approvals.by:
            reviews.append(
                SourceReview(
                    reviewer=who,
                    state="approved",
                    submitted_at=details.approved_at.get(who, merged_at),
                    reviewer_is_bot=is_bot,
                )
            )

    messages = [m for m, _, _ in details.commits]
    made_by_agent = any(agent_in_message(text) is not None for text in (*messages, body or ""))
    made_by_agent = made_by_agent or any(
        identity_kind(name, email)[0] is AuthorKind.AGENT for _, name, email in details.commits
    )

    reverts = _REVERTS_MR.search(body or "")
    reverts_key = None
    if reverts is not None:
        target = (reverts["project"] or project).strip("/")
        reverts_key = str(ChangeKey.merge_request(target, int(reverts["iid"])))
    reverts_commit = _REVERTS_COMMIT.search(body or "")
    is_revert = reverts_key is not None or bool(_REVERT_TITLE.match(title))
    is_hotfix = any(_HOTFIX.search(text) for text in (*labels, head or "", title))

    files = details.files
    if owners_of is not None:
        files = tuple(
            SourceChangeFile(
                f.path,
                f.added,
                f.deleted,
                f.change_type,
                owners_of(f.path, merged_at),
                f.generated,
                previous_path=f.previous_path,
            )
            for f in files
        )
    web_url = _opt_str(item, "web_url") or merge_request_url(base_url, project, listed.iid)
    comments = item.get("user_notes_count")
    return SourceChange(
        key=merge_request_key(project, listed.iid),
        repository=project,
        author=_username(item.get("author")) or _GHOST,
        merged_at=merged_at,
        title=title,
        number=listed.iid,
        sha=_opt_str(item, "merge_commit_sha") or _opt_str(item, "squash_commit_sha"),
        body=body,
        url=web_url,
        author_is_bot=details.author_is_bot,
        made_by_agent=made_by_agent,
        merged_by=merger if merged else None,
        opened_at=opened_at,
        base_branch=_opt_str(item, "target_branch"),
        head_branch=head,
        labels=labels,
        files=files,
        reviews=tuple(reviews),
        review_comments=comments if isinstance(comments, int) else None,
        co_authors=_co_authors([*messages, body or ""]),
        is_revert=is_revert,
        is_hotfix=is_hotfix,
        reverts_key=reverts_key,
        reverts_sha=reverts_commit["sha"].lower() if reverts_commit else None,
        reviews_known=approvals.by is not None,
        state=listed.state.value,
        updated_at=listed.updated_at,
        head_sha=_opt_str(item, "sha"),
        draft=_draft(item),
    )


def _draft(item: Any) -> bool:
    """GitLab's ``draft``, else ``work_in_progress`` (its name before GitLab 14, still sent)."""
    for name in ("draft", "work_in_progress"):
        value = item.get(name)
        if isinstance(value, bool):
            return value
    return False
