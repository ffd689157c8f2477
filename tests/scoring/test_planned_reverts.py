"""Which reverts name a failure: not a re-landing, nor one its message says was planned."""

from __future__ import annotations

import pytest

from scoring.planned_reverts import is_planned_revert, names_a_failure


@pytest.mark.parametrize(
    ("title", "body"),
    [
        ('Revert "Add checkout"', "Temporarily revert to make a checkpoint release."),
        ('Temporarily revert "Add checkout"', None),
        ('Revert "Add checkout" for the 2.0 release', ""),
        ('Revert "Add checkout"', "We will re-land it once the release is out."),
        ('Revert "Add checkout"', "To reland later, after the freeze."),
    ],
)
def test_a_revert_that_says_it_is_planned_is_planned(title: str, body: str | None) -> None:
    """Each way a message says the revert is temporary or planned is read as such."""
    assert is_planned_revert(title, body)


@pytest.mark.parametrize(
    ("title", "body"),
    [
        ('Revert "Add checkout"', "This reverts commit 1234567. It broke payments."),
        ('Revert "Release 2.0 notes"', "Wrong numbers in the release."),
        ("Revert #12 - it broke the build", None),
    ],
)
def test_a_revert_of_a_failure_is_not_planned(title: str, body: str | None) -> None:
    """A revert that says only what broke names a failure."""
    assert not is_planned_revert(title, body)
    assert names_a_failure(title, body, target_is_revert=False)


def test_a_revert_of_a_revert_names_no_failure() -> None:
    """A revert whose target is itself a revert lands the work again."""
    assert not names_a_failure('Revert "Revert "Add checkout""', None, target_is_revert=True)


@pytest.mark.parametrize(
    "title",
    ['Revert "Revert target changes"', 'revert "Revert: drop the cache"', ' Revert  "revert x"'],
)
def test_a_title_that_reverts_a_revert_names_no_failure(title: str) -> None:
    """Git's title for a revert of a revert re-lands the work even when the change it undid
    was not read as a revert (a hand-made "Revert target changes" with no "This reverts" line)."""
    assert not names_a_failure(title, "This reverts commit cb211266.", target_is_revert=False)


def test_a_revert_of_a_change_named_for_reverting_still_names_a_failure() -> None:
    """Only git's quoted ``Revert "Revert …`` title re-lands: reverting "Reverting fees to v1
    pricing" (a change that reverts nothing of git's) still says that change broke something."""
    assert names_a_failure('Revert "Reverting fees to v1 pricing"', None, target_is_revert=False)
