"""Bitbucket Data Center's pull request answers (REST 1.0) read into a ``Pull``.

Everything here is parsing: no request, no cursor. Times are milliseconds since
the epoch. Reviews are the approvals in force when read: reviewers and
participants with ``status: APPROVED``, each at its approval's time in the
activities, else at the merge.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from data.source_values import SourceChangeFile
from data.sources.bitbucket.pull import (
    DELETED_USER,
    Commit,
    Listed,
    MalformedPull,
    Pull,
    dig,
    nonempty_str,
    pull_millis,
    pull_number,
    pull_state,
)
from scoring.authorship import AuthorKind, identity_kind

__all__ = [
    "dc_approvals",
    "dc_commit",
    "dc_files",
    "dc_listed",
    "dc_pull",
]

# Data Center's change types, in the store's words.
_DC_KINDS = {
    "ADD": "added",
    "DELETE": "deleted",
    "MODIFY": "modified",
    "MOVE": "renamed",
    "COPY": "copied",
}


def _dc_user(user: Any) -> tuple[str, bool]:
    """A Data Center user's name and whether it is a service account (an access token's)."""
    if not isinstance(user, dict):
        return DELETED_USER, False
    name = nonempty_str(user.get("name")) or nonempty_str(user.get("slug")) or DELETED_USER
    is_bot = (
        user.get("type") == "SERVICE"
        or identity_kind(name, str(user.get("emailAddress") or ""), login=name)[0] is AuthorKind.BOT
    )
    return name, is_bot


def dc_listed(item: Any) -> Listed:
    """An item of ``/pull-requests``, checked for what the sync needs before details."""
    number = pull_number(item)
    state = pull_state(item)
    if not isinstance(item.get("title"), str):
        raise MalformedPull("no title")
    return Listed(number, state, pull_millis(item.get("updatedDate"), "updatedDate"), item)


def dc_files(changes: Sequence[Any], diff: Any) -> tuple[SourceChangeFile, ...]:
    """Files from ``/changes`` (paths and kinds), with line counts from ``/diff``'s segments."""
    counts: dict[str, tuple[int, int]] = {}
    for entry in dig(diff, "diffs") or ():
        path = nonempty_str(dig(entry, "destination", "toString")) or nonempty_str(
            dig(entry, "source", "toString")
        )
        if path is None:
            continue
        added = deleted = 0
        for hunk in dig(entry, "hunks") or ():
            for segment in dig(hunk, "segments") or ():
                lines = dig(segment, "lines")
                n = len(lines) if isinstance(lines, list) else 0
                if dig(segment, "type") == "ADDED":
                    added += n
                elif dig(segment, "type") == "REMOVED":
                    deleted += n
        counts[path] = (added, deleted)
    out: list[SourceChangeFile] = []
    for change in changes:
        path = nonempty_str(dig(change, "path", "toString"))
        if path is None:
            continue
        kind = _DC_KINDS.get(str(dig(change, "type")), "modified")
        added, deleted = counts.get(path, (0, 0))
        # A move names where the file was (``srcPath``); a copy's source keeps its own past.
        previous = nonempty_str(dig(change, "srcPath", "toString")) if kind == "renamed" else None
        out.append(SourceChangeFile(path, added, deleted, kind, previous_path=previous))
    return tuple(out)


def dc_commit(item: Any) -> Commit:
    """One entry of ``/pull-requests/{id}/commits``."""
    return Commit(
        str(dig(item, "message") or ""),
        str(dig(item, "author", "name") or ""),
        str(dig(item, "author", "emailAddress") or ""),
    )


def dc_approvals(
    item: Mapping[str, Any], activities: Sequence[Any]
) -> tuple[tuple[tuple[str, datetime | None, bool], ...], datetime | None, str | None]:
    """Approvals in force (reviewers and participants ``APPROVED``), each at its latest
    ``APPROVED`` activity; and the ``MERGED`` activity's time and user."""
    approved_at: dict[str, datetime] = {}
    merged_at: datetime | None = None
    merged_by: str | None = None
    for entry in activities:
        action = dig(entry, "action")
        try:
            at = pull_millis(dig(entry, "createdDate"), "createdDate")
        except MalformedPull:
            continue
        who = _dc_user(dig(entry, "user"))[0]
        if action == "APPROVED":
            approved_at[who] = max(at, approved_at.get(who, at))
        elif action == "MERGED" and (merged_at is None or at > merged_at):
            merged_at, merged_by = at, who
    out: list[tuple[str, datetime | None, bool]] = []
    seen: set[str] = set()
    for entry in (*(item.get("reviewers") or ()), *(item.get("participants") or ())):
        if not isinstance(entry, dict) or entry.get("status") != "APPROVED":
            continue
        who, is_bot = _dc_user(entry.get("user"))
        if who in seen:
            continue
        seen.add(who)
        out.append((who, approved_at.get(who), is_bot))
    return tuple(out), merged_at, merged_by


def dc_pull(
    listed: Listed,
    base_url: str,
    repository: str,
    files: tuple[SourceChangeFile, ...] | None,
    commits: Sequence[Commit],
    activities: Sequence[Any],
) -> Pull:
    """A Data Center pull request from its list item, changes, diff, commits and activities."""
    from data.sources.bitbucket.keys import dc_pull_url

    item = listed.item
    author, author_is_bot = _dc_user(dig(item, "author", "user"))
    approvals, merged_at, merged_by = dc_approvals(item, activities)
    merged = listed.state == "merged"
    if merged and merged_at is None:
        closed = item.get("closedDate")
        merged_at = (
            pull_millis(closed, "closedDate") if isinstance(closed, int) else listed.updated_at
        )
    links = dig(item, "links", "self")
    href = nonempty_str(dig(links[0], "href")) if isinstance(links, list) and links else None
    comments = dig(item, "properties", "commentCount")
    created = item.get("createdDate")
    return Pull(
        number=listed.number,
        state=listed.state,
        title=str(item.get("title") or ""),
        author=author,
        updated_at=listed.updated_at,
        url=href or dc_pull_url(base_url, repository, listed.number),
        body=nonempty_str(item.get("description")),
        author_is_bot=author_is_bot,
        created_at=pull_millis(created, "createdDate") if isinstance(created, int) else None,
        merged_at=merged_at if merged else None,
        merged_by=merged_by if merged else None,
        source_branch=nonempty_str(dig(item, "fromRef", "displayId")),
        target_branch=nonempty_str(dig(item, "toRef", "displayId")),
        head_sha=nonempty_str(dig(item, "fromRef", "latestCommit")),
        merge_sha=nonempty_str(dig(item, "properties", "mergeCommit", "id")) if merged else None,
        draft=item.get("draft") is True,
        comments=comments if isinstance(comments, int) else 0,
        files=files,
        commits=tuple(commits),
        approvals=approvals,
    )
