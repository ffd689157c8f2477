"""A merge request read into a record: GitLab's states, diffs, approvals' times, reverts."""

from __future__ import annotations

from typing import Any

import pytest

from data.sources.gitlab.mr_records import (
    Approvals,
    MalformedMergeRequest,
    MergeRequestDetails,
    MergeRequestState,
    approval_times,
    change_record,
    diff_file,
    list_item,
)
from fakes.gitlab_server import ts
from tests.data.sources.gitlab.world import at


def item(**changes: Any) -> dict[str, Any]:
    """A list item of the merge request API."""
    base: dict[str, Any] = {
        "id": 77,
        "iid": 7,
        "title": "Change",
        "state": "merged",
        "created_at": ts(at(10)),
        "updated_at": ts(at(2)),
        "merged_at": ts(at(3)),
        "author": {"username": "ann"},
        "merge_user": {"username": "lead"},
        "web_url": "https://gitlab.example.com/acme/shop/-/merge_requests/7",
        "source_branch": "feature",
        "target_branch": "main",
        "labels": ["backend"],
        "user_notes_count": 3,
        "sha": "d" * 40,
    }
    base.update(changes)
    return base


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("opened", MergeRequestState.OPEN),
        ("locked", MergeRequestState.OPEN),
        ("merged", MergeRequestState.MERGED),
        ("closed", MergeRequestState.CLOSED),
    ],
)
def test_gitlab_states_map_onto_the_stores_words(state: str, expected: MergeRequestState) -> None:
    """``opened`` and ``locked`` are open; ``merged`` and ``closed`` keep their names."""
    assert list_item(item(state=state)).state is expected


def test_an_unknown_state_or_a_merged_mr_without_a_merge_time_is_malformed() -> None:
    """Such items are refused with the field named."""
    with pytest.raises(MalformedMergeRequest, match="state"):
        list_item(item(state="archived"))
    with pytest.raises(MalformedMergeRequest, match="merged_at"):
        list_item(item(merged_at=None))


def test_an_open_mr_is_known_as_of_its_last_update_with_no_merger() -> None:
    """An open MR's record carries its last update where a merged one has its merge time."""
    listed = list_item(item(state="opened", merged_at=None, merge_user=None))
    record = change_record(listed, "acme/shop", "https://x", MergeRequestDetails(), Approvals(()))
    assert (record.merged_at, record.merged_by, record.key) == (at(2), None, "acme/shop!7")


@pytest.mark.parametrize(
    ("fields", "draft"),
    [
        ({"draft": True, "work_in_progress": True}, True),
        ({"work_in_progress": True}, True),
        ({"draft": False, "work_in_progress": True}, False),
        ({}, False),
    ],
)
def test_draft_is_read_from_draft_else_work_in_progress(
    fields: dict[str, Any], draft: bool
) -> None:
    """``draft`` decides; a GitLab that sends only ``work_in_progress`` is read by that."""
    listed = list_item(item(state="opened", merged_at=None, **fields))
    record = change_record(listed, "acme/shop", "https://x", MergeRequestDetails(), Approvals(()))
    assert record.draft is draft


def test_diff_lines_are_counted_from_the_hunks_and_kinds_from_the_flags() -> None:
    """Added and deleted lines come from the diff text; new/deleted/renamed from GitLab's flags,
    and a renamed file's old path."""
    diff = "@@ -1,2 +1,3 @@\n context\n-gone\n+one\n+two\n\\\\ No newline at end of file\n"
    f = diff_file({"old_path": "a.py", "new_path": "b.py", "renamed_file": True, "diff": diff})
    assert (f.path, f.added, f.deleted, f.change_type) == ("b.py", 2, 1, "renamed")
    assert f.previous_path == "a.py"
    gone = diff_file({"old_path": "c.py", "new_path": "c.py", "deleted_file": True, "diff": ""})
    assert (gone.path, gone.change_type, gone.previous_path) == ("c.py", "deleted", None)


def test_an_approval_withdrawn_is_not_in_force_and_a_renewed_one_is_dated_anew() -> None:
    """System notes: approve, unapprove, approve again gives the last approval's time."""

    def note(body: str, who: str, hours_ago: float, system: bool = True) -> dict[str, Any]:
        return {
            "body": body,
            "author": {"username": who},
            "created_at": ts(at(hours_ago)),
            "system": system,
        }

    times = approval_times(
        [
            note("approved this merge request", "bob", 9),
            note("unapproved this merge request", "bob", 8),
            note("approved this merge request", "bob", 7),
            note("approved this merge request", "carol", 6),
            note("unapproved this merge request", "carol", 5),
            note("approved this merge request", "dan", 4, system=False),
        ]
    )
    assert times == {"bob": at(7)}


def test_a_revert_names_what_it_reverts_in_this_or_another_project() -> None:
    """GitLab's "This reverts merge request !N" (or group/p!N) and the commit it reverts."""
    here = change_record(
        list_item(
            item(
                title='Revert "Change"',
                description="This reverts merge request !5\n\nThis reverts commit abcdef1234",
            )
        ),
        "acme/shop",
        "https://x",
        MergeRequestDetails(),
        Approvals(()),
    )
    assert (here.reverts_key, here.reverts_sha, here.is_revert) == (
        "acme/shop!5",
        "abcdef1234",
        True,
    )
    there = change_record(
        list_item(item(description="This reverts merge request acme/lib!9")),
        "acme/shop",
        "https://x",
        MergeRequestDetails(),
        Approvals(None),
    )
    assert there.reverts_key == "acme/lib!9"
    assert there.reviews_known is False
