"""One Bitbucket pull request as both editions read it, and the field readers they share.

``cloud_pull`` and ``dc_pull`` read each edition's answers into a ``Pull``;
``records`` makes it the one ``SourceChange`` both store. (``pulls`` is the
sync that fetches them.) A list item with a missing or malformed field raises
``MalformedPull``, which the sync logs and skips.

States: ``MERGED`` is merged, ``OPEN`` open, ``DECLINED`` (and Cloud's
``SUPERSEDED``) closed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from data.source_values import SourceChangeFile, SourcePerson
from data.sources.times import TimeFormatError, parse_time

__all__ = [
    "DELETED_USER",
    "Commit",
    "Listed",
    "MalformedPull",
    "Pull",
    "dig",
    "nonempty_str",
    "page_values",
    "pull_millis",
    "pull_number",
    "pull_state",
    "pull_time",
]

# Bitbucket's states in the store's words; Cloud's ``SUPERSEDED`` is closed too.
_STATES = {"MERGED": "merged", "OPEN": "open", "DECLINED": "closed", "SUPERSEDED": "closed"}
# The name of a user Bitbucket no longer returns (an account deleted since).
DELETED_USER = "deleted-user"


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
    files: tuple[SourceChangeFile, ...] | None = ()
    commits: tuple[Commit, ...] = ()
    approvals: tuple[tuple[str, datetime | None, bool], ...] = ()
    # The people it names, by the key they are stored by, with the names to show.
    people: tuple[SourcePerson, ...] = ()
    # An approver's CODEOWNERS handle (``@nickname``: lower-cased, no ``@``) by the key
    # the approver is stored by, where the two differ (Cloud keys people by account id).
    owner_aliases: Mapping[str, str] = field(default_factory=dict)


def pull_time(value: Any, name: str) -> datetime:
    """Cloud's ISO 8601 time ``name``, or ``MalformedPull`` when it is none."""
    try:
        return parse_time(value, name)
    except TimeFormatError as exc:
        raise MalformedPull(str(exc)) from None


def pull_millis(value: Any, name: str) -> datetime:
    """Data Center's times: milliseconds since the epoch."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise MalformedPull(f"{name} is {type(value).__name__}")
    return datetime.fromtimestamp(value / 1000, tz=UTC)


def page_values(page: Any) -> list[Any]:
    """A page's ``values`` (both editions page their lists so), or none when it lacks them."""
    values = page.get("values") if isinstance(page, dict) else None
    return values if isinstance(values, list) else []


def dig(item: Any, *path: str) -> Any:
    """``item[a][b]...`` through dicts, ``None`` where one is missing or not a dict."""
    for name in path:
        if not isinstance(item, dict):
            return None
        item = item.get(name)
    return item


def nonempty_str(value: Any) -> str | None:
    """``value`` when it is a non-empty string, else ``None``."""
    return value if isinstance(value, str) and value else None


def pull_number(item: Any) -> int:
    """A list item's ``id``, or ``MalformedPull`` when it has none."""
    number = item.get("id") if isinstance(item, dict) else None
    if not isinstance(number, int) or isinstance(number, bool):
        raise MalformedPull("no id")
    return number


def pull_state(item: Any) -> str:
    """A list item's state in the store's words, or ``MalformedPull`` for one unknown."""
    state = _STATES.get(str(item.get("state")))
    if state is None:
        raise MalformedPull(f"state is {item.get('state')!r}")
    return state
