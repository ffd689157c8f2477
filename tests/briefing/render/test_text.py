"""Wording shared by the renderers: the partial-data footer."""

from __future__ import annotations

from dataclasses import replace

from briefing.payload import UnknownView
from briefing.render.text import unknown_line
from briefing.sections import unknown as _unknown
from scoring.config import ScoringConfig
from scoring.risk import Band
from scoring.weekly import aggregate
from tests.scoring.builders import scored


def test_the_footer_says_why_gitlab_approvals_are_unknown_instead_of_to_configure_gitlab() -> None:
    """With GitLab configured but its approvals unreadable, the footer says why, not "add it"."""
    changes = [
        replace(scored(n, "shop", "team", Band.SAFE, 0, human_reviewed=None), key=f"acme/shop!{n}")
        for n in range(3)
    ]
    unknown = _unknown(aggregate(changes), ScoringConfig())
    assert (unknown.review, unknown.review_approvals_unread) == (3, 3)
    line = unknown_line(unknown)
    assert line is not None
    assert "GitLab gave no approvals for 3 merge requests" in line
    assert "[sources.gitlab]" not in line
    assert "To add it" not in line


def test_the_footer_still_says_how_to_add_reviews_a_bare_history_lacks() -> None:
    """Changes from a bare git history keep the code-host advice beside GitLab's reason."""
    line = unknown_line(UnknownView(changes=4, review=4, review_approvals_unread=1))
    assert line is not None
    assert "GitLab gave no approvals for 1 merge request " in line
    assert line.endswith(
        "To add it: reviews come with a code host ([sources.github] and "
        "GITHUB_TOKEN, or [sources.gitlab])."
    )
