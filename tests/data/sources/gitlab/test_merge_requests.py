"""Merge requests synced from a fake GitLab over real HTTP into a migrated store."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session, col, select

from data.sources.gitlab.merge_requests import CURSOR_SOURCE, MergeRequestsSource
from data.sources.gitlab.source import MergeRequestsWithOwners
from data.store.facts import load_changes
from data.store.tables import Change, ChangeFile, ChangeState, Person, ReviewRow, SyncState
from data.sync import SyncRun, run_sources
from fakes.gitlab_server import FakeCommit
from fakes.http import Answer
from scoring.errors import SourceError
from tests.data.sources.gitlab.world import NOW, PROJECT, World, at, mr

# Cases of the client against its fake; on PostgreSQL only where the store decides.
pytestmark = pytest.mark.client_cases

CODEOWNERS = """
[Checkout][2] @acme/platform/checkout-team
/checkout/

^[Docs]
*.md @writer
"""


def source(world: World, **kwargs: Any) -> MergeRequestsSource:
    """A merge request source on the real client, 30 days back on a first sync."""
    return MergeRequestsSource(
        kwargs.pop("client", None) or world.client(),
        PROJECT,
        kwargs.pop("config", world.config),
        30,
        clock=lambda: NOW,
        **kwargs,
    )


def login(world: World, person_id: int | None) -> str | None:
    """The login of a person row."""
    with Session(world.engine) as session:
        person = session.get(Person, person_id) if person_id is not None else None
        return person.login if person else None


@pytest.mark.store_decides
def test_a_sync_stores_files_approvals_owners_trailers_and_links(world: World) -> None:
    """A first sync stores each MR with its files, approvals, CODEOWNERS, agent, URL and state."""
    world.fake.commit_file(PROJECT, "CODEOWNERS", "c1" * 20, at(100), CODEOWNERS)
    world.fake.add_mr(
        PROJECT,
        mr(
            101,
            30,
            title="Add coupon codes",
            description="Coupons.",
            author="ann",
            merged_by="lead",
            labels=("feature", "payments"),
            files=(
                ("checkout/coupons.py", 120, 0, "new"),
                ("search/index.py", 4, 2, "modified"),
                ("README.md", 1, 1, "modified"),
                ("old/legacy.py", 0, 40, "deleted"),
            ),
            commits=(
                FakeCommit("Add coupons\n\nCo-authored-by: Claude <noreply@anthropic.com>"),
                FakeCommit("Fix a typo", "Ann", "ann@example.com"),
            ),
            approvals=(("bob", at(31), False), ("review-bot", at(30.5), True)),
            user_notes_count=7,
            merge_commit_sha="e" * 40,
        ),
    )
    world.fake.add_mr(
        PROJECT,
        mr(
            102,
            10,
            title='Revert "Add coupon codes"',
            description="This reverts merge request !101",
            source_branch="revert-1a2b3c4d",
            approvals=(),
        ),
    )
    world.fake.add_mr(PROJECT, mr(103, 5, state="opened", merged_by=None))
    pulls = source(world)
    run = world.run()
    MergeRequestsWithOwners(pulls.client, pulls).sync(run)

    # The open MR is stored as open, as of its last update, with its head commit.
    assert world.count(Change) == 3
    assert pulls.open_read == 1
    opened = world.change(103)
    assert (opened.state, opened.merged_at, opened.head_sha) == (ChangeState.OPEN, None, "d" * 40)
    assert world.change(101).state is ChangeState.MERGED
    first = world.change(101)
    assert first.url == f"{world.fake.base_url}/{PROJECT}/-/merge_requests/101"
    assert (first.number, first.title, first.sha) == (101, "Add coupon codes", "e" * 40)
    assert (login(world, first.author_id), login(world, first.merged_by_id)) == ("ann", "lead")
    assert sorted(first.labels) == ["feature", "payments"]
    assert first.review_comments == 7
    assert first.reviews_known is True
    with Session(world.engine) as session:
        files = {
            f.path: f
            for f in session.exec(select(ChangeFile).where(col(ChangeFile.change_id) == first.id))
        }
        reviews = session.exec(select(ReviewRow).where(col(ReviewRow.change_id) == first.id)).all()
    assert {p: (f.added, f.deleted, f.change_type) for p, f in files.items()} == {
        "checkout/coupons.py": (120, 0, "added"),
        "search/index.py": (4, 2, "modified"),
        "README.md": (1, 1, "modified"),
        "old/legacy.py": (0, 40, "deleted"),
    }
    assert files["checkout/coupons.py"].owners == ["@acme/platform/checkout-team"]
    assert files["README.md"].owners == ["@writer"]
    assert files["search/index.py"].owners == []
    assert sorted((r.state, r.submitted_at) for r in reviews) == [
        ("approved", at(31)),
        ("approved", at(30.5)),
    ]
    with Session(world.engine) as session:
        facts = {c.key: c for c in load_changes(session)}
    one = facts[f"{PROJECT}!101"]
    assert one.agent_involved
    assert one.co_authors == ("Claude <noreply@anthropic.com>",)
    # The bot's approval is not a human's: one human approval.
    assert [a.reviewer for a in one.human_approvals] == ["bob"]
    revert = world.change(102)
    assert (revert.reverts_key, revert.is_revert) == (f"{PROJECT}!101", True)


@pytest.mark.store_decides
def test_an_interrupted_sync_resumes_without_loss_or_duplicates(world: World) -> None:
    """A sync dying on its third page keeps two; the next one reads the rest, nothing twice.

    Each page after the first asks again from the newest update read, so it
    starts with the last MR of the page before (skipped): two pages hold 199.
    """
    for n in range(1, 251):
        world.fake.add_mr(PROJECT, mr(n, 300 - n))
    world.fake.server.fail_next(
        "/gitlab/api/v4/projects/acme%2Fplatform%2Fshop/merge_requests/201/diffs",
        Answer(404, {"message": "404 Not found"}),
    )
    with pytest.raises(SourceError):
        source(world).sync(world.run())
    assert world.count(Change) == 199
    with Session(world.engine) as session:
        state = session.exec(select(SyncState).where(col(SyncState.source) == CURSOR_SOURCE)).one()
    assert state.watermark == at(300 - 199)

    # Meanwhile an already stored MR is edited: the resumed sync reads it again, once.
    world.fake.add_mr(PROJECT, mr(150, 0.5, title="Touched meanwhile"))
    run = world.run()
    source(world).sync(run)
    assert world.count(Change) == 250
    assert world.count(ChangeFile) == 250
    assert world.count(ReviewRow) == 250
    assert run.tally.added == 51
    assert world.change(150).title == "Touched meanwhile"

    again = world.run()
    source(world).sync(again)
    assert (again.tally.added, world.count(Change)) == (0, 250)


def test_a_resync_with_nothing_new_asks_one_page(world: World) -> None:
    """A sync after a complete one asks for one list page and writes nothing."""
    for n in range(1, 31):
        world.fake.add_mr(PROJECT, mr(n, 100 - n))
    source(world).sync(world.run())
    before = len(world.fake.server.requests)
    run = world.run()
    source(world).sync(run)
    asked = world.fake.server.requests[before:]
    # Inside the 10 minutes of lag nothing lies: only the list is asked.
    assert [r.path.rsplit("/", 1)[-1] for r in asked] == ["merge_requests"]
    assert (run.tally.added, run.tally.updated) == (0, 0)


@pytest.mark.store_decides
def test_an_open_mr_closed_or_merged_later_takes_its_new_state(world: World) -> None:
    """Open MRs (`opened`, `locked`) are stored open; a later sync stores them closed or merged."""
    world.fake.add_mr(PROJECT, mr(1, 30, state="opened", merged_by=None))
    world.fake.add_mr(PROJECT, mr(2, 29, state="locked", merged_by=None))
    source(world).sync(world.run())
    assert [world.change(n).state for n in (1, 2)] == [ChangeState.OPEN, ChangeState.OPEN]
    world.fake.add_mr(PROJECT, mr(1, 3, state="closed", merged_by=None))
    world.fake.add_mr(PROJECT, mr(2, 2))
    source(world).sync(world.run())
    closed, merged = world.change(1), world.change(2)
    assert (closed.state, closed.merged_at) == (ChangeState.CLOSED, None)
    assert merged.state is ChangeState.MERGED
    assert merged.merged_at is not None
    assert world.count(Change) == 2


def test_a_draft_mr_is_stored_as_one(world: World) -> None:
    """GitLab's ``draft`` is stored with the change; marked ready later, it is no draft."""
    world.fake.add_mr(PROJECT, mr(1, 30, state="opened", merged_by=None, draft=True))
    world.fake.add_mr(PROJECT, mr(2, 29, state="opened", merged_by=None))
    source(world).sync(world.run())
    assert [world.change(n).draft for n in (1, 2)] == [True, False]
    world.fake.add_mr(PROJECT, mr(1, 3, state="opened", merged_by=None))
    source(world).sync(world.run())
    assert world.change(1).draft is False


@pytest.mark.store_decides
def test_many_mrs_updated_in_the_same_instant_are_all_read(world: World) -> None:
    """More MRs than a page updated at one instant are paged by GitLab's next link, none lost."""
    for n in range(1, 231):
        world.fake.add_mr(PROJECT, mr(n, 20))
    source(world).sync(world.run())
    assert world.count(Change) == 230


def test_429_is_waited_out_as_retry_after_says(world: World) -> None:
    """A 429 with Retry-After is slept for as long as it asks, then the request goes again."""
    world.fake.add_mr(PROJECT, mr(1, 3))
    world.fake.server.fail_next(
        "/gitlab/api/v4/projects", Answer(429, {"message": "Retry later"}, {"Retry-After": "7"})
    )
    source(world).sync(world.run())
    assert world.sleeps == [7.0]
    assert world.count(Change) == 1


def test_a_spent_quota_pauses_until_the_reset(world: World) -> None:
    """An answer saying RateLimit-Remaining 0 makes the next request wait for RateLimit-Reset."""
    world.fake.add_mr(PROJECT, mr(1, 3))
    world.fake.ratelimit_remaining = 1
    world.fake.reset_at = int(NOW.timestamp()) + 30
    source(world).sync(world.run())
    assert world.sleeps
    assert world.sleeps[0] == pytest.approx(31.0)


def test_a_wrong_token_is_one_sentence_naming_the_variable(world: World) -> None:
    """A token GitLab does not know ends the source in one sentence, not a traceback."""
    world.fake.add_mr(PROJECT, mr(1, 3))
    summary = run_sources(world.engine, world.org, [source(world, client=world.client("nope"))])
    assert summary[0].error is not None
    assert "RISKBRIEF_GITLAB_TOKEN" in summary[0].error
    assert "401" in summary[0].error
    assert world.count(Change) == 0


def test_a_token_without_read_api_says_so(world: World) -> None:
    """A token GitLab answers insufficient_scope for is told to get read_api."""
    world.fake.add_mr(PROJECT, mr(1, 3))
    summary = run_sources(
        world.engine, world.org, [source(world, client=world.client("glpat-narrow"))]
    )
    assert summary[0].error is not None
    assert "read_api" in summary[0].error


def test_approvals_fall_back_to_rest_when_graphql_cannot_say(world: World) -> None:
    """Without GraphQL's approvedBy, the REST approvals API names the approvers."""
    world.fake.graphql_approvals = False
    world.fake.add_mr(PROJECT, mr(1, 3, approvals=(("bob", at(4), False),)))
    source(world).sync(world.run())
    assert world.change(1).reviews_known is True
    assert world.count(ReviewRow) == 1


def test_premium_only_approvals_make_the_review_unknown_not_missing(world: World) -> None:
    """When neither GraphQL nor the (Premium) REST API answers, the review is unknown."""
    world.fake.graphql_approvals = False
    world.fake.premium_approvals = False
    world.fake.add_mr(PROJECT, mr(1, 3))
    source(world).sync(world.run())
    assert world.change(1).reviews_known is False
    assert world.count(ReviewRow) == 0
    with Session(world.engine) as session:
        facts = load_changes(session)
    assert facts[0].reviews_known is False


def test_a_project_gitlab_cannot_see_is_one_sentence(world: World) -> None:
    """A project path GitLab answers 404 for names the setting to check."""
    missing = MergeRequestsSource(world.client(), "acme/nope", world.config, 30, clock=lambda: NOW)
    with pytest.raises(SourceError, match="full path"):
        missing.sync(SyncRun(world.engine, world.org))


def test_malformed_mrs_are_skipped_and_the_rest_stored(world: World) -> None:
    """An MR GitLab lists without a merge time is logged and skipped; the others are stored."""
    world.fake.add_mr(PROJECT, mr(1, 5))
    broken = world.fake.add_mr(PROJECT, mr(2, 4))
    world.fake.add_mr(PROJECT, mr(3, 3))
    original = world.fake._mr_json

    def without_merge_time(project: Any, item: Any) -> dict[str, Any]:
        out = original(project, item)
        if item is broken:
            out["merged_at"] = None
        return out

    world.fake._mr_json = without_merge_time  # type: ignore[method-assign,assignment]
    run = world.run()
    source(world).sync(run)
    assert world.count(Change) == 2
    assert run.tally.skipped == 1
