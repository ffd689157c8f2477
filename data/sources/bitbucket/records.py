"""A Bitbucket pull request, Cloud's or Data Center's, read into one shape and then a record.

Everything here is parsing: no request, no cursor. Each edition's answers are
read into a ``Pull`` (``cloud_*`` and ``dc_*``), and ``change_record`` makes
the one ``ChangeRecord`` both editions store. A list item with a missing or
malformed field raises ``MalformedPull``, which the sync logs and skips.

States: ``MERGED`` is merged, ``OPEN`` open, ``DECLINED`` (and Cloud's
``SUPERSEDED``) closed. Reviews are the approvals in force when read: Cloud's
participants with ``approved``, Data Center's reviewers and participants with
``status: APPROVED``; each at its approval's time in the activity, else at the
merge.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from data.codeowners import OwnersOf
from data.sources.bitbucket.keys import pull_key
from data.sources.records import ChangeRecord, FileRecord, ReviewRecord
from data.sources.times import TimeFormatError, parse_time
from scoring.authorship import AuthorKind, agent_in_message, identity_kind

__all__ = [
    "Commit",
    "Listed",
    "MalformedPull",
    "Pull",
    "change_record",
    "cloud_approvals",
    "cloud_commit",
    "cloud_diffstat",
    "cloud_listed",
    "cloud_pull",
    "dc_approvals",
    "dc_commit",
    "dc_files",
    "dc_listed",
    "dc_pull",
    "dig",
]

_TRAILER = re.compile(r"^\s*Co-authored-by:\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)
_RAW_AUTHOR = re.compile(r"^(?P<name>.*?)\s*<(?P<email>[^>]*)>\s*$")
_REVERT_TITLE = re.compile(r'^\s*Revert\s+"', re.IGNORECASE)
_REVERTS_COMMIT = re.compile(r"This reverts commit\s+(?P<sha>[0-9a-f]{7,40})", re.IGNORECASE)
_HOTFIX = re.compile(r"hot[-_ ]?fix", re.IGNORECASE)
_STATES = {"MERGED": "merged", "OPEN": "open", "DECLINED": "closed", "SUPERSEDED": "closed"}
# Cloud's diffstat statuses and Data Center's change types, in the store's words.
_CLOUD_KINDS = {
    "added": "added",
    "removed": "deleted",
    "modified": "modified",
    "renamed": "renamed",
}
_DC_KINDS = {
    "ADD": "added",
    "DELETE": "deleted",
    "MODIFY": "modified",
    "MOVE": "renamed",
    "COPY": "copied",
}
_DELETED_USER = "deleted-user"


class MalformedPull(ValueError):
    """A pull request in Bitbucket's answer lacks a field or has one of the wrong kind."""


@dataclass(frozen=True, slots=True)
class Listed:
    """The fields of one list item a sync decides on: its number, state and last update."""

    number: int
    state: str
    updated_at: datetime
    item: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Commit:
    """A commit of a pull request: its message and author."""

    message: str
    name: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class Pull:
    """A pull request as both editions read it, ready to be a record.

    ``files`` is ``None`` when Bitbucket could not say (a source branch deleted
    before its diff was read); ``approvals`` are ``(who, when, is a bot)``.
    """

    number: int
    state: str
    title: str
    author: str
    updated_at: datetime
    url: str
    body: str | None = None
    author_is_bot: bool = False
    created_at: datetime | None = None
    merged_at: datetime | None = None
    merged_by: str | None = None
    source_branch: str | None = None
    target_branch: str | None = None
    head_sha: str | None = None
    merge_sha: str | None = None
    draft: bool = False
    comments: int | None = None
    files: tuple[FileRecord, ...] | None = ()
    commits: tuple[Commit, ...] = ()
    approvals: tuple[tuple[str, datetime | None, bool], ...] = ()


def _time(value: Any, name: str) -> datetime:
    try:
        return parse_time(value, name)
    except TimeFormatError as exc:
        raise MalformedPull(str(exc)) from None


def _millis(value: Any, name: str) -> datetime:
    """Data Center's times: milliseconds since the epoch."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise MalformedPull(f"{name} is {type(value).__name__}")
    return datetime.fromtimestamp(value / 1000, tz=UTC)


def dig(item: Any, *path: str) -> Any:
    """``item[a][b]...`` through dicts, ``None`` where one is missing or not a dict."""
    for name in path:
        if not isinstance(item, dict):
            return None
        item = item.get(name)
    return item


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _number(item: Any) -> int:
    number = item.get("id") if isinstance(item, dict) else None
    if not isinstance(number, int) or isinstance(number, bool):
        raise MalformedPull("no id")
    return number


def _state(item: Any) -> str:
    state = _STATES.get(str(item.get("state")))
    if state is None:
        raise MalformedPull(f"state is {item.get('state')!r}")
    return state


# -- Cloud ---------------------------------------------------------------------------


def _cloud_user(user: Any) -> tuple[str, bool]:
    """A Cloud account's handle (``nickname``, else its name) and whether it is an app or bot."""
    if not isinstance(user, dict):
        return _DELETED_USER, False
    name = (
        _str(user.get("nickname"))
        or _str(user.get("username"))
        or _str(user.get("display_name"))
        or _str(user.get("account_id"))
        or _DELETED_USER
    )
    # An access token acts as a bot account; an app's user is ``app_user``.
    is_bot = (
        user.get("type") in ("app_user", "bot")
        or identity_kind(name, login=name)[0] is AuthorKind.BOT
    )
    return name, is_bot


def cloud_listed(item: Any) -> Listed:
    """An item of ``/pullrequests``, checked for what the sync needs before details."""
    number = _number(item)
    state = _state(item)
    if not isinstance(item.get("title"), str):
        raise MalformedPull("no title")
    return Listed(number, state, _time(item.get("updated_on"), "updated_on"), item)


def cloud_diffstat(item: Any) -> FileRecord | None:
    """One entry of ``/pullrequests/{id}/diffstat``; ``None`` when it names no path."""
    if not isinstance(item, dict):
        return None
    kind = _CLOUD_KINDS.get(str(item.get("status")), "modified")
    path = _str(dig(item, "old", "path")) if kind == "deleted" else _str(dig(item, "new", "path"))
    path = path or _str(dig(item, "new", "path")) or _str(dig(item, "old", "path"))
    if path is None:
        return None
    added, removed = item.get("lines_added"), item.get("lines_removed")
    return FileRecord(
        path=path,
        added=added if isinstance(added, int) else 0,
        deleted=removed if isinstance(removed, int) else 0,
        change_type=kind,
    )


def cloud_commit(item: Any) -> Commit:
    """One entry of ``/pullrequests/{id}/commits``: message and ``author.raw``'s name and e-mail."""
    message = str(dig(item, "message") or "")
    raw = str(dig(item, "author", "raw") or "")
    found = _RAW_AUTHOR.match(raw)
    if found is not None:
        return Commit(message, found["name"], found["email"])
    return Commit(message, raw)


def cloud_approvals(
    pull: Any, activity: Sequence[Any]
) -> tuple[tuple[tuple[str, datetime | None, bool], ...], datetime | None, str | None]:
    """Approvals in force (participants ``approved``), each at its activity's time; and the
    merge's time and merger from the activity's ``update`` to ``MERGED``."""
    approved_at: dict[str, datetime] = {}
    merged_at: datetime | None = None
    merged_by: str | None = None
    for entry in activity:
        approval = dig(entry, "approval")
        if isinstance(approval, dict):
            who, _ = _cloud_user(approval.get("user"))
            try:
                at = _time(approval.get("date"), "date")
            except MalformedPull:
                continue
            approved_at[who] = max(at, approved_at.get(who, at))
        update = dig(entry, "update")
        if isinstance(update, dict) and update.get("state") == "MERGED":
            try:
                at = _time(update.get("date"), "date")
            except MalformedPull:
                continue
            if merged_at is None or at > merged_at:
                merged_at = at
                merged_by = _cloud_user(update.get("author"))[0]
    out: list[tuple[str, datetime | None, bool]] = []
    for participant in dig(pull, "participants") or ():
        if not isinstance(participant, dict) or participant.get("approved") is not True:
            continue
        who, is_bot = _cloud_user(participant.get("user"))
        when = approved_at.get(who)
        if when is None and participant.get("participated_on"):
            try:
                when = _time(participant.get("participated_on"), "participated_on")
            except MalformedPull:
                when = None
        out.append((who, when, is_bot))
    return tuple(out), merged_at, merged_by


def cloud_pull(
    listed: Listed,
    detail: Mapping[str, Any],
    repository: str,
    files: tuple[FileRecord, ...] | None,
    commits: Sequence[Commit],
    activity: Sequence[Any],
) -> Pull:
    """A Cloud pull request from its list item, ``GET`` of itself, diffstat, commits, activity."""
    item = {**listed.item, **detail}
    author, author_is_bot = _cloud_user(item.get("author"))
    approvals, merged_at, merged_by = cloud_approvals(item, activity)
    merged = listed.state == "merged"
    if merged and merged_at is None:
        # No merge in the activity (trimmed): its last update is the latest it can have been.
        merged_at = listed.updated_at
    if merged and merged_by is None and isinstance(item.get("closed_by"), dict):
        merged_by = _cloud_user(item.get("closed_by"))[0]
    comments = item.get("comment_count")
    return Pull(
        number=listed.number,
        state=listed.state,
        title=str(item.get("title") or ""),
        author=author,
        updated_at=listed.updated_at,
        url=_str(dig(item, "links", "html", "href"))
        or f"https://bitbucket.org/{repository}/pull-requests/{listed.number}",
        body=_str(item.get("description")) or _str(dig(item, "summary", "raw")),
        author_is_bot=author_is_bot,
        created_at=_time(item["created_on"], "created_on") if item.get("created_on") else None,
        merged_at=merged_at if merged else None,
        merged_by=merged_by if merged else None,
        source_branch=_str(dig(item, "source", "branch", "name")),
        target_branch=_str(dig(item, "destination", "branch", "name")),
        head_sha=_str(dig(item, "source", "commit", "hash")),
        merge_sha=_str(dig(item, "merge_commit", "hash")) if merged else None,
        draft=item.get("draft") is True,
        comments=comments if isinstance(comments, int) else None,
        files=files,
        commits=tuple(commits),
        approvals=approvals,
    )


# -- Data Center ---------------------------------------------------------------------


def _dc_user(user: Any) -> tuple[str, bool]:
    """A Data Center user's name and whether it is a service account (an access token's)."""
    if not isinstance(user, dict):
        return _DELETED_USER, False
    name = _str(user.get("name")) or _str(user.get("slug")) or _DELETED_USER
    is_bot = (
        user.get("type") == "SERVICE"
        or identity_kind(name, str(user.get("emailAddress") or ""), login=name)[0] is AuthorKind.BOT
    )
    return name, is_bot


def dc_listed(item: Any) -> Listed:
    """An item of ``/pull-requests``, checked for what the sync needs before details."""
    number = _number(item)
    state = _state(item)
    if not isinstance(item.get("title"), str):
        raise MalformedPull("no title")
    return Listed(number, state, _millis(item.get("updatedDate"), "updatedDate"), item)


def dc_files(changes: Sequence[Any], diff: Any) -> tuple[FileRecord, ...]:
    """Files from ``/changes`` (paths and kinds), with line counts from ``/diff``'s segments."""
    counts: dict[str, tuple[int, int]] = {}
    for entry in dig(diff, "diffs") or ():
        path = _str(dig(entry, "destination", "toString")) or _str(dig(entry, "source", "toString"))
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
    out: list[FileRecord] = []
    for change in changes:
        path = _str(dig(change, "path", "toString"))
        if path is None:
            continue
        kind = _DC_KINDS.get(str(dig(change, "type")), "modified")
        added, deleted = counts.get(path, (0, 0))
        out.append(FileRecord(path, added, deleted, kind))
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
            at = _millis(dig(entry, "createdDate"), "createdDate")
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
    files: tuple[FileRecord, ...] | None,
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
        merged_at = _millis(closed, "closedDate") if isinstance(closed, int) else listed.updated_at
    links = dig(item, "links", "self")
    href = _str(dig(links[0], "href")) if isinstance(links, list) and links else None
    comments = dig(item, "properties", "commentCount")
    created = item.get("createdDate")
    return Pull(
        number=listed.number,
        state=listed.state,
        title=str(item.get("title") or ""),
        author=author,
        updated_at=listed.updated_at,
        url=href or dc_pull_url(base_url, repository, listed.number),
        body=_str(item.get("description")),
        author_is_bot=author_is_bot,
        created_at=_millis(created, "createdDate") if isinstance(created, int) else None,
        merged_at=merged_at if merged else None,
        merged_by=merged_by if merged else None,
        source_branch=_str(dig(item, "fromRef", "displayId")),
        target_branch=_str(dig(item, "toRef", "displayId")),
        head_sha=_str(dig(item, "fromRef", "latestCommit")),
        merge_sha=_str(dig(item, "properties", "mergeCommit", "id")) if merged else None,
        draft=item.get("draft") is True,
        comments=comments if isinstance(comments, int) else 0,
        files=files,
        commits=tuple(commits),
        approvals=approvals,
    )


# -- the record ----------------------------------------------------------------------


def _co_authors(texts: Sequence[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for text in texts:
        for match in _TRAILER.finditer(text):
            seen.setdefault(match.group(1), None)
    return tuple(seen)


def change_record(
    pull: Pull, repository: str, *, owners_of: OwnersOf | None = None
) -> ChangeRecord:
    """The ``ChangeRecord`` of one pull request; one not merged is known as of its last update.

    A file's owners are CODEOWNERS' as of the merge (of the last update, for one
    not merged). An approval whose time the activity does not say is taken at
    the merge: the latest it can have been.
    """
    known_as_of = pull.merged_at or pull.updated_at
    reviews = tuple(
        ReviewRecord(
            reviewer=who,
            state="approved",
            submitted_at=at or known_as_of,
            reviewer_is_bot=is_bot,
        )
        for who, at, is_bot in pull.approvals
    )
    messages = [c.message for c in pull.commits]
    body = pull.body or ""
    made_by_agent = any(agent_in_message(text) is not None for text in (*messages, body))
    made_by_agent = made_by_agent or any(
        identity_kind(c.name, c.email)[0] is AuthorKind.AGENT for c in pull.commits
    )
    files = pull.files or ()
    if owners_of is not None:
        files = tuple(replace(f, owners=owners_of(f.path, known_as_of)) for f in files)
    reverts = _REVERTS_COMMIT.search(body)
    head = pull.source_branch or ""
    return ChangeRecord(
        key=pull_key(repository, pull.number),
        repository=repository,
        author=pull.author,
        merged_at=known_as_of,
        title=pull.title,
        number=pull.number,
        sha=pull.merge_sha,
        body=pull.body,
        url=pull.url,
        author_is_bot=pull.author_is_bot,
        made_by_agent=made_by_agent,
        merged_by=pull.merged_by,
        opened_at=pull.created_at,
        base_branch=pull.target_branch,
        head_branch=pull.source_branch,
        files=files,
        reviews=reviews,
        review_comments=pull.comments,
        co_authors=_co_authors([*messages, body]),
        is_revert=bool(_REVERT_TITLE.match(pull.title)) or reverts is not None,
        is_hotfix=any(_HOTFIX.search(text) for text in (head, pull.title)),
        reverts_sha=reverts["sha"].lower() if reverts else None,
        state=pull.state,
        updated_at=pull.updated_at,
        head_sha=pull.head_sha,
        draft=pull.draft,
    )
