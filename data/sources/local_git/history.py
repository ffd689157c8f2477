"""The history of a local clone alone, for scoring a change when there is no store."""

from __future__ import annotations

import gc
from dataclasses import replace
from pathlib import Path

from data.config import OrgConfig
from data.sources.git_command import UNSHALLOW, is_shallow, shallow_clone_error
from data.sources.gitlog import mine_commits
from data.sources.local_git.clone import clone_repository, clone_top
from scoring.authorship import AuthorKind
from scoring.facts import ChangeFacts
from scoring.history import History

__all__ = ["clone_history"]


def clone_history(
    path: Path, rev: str, org: OrgConfig | None = None, repository: str | None = None
) -> tuple[History, int]:
    """The clone's own history up to ``rev`` (non-merge commits) and how many changes it holds.

    For ``riskbrief check`` without a store: no reviews, incidents or deploys are known.
    Changes are recorded in time order, as the store would hand them over.
    A shallow clone is refused (``SourceError``): its oldest commit shows the whole tree as
    added, so every file would seem changed once, by whoever made that commit, and nothing
    before; that history is unknown, not short.
    """
    top = clone_top(path)
    if is_shallow(top):
        raise shallow_clone_error(
            path,
            "how often its files changed before, and by whom, is unknown",
            f"{UNSHALLOW} and check again, or check against a synced store (--database-url)",
        )
    name = repository or clone_repository(top, org)
    changes: list[ChangeFacts] = []
    for mined in mine_commits(top, rev, code_lines=False):
        c = mined.change
        if org is not None and org.services:
            files = tuple(replace(f, service=org.service_for_path(name, f.path)) for f in c.files)
            c = replace(c, files=files)
        if org is not None:
            kind = org.agents.kind_of(mined.author_name, c.author)
            c = replace(
                c,
                author_is_agent=kind is AuthorKind.AGENT,
                author_is_bot=kind is AuthorKind.BOT,
            )
        changes.append(c)
    lookback = org.scoring_config().incident_lookback_days if org is not None else 30
    history = History(lookback_days=lookback)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for c in sorted(changes, key=lambda c: (c.merged_at, c.key)):
            history.record(c)
    finally:
        if was_enabled:
            gc.enable()
    return history, len(changes)
