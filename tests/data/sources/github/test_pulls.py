"""Merged pull requests synced from a fake GitHub GraphQL API into a migrated store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import structlog
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from data.config import OrgConfig, parse_org_config
from data.config.sources import GitHubSourceConfig
from data.sources.github.auth import TokenAuth
from data.sources.github.client import GitHubClient
from data.sources.github.pulls import CURSOR_SOURCE, GitHubPullsSource
from data.store.facts import load_changes
from data.store.org import sync_org
from data.store.tables import Change, ChangeFile, Person, ReviewRow, Service, SyncState
from data.sync import SyncRun, run_sources
from fakes.github_graphql import (
    FakeFile,
    FakeGitHubGraphQL,
    FakePull,
    FakeReview,
    iso,
    make_fake_github_graphql,
)
from fakes.http import Answer, FakeServer
from scoring.errors import SourceError

# Cases of the client against its fake; on PostgreSQL only where the store decides.
pytestmark = pytest.mark.client_cases

TOKEN = "ghp_test"
REPO = "acme/shop"
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
ORG = """
[[repositories]]
name = "acme/shop"

[[services]]
key = "checkout"
repository = "acme/shop"
paths = ["checkout/**"]

[[services]]
key = "search"
repository = "acme/shop"
paths = ["search/**"]

[sources.github]
lag_minutes = 10
"""


def at(hours_ago: float) -> str:
    """A GitHub time ``hours_ago`` before NOW."""
    return iso(NOW - timedelta(hours=hours_ago))


def plain(number: int, hours_ago: float, **changes: Any) -> FakePull:
    """A merged pull request with one file and one approval, updated ``hours_ago``."""
    base: dict[str, Any] = {
        "title": f"Change {number}",
        "author": f"dev{number % 4}",
        "files": (FakeFile(f"checkout/f{number}.py", 3, 1),),
        "reviews": (FakeReview("reviewer", "APPROVED", at(hours_ago + 0.5)),),
    }
    base.update(changes)
    return FakePull(number, at(hours_ago), **base)


@dataclass
class World:
    """A fake GitHub on 127.0.0.1, a store with the organisation, and the waits taken."""

    server: FakeServer
    fake: FakeGitHubGraphQL
    engine: Engine
    org: OrgConfig
    sleeps: list[float] = field(default_factory=list)

    def source(self, **kwargs: Any) -> GitHubPullsSource:
        """A pulls source on a real httpx client pointed at the fake."""
        client = GitHubClient(
            self.server.url,
            TokenAuth(kwargs.pop("token", TOKEN)),
            sleep=self.sleeps.append,
            clock=lambda: NOW.timestamp(),
        )
        config = kwargs.pop("config", self.org.sources.github or GitHubSourceConfig())
        return GitHubPullsSource(client, REPO, config, 30, clock=lambda: NOW, **kwargs)

    def sync(self, source: GitHubPullsSource | None = None) -> SyncRun:
        """One sync of the repository's pull requests."""
        run = SyncRun(self.engine, self.org)
        (source or self.source()).sync(run)
        return run

    def page_sizes(self) -> list[int]:
        """The ``first`` of every page query GitHub received, in order."""
        sizes = []
        for request in self.server.requests_to("/graphql"):
            body = request.json()
            if body["query"].startswith("query PullPage"):
                sizes.append(body["variables"]["first"])
        return sizes

    def count(self, table: Any) -> int:
        """Rows in ``table``."""
        with Session(self.engine) as session:
            return int(session.exec(select(func.count()).select_from(table)).one())


@pytest.fixture
def world(engine: Engine) -> Iterator[World]:
    """An empty fake repository and a store with the organisation synced into it."""
    org = parse_org_config(ORG)
    with Session(engine) as session:
        sync_org(session, org)
        session.commit()
    with FakeServer() as server:
        fake = make_fake_github_graphql(server, TOKEN)
        fake.add(REPO, [])
        yield World(server, fake, engine, org)


def change(engine: Engine, number: int) -> Change:
    """The stored change of pull request ``number``."""
    with Session(engine) as session:
        row = session.exec(select(Change).where(col(Change.key) == f"{REPO}#{number}")).one()
        session.expunge(row)
        return row


def login(engine: Engine, person_id: int | None) -> str | None:
    """The login of a person row."""
    with Session(engine) as session:
        person = session.get(Person, person_id) if person_id is not None else None
        return person.login if person else None


# -- a first sync --------------------------------------------------------------


@pytest.mark.store_decides
def test_first_sync_stores_changes_files_reviews_labels_and_links(world: World) -> None:
    """A first sync stores each merged PR with files, reviews, labels, trailers and revert link."""
    world.fake.add(
        REPO,
        [
            FakePull(
                101,
                at(30),
                title="Add coupon codes",
                body="Coupons.\n\nCo-authored-by: Ann Lee <ann@example.com>",
                created_at=at(50),
                author="ann",
                merged_by="lead",
                base="main",
                head="feature/coupons",
                merge_oid="a" * 40,
                merge_message=(
                    "Add coupon codes (#101)\n\nCo-authored-by: Copilot "
                    "<175728472+Copilot@users.noreply.github.com>"
                ),
                labels=("feature", "payments"),
                files=(
                    FakeFile("checkout/coupons.py", 120, 0, "ADDED"),
                    FakeFile("search/index.py", 4, 2, "MODIFIED"),
                    FakeFile("old/legacy.py", 0, 40, "DELETED"),
                    FakeFile("checkout/new_name.py", 0, 0, "RENAMED"),
                    FakeFile("checkout/copy.py", 9, 0, "COPIED"),
                    FakeFile("search/tool", 0, 0, "CHANGED"),
                ),
                reviews=(
                    FakeReview("bob", "CHANGES_REQUESTED", at(40)),
                    FakeReview("bob", "APPROVED", at(35)),
                    FakeReview("carol", "PENDING", None),
                    FakeReview(None, "COMMENTED", at(34)),
                ),
                ci_state="FAILURE",
                total_comments=7,
            ),
            FakePull(
                102,
                at(10),
                title='Revert "Add coupon codes"',
                body="Reverts acme/shop#101",
                head="revert-101-feature/coupons",
                author="renovate",
                author_type="Bot",
                files=(FakeFile("checkout/coupons.py", 0, 120, "DELETED"),),
            ),
            plain(103, 5, head="hotfix/total-rounding", ci_state=None, labels=("urgent",)),
        ],
    )

    def owners(path: str, when: datetime) -> tuple[str, ...]:
        return ("@acme/checkout",) if path.startswith("checkout/") and when < NOW else ()

    run = world.sync(world.source(owners_of=owners))

    assert (run.tally.added, run.tally.updated, run.tally.skipped) == (3, 0, 0)
    pr = change(world.engine, 101)
    assert pr.title == "Add coupon codes"
    assert pr.url == f"https://github.com/{REPO}/pull/101"
    assert pr.sha == "a" * 40
    assert pr.merged_at == NOW - timedelta(hours=30)
    assert pr.opened_at == NOW - timedelta(hours=50)
    assert (pr.base_branch, pr.head_branch) == ("main", "feature/coupons")
    assert pr.labels == ["feature", "payments"]
    assert pr.co_authors == [
        "Copilot <175728472+Copilot@users.noreply.github.com>",
        "Ann Lee <ann@example.com>",
    ]
    assert pr.co_authored_by_agent
    assert (pr.ci_status, pr.review_comments) == ("failure", 7)
    assert (pr.is_revert, pr.is_hotfix) == (False, False)
    assert login(world.engine, pr.author_id) == "ann"
    assert login(world.engine, pr.merged_by_id) == "lead"

    with Session(world.engine) as session:
        services = {s.id: s.key for s in session.exec(select(Service))}
        files = session.exec(
            select(ChangeFile)
            .where(col(ChangeFile.change_id) == pr.id)
            .order_by(col(ChangeFile.id))
        ).all()
        assert [
            (f.path, f.added, f.deleted, f.change_type, services.get(f.service_id or 0), f.owners)
            for f in files
        ] == [
            ("checkout/coupons.py", 120, 0, "added", "checkout", ["@acme/checkout"]),
            ("search/index.py", 4, 2, "modified", "search", []),
            ("old/legacy.py", 0, 40, "deleted", None, []),
            ("checkout/new_name.py", 0, 0, "renamed", "checkout", ["@acme/checkout"]),
            ("checkout/copy.py", 9, 0, "copied", "checkout", ["@acme/checkout"]),
            ("search/tool", 0, 0, "modified", "search", []),
        ]
        reviews = session.exec(
            select(ReviewRow).where(col(ReviewRow.change_id) == pr.id).order_by(col(ReviewRow.id))
        ).all()
        people = {p.id: p.login for p in session.exec(select(Person))}
        # The pending review is not a review yet; a deleted reviewer is GitHub's "ghost".
        assert [(people[r.reviewer_id], r.state, r.submitted_at) for r in reviews] == [
            ("bob", "changes_requested", NOW - timedelta(hours=40)),
            ("bob", "approved", NOW - timedelta(hours=35)),
            ("ghost", "commented", NOW - timedelta(hours=34)),
        ]

    revert = change(world.engine, 102)
    assert (revert.is_revert, revert.reverts_key) == (True, f"{REPO}#101")
    assert login(world.engine, revert.author_id) == "renovate"
    hotfix = change(world.engine, 103)
    assert (hotfix.is_hotfix, hotfix.ci_status, hotfix.labels) == (True, None, ["urgent"])
    with Session(world.engine) as session:
        state = session.exec(select(SyncState).where(col(SyncState.source) == CURSOR_SOURCE)).one()
        assert (state.scope, state.cursor, state.watermark) == (
            REPO,
            None,
            NOW - timedelta(hours=5),
        )


def test_first_sync_goes_back_to_since_or_first_sync_days(world: World) -> None:
    """A first sync reads back to ``since`` when set, else ``first_sync_days``, and no further."""
    world.fake.add(REPO, [plain(n, n * 24) for n in range(1, 61)])  # one a day for 60 days

    world.sync()  # first_sync_days is 30 in World.source
    assert world.count(Change) == 30

    with Session(world.engine) as session:
        session.exec(select(SyncState)).one()
        for row in session.exec(select(SyncState)):
            session.delete(row)
        session.commit()
    since = (NOW - timedelta(days=45)).date()
    world.sync(world.source(config=GitHubSourceConfig(since=since)))
    assert world.count(Change) == 45


def test_labels_of_many_prs_are_read_label_first_and_completely(world: World) -> None:
    """Labels come from the labels' side, all of them even when a label has hundreds of PRs."""
    pulls = [
        plain(n, n, labels=("dependencies",) + (("bug",) if n % 7 == 0 else ()))
        for n in range(1, 261)
    ]
    world.fake.add(REPO, pulls)

    world.sync()

    with Session(world.engine) as session:
        rows = session.exec(select(Change)).all()
        assert len(rows) == 260
        assert all("dependencies" in r.labels for r in rows)
        assert {r.number for r in rows if "bug" in r.labels} == {
            n for n in range(1, 261) if n % 7 == 0
        }


def test_a_repository_with_more_labels_than_one_sweep_gets_every_label(world: World) -> None:
    """Labels beyond the first page's sweep are read before any PR carrying them is written."""
    names = [f"area-{i:02d}" for i in range(90)]
    world.fake.add(
        REPO, [plain(n, n, labels=(names[n % 90], names[(n * 7) % 90])) for n in range(1, 181)]
    )
    source = world.source()

    world.sync(source)

    with Session(world.engine) as session:
        for row in session.exec(select(Change)):
            n = row.number or 0
            assert row.labels == sorted({names[n % 90], names[(n * 7) % 90]})
    # Three pages and one query of label work alone.
    assert [q[0] for q in world.fake.queries] == ["PullPage", "Labels", "PullPage", "PullPage"]
    assert source.points_used == 4


# -- incremental syncs ---------------------------------------------------------


def test_incremental_sync_reads_only_the_newest_page_down_to_watermark_minus_lag(
    world: World,
) -> None:
    """A second sync reads from the newest PR down to the watermark minus lag, then stops."""
    world.fake.add(REPO, [plain(n, 100 + n) for n in range(1, 201)])
    world.sync()
    watermark = NOW - timedelta(hours=101)
    first_run_queries = len(world.fake.queries)

    world.fake.add(REPO, [plain(201, 2), plain(202, 1)])
    world.fake.update(REPO, 1, title="Retitled", updated_at=at(0.5))
    # Updated 5 minutes before the watermark: inside the 10-minute lag, so re-read.
    world.fake.add(REPO, [plain(300, 0, title="In the lag")])
    world.fake.update(REPO, 300, updated_at=iso(watermark - timedelta(minutes=5)))
    # Updated 15 minutes before it: outside the lag, so not read again.
    world.fake.update(
        REPO, 2, title="Too old to see", updated_at=iso(watermark - timedelta(minutes=15))
    )

    run = world.sync()

    assert (run.tally.added, run.tally.updated) == (3, 1)
    assert change(world.engine, 1).title == "Retitled"
    assert change(world.engine, 300).title == "In the lag"
    assert change(world.engine, 2).title == "Change 2"
    assert len(world.fake.queries) - first_run_queries == 1
    assert world.fake.queries[-1][2].cost == 1
    with Session(world.engine) as session:
        state = session.exec(select(SyncState)).one()
        assert (state.cursor, state.watermark) == (None, NOW - timedelta(hours=0.5))


@pytest.mark.store_decides
def test_crash_mid_sync_resumes_at_the_next_page_without_duplicates(world: World) -> None:
    """A sync dying on page 2 keeps page 1; the next resumes there, with no duplicates."""
    world.fake.add(REPO, [plain(n, n) for n in range(1, 201)])
    first = world.source()
    original = first.reader.query
    calls: list[str] = []

    def crash_on_second_page(name: str, parts: Any) -> dict[str, Any]:
        calls.append(name)
        if len(calls) == 2:
            world.server.fail_next("/graphql", Answer(200, {"errors": [{"message": "boom"}]}))
        return original(name, parts)

    first.reader.query = crash_on_second_page  # type: ignore[method-assign]
    with pytest.raises(SourceError):
        world.sync(first)
    kept = world.count(Change)
    assert kept == 50
    with Session(world.engine) as session:
        state = session.exec(select(SyncState)).one()
        progress = json.loads(state.cursor or "{}")
        assert progress["after"]
        assert progress["newest"] == (NOW - timedelta(hours=1)).isoformat()
        assert state.watermark is None

    # Meanwhile a PR is updated: this run does not chase it, the next one does.
    world.fake.update(REPO, 150, title="Touched meanwhile", updated_at=at(0.1))
    before = len(world.server.requests_to("/graphql"))
    run = world.sync()
    resumed = world.server.requests_to("/graphql")[before].json()
    assert resumed["variables"]["after"] == progress["after"]
    assert run.tally.added == 149
    assert world.count(Change) == 199
    assert world.count(ChangeFile) == 199
    assert world.count(ReviewRow) == 199
    with Session(world.engine) as session:
        state = session.exec(select(SyncState)).one()
        assert (state.cursor, state.watermark) == (None, NOW - timedelta(hours=1))

    run = world.sync()
    assert (run.tally.added, world.count(Change)) == (1, 200)
    assert change(world.engine, 150).title == "Touched meanwhile"


@pytest.mark.store_decides
def test_reading_the_same_prs_again_updates_nothing(world: World) -> None:
    """Re-reading pages already stored (cursor lost) adds no rows and changes none."""
    world.fake.add(REPO, [plain(n, n) for n in range(1, 121)])
    world.sync()
    with Session(world.engine) as session:
        for row in session.exec(select(SyncState)):
            session.delete(row)
        session.commit()

    run = world.sync()

    assert (run.tally.added, run.tally.updated) == (0, 0)
    assert (world.count(Change), world.count(ChangeFile), world.count(ReviewRow)) == (120, 120, 120)


# -- nested pagination -----------------------------------------------------------


def test_files_and_reviews_beyond_100_are_read_only_when_github_says_there_are_more(
    world: World,
) -> None:
    """Follow-up queries read the rest of a PR's files and reviews, only for PRs with more."""
    big = plain(
        7,
        3,
        files=tuple(FakeFile(f"checkout/f{i}.py") for i in range(230)),
        reviews=tuple(FakeReview(f"r{i}", "COMMENTED", at(3.5)) for i in range(120)),
    )
    world.fake.add(REPO, [plain(n, n) for n in range(1, 40) if n != 7] + [big])

    world.sync()

    names = [q[0] for q in world.fake.queries]
    assert names.count("More") == 2  # files 101–200 and reviews 101–120; then files 201–230
    more = [q[1] for q in world.fake.queries if q[0] == "More"]
    assert more[0] == {
        "owner": "acme",
        "name": "shop",
        "f0n": 7,
        "f0a": more[0]["f0a"],
        "r1n": 7,
        "r1a": more[0]["r1a"],
    }
    assert set(more[1]) == {"owner", "name", "f0n", "f0a"}
    with Session(world.engine) as session:
        pr = session.exec(select(Change).where(col(Change.number) == 7)).one()
        files = session.exec(select(ChangeFile).where(col(ChangeFile.change_id) == pr.id)).all()
        reviews = session.exec(select(ReviewRow).where(col(ReviewRow.change_id) == pr.id)).all()
        assert len(files) == 230
        assert len({f.path for f in files}) == 230
        assert len(reviews) == 120


def test_follow_ups_ride_in_the_next_page_query_for_free(world: World) -> None:
    """The rest of a PR's files comes with the next page (one PR smaller), not in a query alone."""
    big = plain(10, 10, files=tuple(FakeFile(f"checkout/f{i}.py") for i in range(150)))
    world.fake.add(REPO, [plain(n, n) for n in range(1, 201) if n != 10] + [big])

    world.sync()

    assert [q[0] for q in world.fake.queries] == ["PullPage"] * 4
    assert world.page_sizes() == [50, 73, 74, 74]
    second = world.fake.queries[1]
    assert second[1]["f0n"] == 10
    assert second[2].requests == 148
    assert world.fake.points_used == 4
    with Session(world.engine) as session:
        pr = session.exec(select(Change).where(col(Change.number) == 10)).one()
        files = session.exec(select(ChangeFile).where(col(ChangeFile.change_id) == pr.id)).all()
        assert len(files) == 150


@pytest.mark.store_decides
def test_a_pr_waiting_for_its_files_when_the_sync_dies_is_read_again(world: World) -> None:
    """A PR read but not yet written at a crash is saved in the cursor and read again by number."""
    big = plain(10, 10, files=tuple(FakeFile(f"checkout/f{i}.py") for i in range(150)))
    world.fake.add(REPO, [plain(n, n) for n in range(1, 201) if n != 10] + [big])
    source = world.source()
    original = source.reader.query

    def refuse_after_the_first_query(name: str, parts: Any) -> dict[str, Any]:
        if world.fake.queries:
            world.server.fail_next("/graphql", Answer(401, {"message": "Bad credentials"}))
        return original(name, parts)

    source.reader.query = refuse_after_the_first_query  # type: ignore[method-assign]
    with pytest.raises(SourceError, match="GITHUB_TOKEN"):
        world.sync(source)
    assert world.count(Change) == 49
    with Session(world.engine) as session:
        state = session.exec(select(SyncState)).one()
        assert json.loads(state.cursor or "{}")["pending"] == [10]

    world.sync()

    names = [q[0] for q in world.fake.queries]
    assert names[1:3] == ["Again", "PullPage"]
    assert world.fake.queries[1][1]["p0n"] == 10
    assert world.count(Change) == 200
    with Session(world.engine) as session:
        pr = session.exec(select(Change).where(col(Change.number) == 10)).one()
        files = session.exec(select(ChangeFile).where(col(ChangeFile.change_id) == pr.id)).all()
        assert len(files) == 150


def test_no_follow_up_queries_when_every_pr_fits_in_one_page(world: World) -> None:
    """Without a next page in any nested connection, a sync sends page queries only."""
    world.fake.add(REPO, [plain(n, n) for n in range(1, 30)])

    world.sync()

    assert [q[0] for q in world.fake.queries] == ["PullPage"]


# -- failures ------------------------------------------------------------------

UNAVAILABLE = [
    pytest.param(Answer(502, {"message": "Server Error"}), id="502"),
    pytest.param(
        Answer(504, {"message": "We couldn't respond to your request in time."}), id="504"
    ),
    pytest.param(Answer(200, raw=b'{"data": {"repository": {"pulls": {"nodes": [{"num'), id="cut"),
    pytest.param(
        Answer(
            200,
            {
                "data": None,
                "errors": [
                    {
                        "message": "Something went wrong while executing your query. "
                        "This may be the result of a timeout."
                    }
                ],
            },
        ),
        id="graphql-timeout",
    ),
]


@pytest.mark.parametrize("failure", UNAVAILABLE)
def test_page_size_halves_when_github_cannot_answer_and_grows_back(
    world: World, failure: Answer
) -> None:
    """A page GitHub cannot answer is asked again at half the size, which doubles back after."""
    world.fake.add(REPO, [plain(n, n) for n in range(1, 301)])
    world.server.fail_next("/graphql", failure)
    world.server.fail_next("/graphql", failure)

    world.sync()

    assert world.page_sizes() == [50, 25, 12, 24, 48, 74, 74, 74]
    assert world.count(Change) == 300


def test_gives_up_in_one_sentence_when_even_one_pr_fails(world: World) -> None:
    """When pages of one still fail, the sync stops with one sentence naming GitHub."""
    world.fake.add(REPO, [plain(n, n) for n in range(1, 5)])
    for _ in range(6):
        world.server.fail_next("/graphql", Answer(502, {"message": "Server Error"}))

    with pytest.raises(SourceError) as caught:
        world.sync()

    assert world.page_sizes() == [50, 25, 12, 6, 3, 1]
    message = str(caught.value)
    assert message.startswith("GitHub kept failing")
    assert message.count(". ") == 0
    assert REPO in message


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        pytest.param(Answer(401, {"message": "Bad credentials"}), "GITHUB_TOKEN", id="401"),
        pytest.param(Answer(403, {"message": "Resource not accessible"}), "read access", id="403"),
        pytest.param(Answer(404, {"message": "Not Found"}), "GITHUB_API_URL", id="404"),
    ],
)
def test_refusals_end_in_one_sentence_naming_what_to_fix(
    world: World, answer: Answer, words: str
) -> None:
    """A 401, 403 or 404 from GitHub stops the source with one sentence saying what to fix."""
    world.fake.add(REPO, [plain(1, 1)])
    world.server.fail_next("/graphql", answer)

    [summary] = run_sources(world.engine, world.org, [world.source()])

    assert summary.error is not None
    assert summary.error.startswith("GitHub")
    assert words in summary.error
    assert summary.error.count(". ") == 0
    assert "\n" not in summary.error


def test_a_wrong_token_is_refused_by_the_fake_as_by_github(world: World) -> None:
    """The fake checks the bearer token, and the source says to check GITHUB_TOKEN."""
    with pytest.raises(SourceError, match="GITHUB_TOKEN"):
        world.sync(world.source(token="wrong"))


def test_a_repository_github_cannot_see_is_one_sentence(world: World) -> None:
    """GitHub's NOT_FOUND for the repository names the repository and riskbrief.toml."""
    client = GitHubClient(world.server.url, TokenAuth(TOKEN), sleep=world.sleeps.append)
    source = GitHubPullsSource(client, "acme/nope", GitHubSourceConfig(), 30, clock=lambda: NOW)

    with pytest.raises(SourceError, match=r"riskbrief\.toml"):
        source.sync(SyncRun(world.engine, world.org))


def test_malformed_prs_are_logged_and_skipped_and_the_rest_stored(world: World) -> None:
    """A PR with a broken time, a missing merge time or a field GitHub failed on is skipped."""
    world.fake.add(REPO, [plain(n, n) for n in range(1, 21)])
    world.fake.update(REPO, 3, merged_at="")
    world.fake.update(REPO, 5, created_at="yesterday-ish")
    world.fake.break_field(REPO, 8, "files")

    with structlog.testing.capture_logs() as logs:
        run = world.sync()

    assert run.tally.skipped == 3
    assert world.count(Change) == 17
    skipped = sorted(e["pr"] for e in logs if e["event"] == "github_pr_skipped")
    assert skipped == [f"{REPO}#3", f"{REPO}#5", f"{REPO}#8"]
    with Session(world.engine) as session:
        state = session.exec(select(SyncState)).one()
        assert state.cursor is None


def test_points_used_are_what_github_charged(world: World) -> None:
    """The source adds up rateLimit.cost as GitHub computes it: 1 point per page, labels free."""
    world.fake.add(REPO, [plain(n, n, labels=("bug",) if n % 2 else ()) for n in range(1, 199)])
    source = world.source()

    world.sync(source)

    assert source.points_used == world.fake.points_used == 3
    assert [q[2].requests for q in world.fake.queries] == [149, 149, 149]


def test_apps_are_agents_or_bots_and_their_approvals_are_no_human_review(world: World) -> None:
    """GraphQL's app logins (no "[bot]") give agents and bots; Claude Code's PR body line counts."""
    copilot_review = FakeReview("copilot-pull-request-reviewer", "APPROVED", at(3), "Bot")
    world.fake.add(
        REPO,
        [
            plain(201, 2, author="copilot-swe-agent", author_type="Bot", reviews=(copilot_review,)),
            plain(202, 2, author="dependabot", author_type="Bot"),
            plain(203, 2, body="Retries.\n\n🤖 Generated with [Claude Code](https://claude.com)"),
        ],
    )
    world.sync()
    with Session(world.engine) as session:
        kinds = {p.login: p.kind for p in session.exec(select(Person))}
        facts = {c.key: c for c in load_changes(session)}
    assert kinds["copilot-swe-agent"] == "agent"
    assert kinds["copilot-pull-request-reviewer"] == "agent"
    assert kinds["dependabot"] == "bot"
    assert facts[f"{REPO}#201"].author_is_agent
    assert facts[f"{REPO}#201"].human_approvals == ()
    assert facts[f"{REPO}#202"].author_is_bot
    assert not facts[f"{REPO}#202"].agent_involved
    assert facts[f"{REPO}#203"].co_authored_by_agent


# -- open and closed pull requests ---------------------------------------------


def _states(engine: Engine) -> dict[int, tuple[str, str | None]]:
    with Session(engine) as session:
        return {
            c.number or 0: (c.state.value, c.head_sha)
            for c in session.exec(select(Change).order_by(col(Change.number)))
        }


@pytest.mark.store_decides
def test_open_prs_are_synced_with_their_head_and_become_merged_or_closed(world: World) -> None:
    """Open PRs are stored open; one merging turns merged (same key), one closed turns closed."""
    world.fake.add(
        REPO,
        [
            plain(1, 5),
            plain(2, 4, state="OPEN", head_oid="a" * 40),
            plain(3, 3, state="OPEN", head_oid="b" * 40),
            plain(4, 2, state="CLOSED"),
        ],
    )
    first = world.sync()
    assert _states(world.engine) == {
        1: ("merged", f"{2:040x}"),
        2: ("open", "a" * 40),
        3: ("open", "b" * 40),
    }
    assert first.tally.added == 3

    world.fake.update(REPO, 2, state="MERGED", merged_at=at(1), updated_at=at(1))
    world.fake.update(REPO, 3, state="CLOSED", updated_at=at(0.5))
    world.sync()

    states = _states(world.engine)
    assert {n: s for n, (s, _) in states.items()} == {1: "merged", 2: "merged", 3: "closed"}
    assert change(world.engine, 2).merged_at == NOW - timedelta(hours=1)
    assert [c.key for c in _merged(world.engine)] == [f"{REPO}#1", f"{REPO}#2"]
    assert len(world.fake.queries) == 2
    assert all(q[2].cost == 1 for q in world.fake.queries)


def test_a_draft_pr_is_stored_as_one_at_no_extra_cost(world: World) -> None:
    """GitHub's ``isDraft`` is read with the pull request and stored; it costs no point."""
    world.fake.add(
        REPO, [plain(1, 5, state="OPEN", draft=True), plain(2, 4, state="OPEN"), plain(3, 3)]
    )
    world.sync()
    assert [change(world.engine, n).draft for n in (1, 2, 3)] == [True, False, False]
    assert all(q[2].cost == 1 for q in world.fake.queries)
    world.fake.update(REPO, 1, draft=False, updated_at=at(1))
    world.sync()
    assert change(world.engine, 1).draft is False


def _merged(engine: Engine) -> list[Any]:
    with Session(engine) as session:
        return load_changes(session)
