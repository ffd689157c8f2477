"""The history of a local clone alone, for scoring a change when there is no store."""

from __future__ import annotations

import gc
from dataclasses import replace
from pathlib import Path

from data.config import OrgConfig
from data.sources.local_git.clone import clone_repository, clone_top
from data.sources.local_git.git_command import UNSHALLOW, is_shallow, shallow_clone_error
from data.sources.local_git.gitlog import mine_commits
from data.sources.local_git.mined_commit import MinedCommit
from scoring.authorship import AuthorKind
from scoring.config import ScoringConfig
from scoring.facts import ChangeFacts
from scoring.history import History
from scoring.risk import score_change
from scoring.typical import TYPICAL_SPAN, raw_points

__all__ = ["SCORED_FOR_TYPICAL", "clone_history"]


# The latest changes scored, with their lines of code, for the history's typical change (the
# band every score is read against): the span the typical change weighs most, whose mean is
# close to what scoring the whole history gives, at a bounded cost (reading 500 commits'
# patches took 4 s on pallets/click, where the check took 6 s without it).
SCORED_FOR_TYPICAL = TYPICAL_SPAN


def clone_history(
    path: Path,
    rev: str,
    org: OrgConfig | None = None,
    repository: str | None = None,
    config: ScoringConfig | None = None,
) -> tuple[History, int]:
    """The clone's own history up to ``rev`` (non-merge commits) and how many changes it holds.

    For ``riskbrief check`` without a store: no reviews, incidents or deploys are known.
    Changes are recorded in time order, as the store would hand them over. With ``config``,
    the latest ``SCORED_FOR_TYPICAL`` changes are scored on the way (read again with their
    lines of code, as sync reads them), so a change checked against the clone is banded
    against the history's typical change, as it would be against a synced store.
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
    mined = [
        (m.sha, _as_configured(m, name, org)) for m in mine_commits(top, rev, code_lines=False)
    ]
    scored: dict[str, ChangeFacts] = {}
    if config is not None and mined:
        cut = len(mined) - SCORED_FOR_TYPICAL
        after = mined[cut - 1][0] if cut > 0 else None
        for m in mine_commits(top, rev, after=after, code_lines=True):
            scored[m.change.key] = _as_configured(m, name, org)
    changes = sorted((scored.get(c.key, c) for _, c in mined), key=lambda c: (c.merged_at, c.key))
    lookback = org.scoring_config().incident_lookback_days if org is not None else 30
    history = History(lookback_days=lookback)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for c in changes:
            if config is not None and c.key in scored:
                signals = score_change(c, history.advance(c), config).signals
                # As ``scoring.risk.iter_scores`` notes each score: its points unrounded.
                history.note_score(raw_points(signals), signals)
            else:
                history.record(c)
    finally:
        if was_enabled:
            gc.enable()
    return history, len(changes)


def _as_configured(mined: MinedCommit, name: str, org: OrgConfig | None) -> ChangeFacts:
    """A mined change with its files' services and its author's kind, as configured."""
    c = mined.change
    if org is not None and org.services:
        files = tuple(replace(f, service=org.service_for_path(name, f.path)) for f in c.files)
        c = replace(c, files=files)
    if org is not None:
        kind = org.agents.kind_of(mined.author_name, c.author)
        c = replace(
            c, author_is_agent=kind is AuthorKind.AGENT, author_is_bot=kind is AuthorKind.BOT
        )
    return c
