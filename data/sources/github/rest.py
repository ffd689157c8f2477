"""Conditional REST reads for the GitHub sources: ETags kept per URL in the sync state.

GitHub does not count a ``304 Not Modified`` against the primary rate limit,
so a poll that finds nothing new costs no quota when every GET sends the ETag
of its last ``200``. The rule that keeps this safe: an ETag is saved only
after what its ``200`` produced has been written to the store (or cached), so
a ``304`` always means "what you already have is current" and the work can be
skipped. A crash between the two loses nothing: the ETag was not saved, the
next sync gets a ``200`` and redoes the (idempotent) work.

Also here: small parsers shared by the REST sources, which turn a missing or
malformed field of one item into a ``BadItem`` the caller logs and skips.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from data.handoff import Cursor, Handoff
from data.sources.github.client import GitHubClient, RestPage
from data.sources.times import TimeFormatError, parse_time
from scoring.errors import SourceError

__all__ = [
    "ETAG_SOURCE",
    "BadItem",
    "ConditionalRest",
    "Fetched",
    "as_list",
    "get_int",
    "get_str",
    "get_time",
    "is_not_found",
    "rest_time",
]

# The ``SyncState.source`` under which each URL's ETag is kept (the URL is the scope).
ETAG_SOURCE = "github-etag"


class BadItem(ValueError):
    """One item of an answer lacks a field or has a malformed one; it is skipped."""


@dataclass(frozen=True, slots=True)
class Fetched:
    """One conditional GET: the URL it was keyed by and GitHub's answer."""

    url: str
    page: RestPage

    @property
    def not_modified(self) -> bool:
        """True on ``304``: nothing changed since the ETag sent."""
        return self.page.status == 304

    @property
    def data(self) -> Any:
        """The decoded JSON body (``None`` on ``304``)."""
        return self.page.data

    @property
    def next_url(self) -> str | None:
        """The ``rel="next"`` link of a paginated answer."""
        return self.page.next_url

    @property
    def etag(self) -> str | None:
        """The answer's ETag."""
        return self.page.etag


class ConditionalRest:
    """GETs through ``client`` that send the stored ETag of their URL, and save new ones."""

    def __init__(self, client: GitHubClient, run: Handoff) -> None:
        self.client = client
        self.run = run

    def url(self, path: str, params: Mapping[str, str | int] | None = None) -> str:
        """The absolute URL of ``path`` with ``params`` in a stable order: the ETag's key."""
        base = path if "://" in path else f"{self.client.base_url}/{path.lstrip('/')}"
        if not params:
            return base
        ordered = sorted((k, str(v)) for k, v in params.items())
        return str(httpx.URL(base, params=ordered))

    def stored_etag(self, url: str) -> str | None:
        """The ETag saved for ``url``, if any."""
        return self.run.cursor(ETAG_SOURCE, url).cursor

    def get(self, url: str, *, etag: str | None = None, conditional: bool = True) -> Fetched:
        """GET ``url``; with ``conditional``, send ``etag`` or else the stored one."""
        sent = (etag or self.stored_etag(url)) if conditional else None
        return Fetched(url, self.client.get(url, etag=sent))

    def forget(self, urls: Iterable[str]) -> None:
        """Drop the ETags of ``urls`` that will not be asked again, in one transaction."""
        scopes = list(urls)
        if not scopes:
            return
        self.run.drop_cursors(ETAG_SOURCE, scopes)

    def remember(self, fetched: Fetched) -> None:
        """Save the ETag of a ``200`` for its URL, once its work is in the store."""
        if fetched.not_modified or not fetched.etag:
            return
        self.run.save_cursor(ETAG_SOURCE, fetched.url, Cursor(fetched.etag))


def is_not_found(exc: SourceError) -> bool:
    """True when the client's refusal was a 404 (its sentence carries the status)."""
    return "(404)" in str(exc)


def as_list(data: Any, what: str, path: str, key: str | None = None) -> list[Any]:
    """``data`` (or ``data[key]``) as a list, or one sentence naming GitHub and the answer."""
    value = data.get(key) if key is not None and isinstance(data, dict) else data
    if not isinstance(value, list):
        raise SourceError(
            f"GitHub's answer from {path} is not a list of {what}; check GITHUB_API_URL "
            "points at GitHub's REST API."
        )
    return value


def rest_time(value: Any, name: str = "timestamp") -> datetime:
    """A REST timestamp as an aware UTC datetime (GitHub's naive times are UTC); ``BadItem``."""
    try:
        return parse_time(value, name, naive_is_utc=True)
    except TimeFormatError as exc:
        raise BadItem(str(exc)) from None


def _field(item: Any, name: str) -> Any:
    if not isinstance(item, dict):
        raise BadItem(f"expected an object, got {type(item).__name__}")
    if name not in item:
        raise BadItem(f"the field {name!r} is missing")
    return item[name]


def get_time(item: Any, name: str) -> datetime:
    """The timestamp field ``name`` of ``item``."""
    return rest_time(_field(item, name), name)


def get_int(item: Any, name: str) -> int:
    """The integer field ``name`` of ``item``."""
    value = _field(item, name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadItem(f"the field {name!r} is not a number")
    return value


def get_str(item: Any, name: str, *, optional: bool = False) -> str:
    """The string field ``name`` of ``item`` (``""`` when ``optional`` and null or absent)."""
    if optional and (not isinstance(item, dict) or item.get(name) is None):
        if not isinstance(item, dict):
            raise BadItem(f"expected an object, got {type(item).__name__}")
        return ""
    value = _field(item, name)
    if not isinstance(value, str):
        raise BadItem(f"the field {name!r} is not text")
    return value
