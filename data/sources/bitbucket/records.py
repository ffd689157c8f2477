"""A Bitbucket pull request, Cloud's or Data Center's, made the one record both editions store.

``change_record`` turns a ``Pull`` (``data.sources.bitbucket.pull``, read by
``cloud_pull`` or ``dc_pull``) into a ``SourceChange``: reviews, agent
authorship, co-authors, reverts and hotfixes read from its title, branch,
description and commits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from data.codeowners import OwnersOf
from data.source_values import SourceChange, SourceReview
from data.sources.bitbucket.keys import pull_key
from data.sources.bitbucket.pull import Pull
from scoring.authorship import AuthorKind, agent_in_message, identity_kind

__all__ = ["change_record"]

_TRAILER = re.compile(r"^\s*Co-authored-by:\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)
_REVERT_TITLE = re.compile(r'^\s*Revert\s+"', re.IGNORECASE)
_REVERTS_COMMIT = re.compile(r"This reverts commit\s+(?P<sha>[0-9a-f]{7,40})", re.IGNORECASE)
_HOTFIX = re.compile(r"hot[-_ ]?fix", re.IGNORECASE)


def _co_authors(texts: Sequence[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for text in texts:
        for match in _TRAILER.finditer(text):
            seen.setdefault(match.group(1), None)
    return tuple(seen)


def _aliased(owners: tuple[str, ...] | None, aliases: Mapping[str, str]) -> tuple[str, ...] | None:
    """``owners`` with each ``@nickname`` of an approver written as the approver's key, so
    that an owner's approval counts as one (Cloud keys people by account id)."""
    if owners is None or not aliases:
        return owners
    out = (
        f"@{aliases[o[1:].lower()]}" if o.startswith("@") and o[1:].lower() in aliases else o
        for o in owners
    )
    return tuple(dict.fromkeys(out))


def change_record(
    pull: Pull, repository: str, *, owners_of: OwnersOf | None = None
) -> SourceChange:
    """The ``SourceChange`` of one pull request; one not merged is known as of its last update.

    A file's owners are CODEOWNERS' as of the merge (of the last update, for one
    not merged). An approval whose time the activity does not say is taken at
    the merge: the latest it can have been.
    """
    known_as_of = pull.merged_at or pull.updated_at
    reviews = tuple(
        SourceReview(
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
        files = tuple(
            replace(f, owners=_aliased(owners_of(f.path, known_as_of), pull.owner_aliases))
            for f in files
        )
    reverts = _REVERTS_COMMIT.search(body)
    head = pull.source_branch or ""
    return SourceChange(
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
