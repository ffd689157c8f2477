"""CODEOWNERS history of a GitHub repository, read through the REST API.

The file's rules and matching live in ``data.codeowners`` (pure, shared with
the local clone source); this module reads each location's versions with
conditional GETs and caches their texts in the sync state.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any

import structlog

from data.codeowners import (
    CODEOWNERS_LOCATIONS,
    CodeOwners,
    CodeownersHistory,
    CodeownersVersion,
    OwnersOf,
    Rule,
    parse_codeowners,
)
from data.handoff import Cursor, Handoff
from data.sources.github.client import GitHubClient
from data.sources.github.rest import (
    BadItem,
    ConditionalRest,
    as_list,
    get_str,
    is_not_found,
    rest_time,
)
from scoring.errors import SourceError

# The parser's names stay importable from here, where the GitHub source first used them.
__all__ = [
    "CODEOWNERS_LOCATIONS",
    "CodeOwners",
    "CodeownersHistory",
    "CodeownersVersion",
    "OwnersOf",
    "Rule",
    "load_codeowners_history",
    "parse_codeowners",
]

log = structlog.get_logger(__name__)

# -- reading the history from GitHub -----------------------------------------------

_CACHE_SOURCE = "github-codeowners"


def _decode_contents(data: Any) -> str:
    if not isinstance(data, dict) or data.get("type", "file") != "file":
        raise BadItem("the CODEOWNERS path is not a file")
    content = get_str(data, "content")
    if data.get("encoding", "base64") != "base64":
        raise BadItem(f"unexpected encoding {data.get('encoding')!r}")
    try:
        return base64.b64decode(content, validate=False).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        raise BadItem("the content is not valid base64") from None


def _commit_time(item: Any) -> datetime:
    commit = item.get("commit") if isinstance(item, dict) else None
    for who in ("committer", "author"):
        person = commit.get(who) if isinstance(commit, dict) else None
        if isinstance(person, dict) and person.get("date"):
            return rest_time(person["date"])
    raise BadItem("the commit has no date")


def _load_cache(run: Handoff, repository: str) -> dict[str, list[list[Any]]]:
    raw = run.cursor(_CACHE_SOURCE, repository).cursor
    if not raw:
        return {}
    try:
        cached = json.loads(raw)
    except json.JSONDecodeError:
        return {}
    return cached if isinstance(cached, dict) else {}


def _location_versions(
    rest: ConditionalRest,
    repository: str,
    location: str,
    cached: list[list[Any]] | None,
) -> tuple[list[list[Any]], list[Any]]:
    """``[[iso time, sha, text or None], ...]`` of one location, and the list pages read.

    When the commit list answers 304 the cached versions stand; otherwise the
    text of each commit not yet cached is read at that commit.
    """
    known = {v[1]: v for v in cached or [] if isinstance(v, list) and len(v) == 3}
    url = rest.url(f"repos/{repository}/commits", {"path": location, "per_page": 100})
    pages = []
    fetched = rest.get(url, conditional=cached is not None)
    if fetched.not_modified:
        return list(known.values()), []
    out: list[list[Any]] = []
    while True:
        pages.append(fetched)
        for item in as_list(fetched.data, "commits", f"/repos/{repository}/commits"):
            try:
                sha = get_str(item, "sha")
                at = _commit_time(item)
            except BadItem as exc:
                log.warning("codeowners_commit_skipped", repository=repository, reason=str(exc))
                continue
            if sha in known:
                out.append(known[sha])
                continue
            out.append([at.isoformat(), sha, _text_at(rest, repository, location, sha)])
        if not fetched.next_url:
            break
        fetched = rest.get(fetched.next_url, conditional=cached is not None)
        if fetched.not_modified:
            # The older pages did not change: keep the cached versions they hold.
            seen = {v[1] for v in out}
            out.extend(v for sha, v in known.items() if sha not in seen)
            break
    return out, pages


def _text_at(rest: ConditionalRest, repository: str, location: str, sha: str) -> str | None:
    url = rest.url(f"repos/{repository}/contents/{location}", {"ref": sha})
    try:
        fetched = rest.get(url, conditional=False)
    except SourceError as exc:
        if is_not_found(exc):
            return None  # deleted (or moved away) by this commit
        raise
    try:
        return _decode_contents(fetched.data)
    except BadItem as exc:
        log.warning(
            "codeowners_content_skipped",
            repository=repository,
            location=location,
            sha=sha,
            reason=str(exc),
        )
        return None


def load_codeowners_history(
    client: GitHubClient, run: Handoff, repository: str
) -> CodeownersHistory:
    """The CODEOWNERS history of ``repository`` (``owner/repo``), read with conditional GETs.

    The texts read are cached in the sync state, so a repository whose
    CODEOWNERS did not change costs three ``304``s and no quota.
    """
    rest = ConditionalRest(client, run)
    cache = _load_cache(run, repository)
    fresh: dict[str, list[list[Any]]] = {}
    pages = []
    for location in CODEOWNERS_LOCATIONS:
        versions, read = _location_versions(rest, repository, location, cache.get(location))
        fresh[location] = versions
        pages.extend(read)
    if pages or fresh != cache:
        run.save_cursor(_CACHE_SOURCE, repository, Cursor(json.dumps(fresh, sort_keys=True)))
    for page in pages:
        rest.remember(page)
    texts = {
        location: [(rest_time(at), sha, text) for at, sha, text in versions]
        for location, versions in fresh.items()
    }
    return CodeownersHistory.from_texts(texts)
