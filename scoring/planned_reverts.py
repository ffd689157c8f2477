"""Reverts that are no failure: a re-landing (a revert of a revert) and a planned revert.

A revert usually says the reverted change broke something. Two kinds say the
opposite: a revert of a revert lands the work again, and a revert whose message says
it is temporary or planned ("temporarily", "to make a checkpoint release", "will
re-land") takes work out on purpose. Neither makes an incident nor names a culprit.
"""

from __future__ import annotations

import re

__all__ = ["is_planned_revert", "names_a_failure"]

# Words of a revert made on purpose, not because the change failed: a release cut
# without it, or a short pause before it lands again.
_PLANNED = re.compile(
    r"\btemporar(?:y|ily)\b"
    r"|\bcheckpoint release\b"
    r"|\b(?:for|before|ahead of|until after) the (?:\S+ )?release\b"
    r"|\bre-?land(?:ed|ing)? (?:it )?(?:later|after|once|when|in|soon)\b"
    r"|\b(?:will|to|we'll|and|then) (?:be )?re-?(?:land|apply|merge|introduce)(?:ed)?\b"
    r"|\breapply (?:it )?later\b",
    re.IGNORECASE,
)


def is_planned_revert(title: str, body: str | None) -> bool:
    """Whether a revert's title or body says it was planned or temporary, not a failure."""
    return bool(_PLANNED.search(title) or (body and _PLANNED.search(body)))


# Git's own title for a revert of a revert (``Revert "Revert "X""``): it lands the work again
# whether or not the change it undid was read as a revert (a hand-made "Revert target changes"
# with no "This reverts commit" line in it).
_RELANDS = re.compile(r'\s*revert\s+"revert\b', re.IGNORECASE)


def names_a_failure(title: str, body: str | None, target_is_revert: bool) -> bool:
    """Whether a revert (its ``title`` and ``body``) says the change it undid failed: not
    when that change was itself a revert or the title says it reverts one (this lands the work
    again), nor when planned."""
    return (
        not target_is_revert
        and _RELANDS.match(title) is None
        and not is_planned_revert(title, body)
    )
