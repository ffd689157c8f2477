"""Pull requests of both Bitbucket editions synced through the real client from the fake."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from data.ingest import Tally
from data.sources.bitbucket.client import BitbucketError
from data.store.tables import Change, ChangeFile, ReviewRow
from data.sync import SyncRun
from fakes.http import Answer
from tests.data.sources.bitbucket.world import CLAUDE, World, at, pr


def test_merged_open_and_declined_pull_requests_are_stored_with_their_details(
    world: World,
) -> None:
    """A merged PR keeps its files and line counts, author, approval and its time, comments
    and agent commit; an open draft is open and draft; one declined after it was read open
    is closed (the store keeps a closed PR only where it listed it open)."""
    world.fake.add_pr(
        world.repo,
        pr(
            1,
            3,
            files=(("checkout/a.py", 10, 2, "modified"), ("search/b.py", 4, 0, "added")),
            commits=((CLAUDE, "Ada", "ada@example.com"),),
            approvals=(("rita", at(4), False),),
            comments=5,
        ),
    )
    world.fake.add_pr(world.repo, pr(2, 2, state="OPEN", draft=True, approvals=()))
    world.fake.add_pr(world.repo, pr(3, 1.5, state="OPEN"))
    world.sync()
    world.fake.add_pr(world.repo, pr(3, 1, state="DECLINED"))
    world.sync()
    merged, files, reviews = world.change(1)
    assert merged.state == "merged"
    assert merged.merged_at == at(3)
    assert sorted((f.path, f.added, f.deleted, f.change_type) for f in files) == [
        ("checkout/a.py", 10, 2, "modified"),
        ("search/b.py", 4, 0, "added"),
    ]
    assert [(r.state, r.submitted_at) for r in reviews] == [("approved", at(4))]
    assert merged.review_comments == 5
    assert merged.author_id != merged.merged_by_id
    assert merged.co_authors == ["Claude Sonnet 4.6 <noreply@anthropic.com>"]
    opened, _, _ = world.change(2)
    assert (opened.state, opened.draft) == ("open", True)
    declined, _, _ = world.change(3)
    assert declined.state == "closed"


def test_pages_of_pull_requests_and_of_their_files_are_all_read(world: World) -> None:
    """With two items a page, five pull requests of three files each all arrive whole."""
    world.fake.max_page = 2
    three = tuple((f"checkout/f{i}.py", 1, 0, "modified") for i in range(3))
    for n in range(1, 6):
        world.fake.add_pr(world.repo, pr(n, n, files=three))
    world.sync()
    assert world.count(Change) == 5
    assert world.count(ChangeFile) == 15


def test_a_429_is_waited_out_then_the_sync_goes_on(world: World) -> None:
    """A 429 with Retry-After: 7 on the list is waited for 7 s, and the sync completes."""
    world.fake.add_pr(world.repo, pr(1, 1))
    prefix = "/2.0/repositories" if world.edition == "cloud" else "/bb/rest/api/1.0/projects"
    world.fake.server.fail_next(prefix, Answer(429, {}, {"Retry-After": "7"}))
    client = world.client()
    world.sync(client)
    assert client.waits == [7.0]
    assert world.count(Change) == 1


def test_a_token_without_the_scope_is_one_sentence_naming_it(world: World) -> None:
    """A token that may not read pull requests ends the sync in one sentence naming what it
    lacks: Cloud's scope, Data Center's repository read permission."""
    world.fake.add_pr(world.repo, pr(1, 1))
    with pytest.raises(BitbucketError) as caught:
        world.sync(world.client("narrow"))
    message = str(caught.value)
    assert caught.value.status == 403
    expected = "lacks the pullrequest scope" if world.edition == "cloud" else "repository read"
    assert expected in message
    assert "\n" not in message


class _Interrupted(Exception):
    pass


class _StopsAfter(SyncRun):
    """A run that fails once ``left`` pages of pull requests have been checkpointed."""

    left = 1

    def checkpoint(self, source: str, scope: str = "", **kwargs: Any) -> Tally:
        """Store as a run does, until the pages allowed are spent."""
        if source.endswith("pulls") and kwargs.get("changes"):
            if self.left == 0:
                raise _Interrupted
            self.left -= 1
        return super().checkpoint(source, scope, **kwargs)


def _details(world: World, number: str = r"\d+") -> int:
    """Requests for pull requests' details (one per pull request read)."""
    if world.edition == "cloud":
        return len(world.fake.requests_to(rf"/2\.0/repositories/[^/]+/[^/]+/pullrequests/{number}"))
    return len(world.fake.requests_to(rf"/rest/api/1\.0/.*/pull-requests/{number}/changes"))


def test_an_interrupted_sync_resumes_without_loss_or_rereading(world: World) -> None:
    """A sync stopped while storing its second page leaves the first stored; the next sync
    stores the rest and a PR updated meanwhile, and reads the stored page's details no more."""
    world.fake.max_page = 2
    for n in range(1, 7):
        world.fake.add_pr(world.repo, pr(n, n))
    with pytest.raises(_Interrupted):
        world.sync(run=_StopsAfter(world.engine, world.org))
    assert world.count(Change) == 2
    world.fake.add_pr(world.repo, pr(7, 0.5))
    world.sync()
    assert world.count(Change) == 7
    # The first page (PRs 1 and 2) once; the next asks again from PR 2's update, so it holds
    # 2 (skipped) and 3, whose checkpoint failed: 3 alone is read twice.
    assert [_details(world, str(n)) for n in range(1, 8)] == [1, 1, 2, 1, 1, 1, 1]


def test_a_second_sync_with_nothing_new_adds_and_reads_nothing(world: World) -> None:
    """After a full sync, another adds no row and asks for no pull request's details."""
    for n in range(1, 4):
        world.fake.add_pr(world.repo, pr(n, n * 0.05))
    world.sync()
    before = (_details(world), world.count(Change), world.count(ReviewRow))
    run = world.sync()
    assert (_details(world), world.count(Change), world.count(ReviewRow)) == before
    assert run.tally.added == 0


def test_a_deleted_source_branch_keeps_the_pull_request_with_files_unknown(world: World) -> None:
    """A PR declined and its branch deleted (diff and commits 404) is still stored, closed."""
    world.fake.add_pr(world.repo, pr(1, 2, state="OPEN"))
    world.sync()
    world.fake.add_pr(world.repo, pr(1, 1, state="DECLINED", branch_deleted=True))
    world.sync()
    row, files, _ = world.change(1)
    assert row.state == "closed"
    assert files == []


def test_pull_requests_older_than_the_first_sync_window_are_not_read(world: World) -> None:
    """A first sync reads `first_sync_days` back (90 by default) and no further."""
    world.fake.add_pr(world.repo, pr(1, 1))
    world.fake.add_pr(world.repo, pr(2, (timedelta(days=100) / timedelta(hours=1))))
    world.sync()
    assert world.count(Change) == 1
