"""Bitbucket Cloud's pull request answers (REST 2.0) read into a ``Pull``.

Everything here is parsing: no request, no cursor. Reviews are the approvals in
force when read: participants with ``approved``, each at its approval's time in
the activity, else at the merge.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from data.source_values import SourceChangeFile, SourcePerson
from data.sources.bitbucket.pull import (
    DELETED_USER,
    Commit,
    Listed,
    MalformedPull,
    Pull,
    dig,
    nonempty_str,
    pull_number,
    pull_state,
    pull_time,
)
from scoring.authorship import AuthorKind, identity_kind

__all__ = [
    "cloud_approvals",
    "cloud_commit",
    "cloud_diffstat",
    "cloud_listed",
    "cloud_pull",
]

_RAW_AUTHOR = re.compile(r"^(?P<name>.*?)\s*<(?P<email>[^>]*)>\s*$")
# Cloud's diffstat statuses and Data Center's change types, in the store's words.
_CLOUD_KINDS = {
    "added": "added",
    "removed": "deleted",
    "modified": "modified",
    "renamed": "renamed",
}


@dataclass(frozen=True, slots=True)
class CloudUser:
    """A Cloud account as a pull request names it: the key it is stored by, its display
    name, its ``nickname`` (what CODEOWNERS' ``@user`` names) and whether it is an app."""

    key: str
    name: str | None = None
    nickname: str | None = None
    is_bot: bool = False


def cloud_user(user: Any) -> CloudUser:
    """A Cloud account keyed by ``account_id``, else ``uuid``: its ``nickname`` is not unique.

    An account whose nickname or display name ``scoring.authorship`` knows as an AI agent
    or a bot keeps that name as its key, as the agent's or bot's identity everywhere; an
    account with no id left (one Bitbucket no longer returns) is ``deleted-user``.
    """
    if not isinstance(user, dict):
        return CloudUser(DELETED_USER)
    nickname = nonempty_str(user.get("nickname")) or nonempty_str(user.get("username"))
    display = nonempty_str(user.get("display_name"))
    # An access token acts as a bot account; an app's user is ``app_user``.
    app = user.get("type") in ("app_user", "bot")
    kinds = {n: _known_kind(n, app) for n in (nickname, display) if n is not None}
    known = next((n for n, kind in kinds.items() if kind is not AuthorKind.HUMAN), None)
    key = (
        known
        or nonempty_str(user.get("account_id"))
        or nonempty_str(user.get("uuid"))
        or nickname
        or display
        or DELETED_USER
    )
    is_bot = app or (known is not None and kinds[known] is AuthorKind.BOT)
    return CloudUser(key, display or nickname, nickname, is_bot)


def _known_kind(name: str, app: bool) -> AuthorKind:
    """What ``scoring.authorship`` knows ``name`` as: an agent or bot it lists, else human."""
    kind = identity_kind(login=name)[0]
    if kind is not AuthorKind.HUMAN or not app:
        return kind
    # An app's login is also known with ``[bot]`` (``copilot-swe-agent[bot]``); that any
    # app's login with ``[bot]`` is a bot says nothing the account's type does not.
    as_app = identity_kind(login=name, bot_account=True)[0]
    return AuthorKind.AGENT if as_app is AuthorKind.AGENT else AuthorKind.HUMAN


def _cloud_user(user: Any) -> tuple[str, bool]:
    """A Cloud account's key and whether it is an app or bot."""
    found = cloud_user(user)
    return found.key, found.is_bot


def cloud_listed(item: Any) -> Listed:
    """An item of ``/pullrequests``, checked for what the sync needs before details."""
    number = pull_number(item)
    state = pull_state(item)
    if not isinstance(item.get("title"), str):
        raise MalformedPull("no title")
    return Listed(number, state, pull_time(item.get("updated_on"), "updated_on"), item)


def cloud_diffstat(item: Any) -> SourceChangeFile | None:
    """One entry of ``/pullrequests/{id}/diffstat``; ``None`` when it names no path."""
    if not isinstance(item, dict):
        return None
    kind = _CLOUD_KINDS.get(str(item.get("status")), "modified")
    path = (
        nonempty_str(dig(item, "old", "path"))
        if kind == "deleted"
        else nonempty_str(dig(item, "new", "path"))
    )
    path = path or nonempty_str(dig(item, "new", "path")) or nonempty_str(dig(item, "old", "path"))
    if path is None:
        return None
    added, removed = item.get("lines_added"), item.get("lines_removed")
    previous = nonempty_str(dig(item, "old", "path")) if kind == "renamed" else None
    return SourceChangeFile(
        path=path,
        added=added if isinstance(added, int) else 0,
        deleted=removed if isinstance(removed, int) else 0,
        change_type=kind,
        previous_path=previous if previous != path else None,
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
                at = pull_time(approval.get("date"), "date")
            except MalformedPull:
                continue
            approved_at[who] = max(at, approved_at.get(who, at))
        update = dig(entry, "update")
        if isinstance(update, dict) and update.get("state") == "MERGED":
            try:
                at = pull_time(update.get("date"), "date")
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
                when = pull_time(participant.get("participated_on"), "participated_on")
            except MalformedPull:
                when = None
        out.append((who, when, is_bot))
    return tuple(out), merged_at, merged_by


def cloud_pull(
    listed: Listed,
    detail: Mapping[str, Any],
    repository: str,
    files: tuple[SourceChangeFile, ...] | None,
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
    people, aliases = _people(item, activity)
    return Pull(
        number=listed.number,
        state=listed.state,
        title=str(item.get("title") or ""),
        author=author,
        updated_at=listed.updated_at,
        url=nonempty_str(dig(item, "links", "html", "href"))
        or f"https://bitbucket.org/{repository}/pull-requests/{listed.number}",
        body=nonempty_str(item.get("description")) or nonempty_str(dig(item, "summary", "raw")),
        author_is_bot=author_is_bot,
        created_at=pull_time(item["created_on"], "created_on") if item.get("created_on") else None,
        merged_at=merged_at if merged else None,
        merged_by=merged_by if merged else None,
        source_branch=nonempty_str(dig(item, "source", "branch", "name")),
        target_branch=nonempty_str(dig(item, "destination", "branch", "name")),
        head_sha=nonempty_str(dig(item, "source", "commit", "hash")),
        merge_sha=nonempty_str(dig(item, "merge_commit", "hash")) if merged else None,
        draft=item.get("draft") is True,
        comments=comments if isinstance(comments, int) else None,
        files=files,
        commits=tuple(commits),
        approvals=approvals,
        people=people,
        owner_aliases=aliases,
    )


def _people(
    pull: Mapping[str, Any], activity: Sequence[Any]
) -> tuple[tuple[SourcePerson, ...], dict[str, str]]:
    """Everyone the pull request and its activity name, with their display names; and each
    approver's nickname by their key, where no two approvers share the nickname."""
    users = [pull.get("author"), pull.get("closed_by")]
    approvers = [
        p.get("user")
        for p in dig(pull, "participants") or ()
        if isinstance(p, dict) and p.get("approved") is True
    ]
    approvers += [dig(entry, "approval", "user") for entry in activity]
    users += [dig(entry, "update", "author") for entry in activity]
    people: dict[str, SourcePerson] = {}
    for user in (*users, *approvers):
        found = cloud_user(user)
        if found.key != DELETED_USER and found.name is not None:
            people.setdefault(found.key, SourcePerson(found.key, found.name, found.is_bot))
    keys: dict[str, set[str]] = {}
    for user in approvers:
        found = cloud_user(user)
        if found.nickname is not None and found.nickname != found.key:
            keys.setdefault(found.nickname.lower(), set()).add(found.key)
    aliases = {nick: next(iter(k)) for nick, k in keys.items() if len(k) == 1}
    return tuple(people.values()), aliases
