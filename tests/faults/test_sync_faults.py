"""Sync faults: GitHub and PagerDuty failing mid-sync, then the store compared with a clean sync.

Every case runs the real sources through ``data.sync.run_sources`` against fake
servers on 127.0.0.1 with the same data twice: once fault-free into a store of
its own (the reference), once with the fault injected into the store under
test, followed by a sync after the fault has cleared. A user must see either a
sync that recovered by itself or one sentence on the failing source's summary
line; the next sync resumes from the saved cursor; and in the end the store
holds exactly the reference's rows, each once.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from data.config import OrgConfig, parse_org_config
from data.handoff import Source
from data.http.retry import RetryPolicy
from data.sources.github.auth import TokenAuth
from data.sources.github.client import GitHubClient
from data.sources.github.deploys import deploy_sources
from data.sources.github.issues import incident_sources
from data.sources.github.pulls import CURSOR_SOURCE, GitHubPullsSource
from data.sources.pagerduty.source import PagerDutySource
from data.sources.pagerduty.spec import PAGERDUTY
from data.store.engine import make_engine, session_scope
from data.store.org import sync_org
from data.store.tables import Change, ChangeFile, Deploy, Incident, Person, ReviewRow, SyncState
from data.sync import SourceSummary, run_sources
from fakes.github_graphql import (
    FakeFile,
    FakeGitHubGraphQL,
    FakePull,
    FakeReview,
    iso,
    make_fake_github_graphql,
)
from fakes.github_rest import FakeGitHubRest
from fakes.http import Answer
from fakes.pagerduty_server import FakePagerDuty, pd_incident
from tests.faults.injector import Faults, inject, is_query

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
TOKEN = "test-token"
REPO = "acme/shop"
PULLS = f"github {REPO} PRs"
DEPLOYMENTS = f"github deployments {REPO}"
ISSUES = f"github incidents {REPO}"
PD_PAGE = 2
ORG = """
[organisation]
name = "Acme"

[[repositories]]
name = "acme/shop"

[[services]]
key = "checkout"
repository = "acme/shop"
paths = ["checkout/**"]

[sources.github]
incident_label = "incident"

[sources.pagerduty]
services = { PCHK001 = "checkout" }
"""


def _pull(number: int) -> FakePull:
    when = NOW - timedelta(days=3, minutes=-number)
    return FakePull(
        number,
        iso(when),
        title=f"Change {number}",
        merged_at=iso(when),
        created_at=iso(when - timedelta(hours=2)),
        author=f"dev{number % 3}",
        head=f"feature-{number}",
        merge_oid=f"{number:040x}",
        labels=("bug",) if number % 2 else (),
        files=(FakeFile(f"checkout/f{number}.py", 10 + number, 2), FakeFile("docs/x.md", 1, 0)),
        reviews=(FakeReview("grace", "APPROVED", iso(when - timedelta(hours=1))),),
    )


class Sleeps(list[float]):
    """A fake ``sleep``: the waits a client asked for, recorded instead of slept."""

    def __call__(self, seconds: float) -> None:
        """Record the wait."""
        self.append(seconds)


@dataclass
class World:
    """Fake GitHub (GraphQL and REST on one server) and PagerDuty with one organisation's data."""

    github: FakeGitHubRest
    graphql: FakeGitHubGraphQL
    pagerduty: FakePagerDuty
    org: OrgConfig
    sleeps: Sleeps = field(default_factory=Sleeps)
    now: datetime = NOW

    def sources(self) -> tuple[list[Source], GitHubClient]:
        """The real sources as ``bot.composition.sources`` builds them, fake sleeps, a fixed clock.

        PR pages of 2 and PagerDuty pages of 2, so that every sync has pages to resume from.
        """
        client = GitHubClient(
            self.github.url,
            TokenAuth(TOKEN),
            sleep=self.sleeps,
            clock=lambda: self.now.timestamp(),
        )
        config = self.org.sources.github
        pagerduty = PAGERDUTY.settings_of(self.org)
        assert config is not None
        assert pagerduty is not None
        sources: list[Source] = [
            GitHubPullsSource(client, REPO, config, 90, clock=lambda: self.now, max_page=2)
        ]
        sources.extend(deploy_sources(client, self.org, config, now=lambda: self.now))
        sources.extend(incident_sources(client, self.org, config, now=lambda: self.now))
        sources.append(
            PagerDutySource(
                pagerduty,
                self.pagerduty.token,
                self.pagerduty.url,
                sleep=self.sleeps,
                clock=lambda: self.now,
                page_size=PD_PAGE,
            )
        )
        return sources, client

    def sync(self, engine: Engine) -> dict[str, SourceSummary]:
        """One ``riskbrief sync`` of every source into ``engine``, summaries by source name."""
        sources, client = self.sources()
        try:
            return {s.source: s for s in run_sources(engine, self.org, sources)}
        finally:
            client.close()


@contextmanager
def _new_world() -> Iterator[World]:
    """Seven merged PRs (four pages), three deployments, two incident issues, six PD incidents."""
    with FakeGitHubRest(tokens=(TOKEN,)) as github, FakePagerDuty() as pagerduty:
        graphql = make_fake_github_graphql(github.server, TOKEN)
        graphql.now = NOW
        graphql.add(REPO, [_pull(n) for n in range(1, 8)])
        for ident in (11, 12, 13):
            at = NOW - timedelta(days=ident - 9)
            github.add_deployment(
                REPO,
                ident,
                "production",
                at,
                sha=f"{ident:040x}",
                statuses=(("success", at + timedelta(minutes=5)),),
            )
        github.add_issue(REPO, 90, "Cart empties", ("incident",), NOW - timedelta(days=2))
        github.add_issue(
            REPO,
            91,
            "Checkout slow",
            ("incident",),
            NOW - timedelta(days=5),
            closed_at=NOW - timedelta(days=4),
        )
        pagerduty.incidents.extend(
            pd_incident(
                f"Q{n}ABC",
                500 + n,
                "PCHK001",
                NOW - timedelta(days=10 - n),
                status="resolved",
                resolved_at=NOW - timedelta(days=10 - n, hours=-1),
            )
            for n in range(1, 6)
        )
        pagerduty.incidents.append(pd_incident("Q6ABC", 506, "PCHK001", NOW - timedelta(days=1)))
        yield World(github, graphql, pagerduty, parse_org_config(ORG))


@pytest.fixture
def world() -> Iterator[World]:
    """The fakes with the world's records, fresh for each case."""
    with _new_world() as world:
        yield world


def _store(template: Path, path: Path) -> Engine:
    """A store at head: a copy of the migrated template, not a migration run again."""
    shutil.copyfile(template, path)
    return make_engine(f"sqlite:///{path}")


@pytest.fixture(scope="module")
def expected(migrated_sqlite: Path, tmp_path_factory: pytest.TempPathFactory) -> Counter[Any]:
    """What a fault-free sync of the world stores: the same for every case, so made once."""
    engine = _store(migrated_sqlite, tmp_path_factory.mktemp("expected") / "reference.db")
    try:
        with _new_world() as world:
            world.sync(_prepare(engine, world.org))
        return contents(engine)
    finally:
        engine.dispose()


def _prepare(engine: Engine, org: OrgConfig) -> Engine:
    with session_scope(engine) as session:
        sync_org(session, org)
    return engine


@pytest.fixture
def reference(tmp_path: Path, migrated_sqlite: Path) -> Iterator[Engine]:
    """A second, empty store (SQLite) for the fault-free reference sync."""
    engine = _store(migrated_sqlite, tmp_path / "reference.db")
    yield engine
    engine.dispose()


def contents(engine: Engine) -> Counter[tuple[Any, ...]]:
    """Every row a user would notice, by natural key and content; a count above 1 is a duplicate."""
    rows: Counter[tuple[Any, ...]] = Counter()
    with Session(engine) as session:
        people = {p.id: p.login for p in session.exec(select(Person))}
        changes = {c.id: c.key for c in session.exec(select(Change))}
        for c in session.exec(select(Change)):
            rows[("change", c.key, c.title, c.sha, tuple(sorted(c.labels or ())))] += 1
        for f in session.exec(select(ChangeFile)):
            rows[("file", changes[f.change_id], f.path, f.added, f.deleted)] += 1
        for r in session.exec(select(ReviewRow)):
            rows[("review", changes[r.change_id], people[r.reviewer_id], r.state)] += 1
        for d in session.exec(select(Deploy)):
            rows[("deploy", d.key, d.status, d.sha, _utc(d.finished_at))] += 1
        for i in session.exec(select(Incident)):
            rows[("incident", i.key, i.title, _utc(i.opened_at), _utc(i.resolved_at))] += 1
    return rows


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _cursor(engine: Engine, source: str) -> str | None:
    with Session(engine) as session:
        row = session.exec(select(SyncState).where(col(SyncState.source) == source)).first()
        return row.cursor if row else None


def _one_sentence(text: str | None) -> bool:
    """One sentence that says what happens next or what to fix (a setting's name)."""
    return (
        text is not None
        and "\n" not in text
        and text.rstrip().endswith(".")
        and "Traceback" not in text
        and "unexpected" not in text
        and ("next sync" in text or re.search(r"\b[A-Z]+_[A-Z_]+\b", text) is not None)
    )


def _first_page_after(world: World, since: int) -> Any:
    pages = [
        r.json()["variables"]
        for r in world.github.requests_to("/graphql")[since:]
        if r.json()["query"].startswith("query PullPage")
    ]
    return pages[0].get("after")


@dataclass(frozen=True)
class Fault:
    """One fault: where it is injected, and whether the sync gets over it by itself."""

    name: str
    source: str
    arm: Callable[[World], Faults]
    recovers: bool
    says: str = ""
    waits: tuple[float, ...] = ()


def _graphql(*answers: Answer) -> Callable[[World], Faults]:
    """The answers to the second page of PRs (the first page is checkpointed by then)."""
    return lambda w: inject(
        w.github.server, "POST", "/graphql", answers, skip=1, matches=is_query("PullPage")
    )


def _rest(path: str, *answers: Answer) -> Callable[[World], Faults]:
    return lambda w: inject(w.github.server, "GET", path, answers)


def _pagerduty(*answers: Answer) -> Callable[[World], Faults]:
    """The answers to the second page of incidents."""
    return lambda w: inject(
        w.pagerduty.server,
        "GET",
        "/incidents",
        answers,
        matches=lambda r: r.query.get("offset") == str(PD_PAGE),
    )


BAD_GATEWAY = Answer(502, {"message": "Server Error"})
GATEWAY_TIMEOUT = Answer(504, {"message": "We couldn't respond to your request in time."})
SECONDARY = Answer(
    403,
    {"message": "You have exceeded a secondary rate limit. Please wait a few minutes."},
    {"retry-after": "30"},
)
RATE_LIMITED = Answer(
    200, {"errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded for user."}]}
)
GITHUB_TIMED_OUT = Answer(
    200,
    {
        "data": None,
        "errors": [
            {
                "message": "Something went wrong while executing your query. This may be the "
                "result of a timeout, or it could be a GitHub bug."
            }
        ],
    },
)
FORBIDDEN = Answer(
    200,
    {"errors": [{"type": "FORBIDDEN", "message": "Resource not accessible by integration"}]},
)
CUT_SHORT = Answer(200, raw=b'{"data": {"repository": {"pulls": {"pageInfo": {"hasNe')
PRIMARY = Answer(
    403,
    {"message": "API rate limit exceeded for user ID 1."},
    {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW.timestamp()) + 120)},
)
DEPLOYS_PATH = f"/repos/{REPO}/deployments"
PD_ERROR = Answer(500, {"error": {"message": "Internal Server Error", "code": 2000}})

FAULTS = [
    Fault("github 502 once", PULLS, _graphql(BAD_GATEWAY), recovers=True),
    Fault("github 504 once", PULLS, _graphql(GATEWAY_TIMEOUT), recovers=True),
    Fault(
        "github 502 at every page size",
        PULLS,
        _graphql(BAD_GATEWAY, BAD_GATEWAY),
        recovers=False,
        says="GitHub kept failing (5xx or timeouts)",
    ),
    Fault(
        "github secondary limit 403 + retry-after",
        PULLS,
        _graphql(SECONDARY),
        recovers=True,
        waits=(30.0,),
    ),
    Fault("graphql 200 RATE_LIMITED", PULLS, _graphql(RATE_LIMITED), recovers=True, waits=(60.0,)),
    Fault("graphql 200 timed-out error", PULLS, _graphql(GITHUB_TIMED_OUT), recovers=True),
    Fault(
        "graphql 200 other error",
        PULLS,
        _graphql(FORBIDDEN),
        recovers=False,
        says="Resource not accessible by integration",
    ),
    Fault(
        "graphql 200 query error",
        PULLS,
        _graphql(
            Answer(
                200,
                {
                    "errors": [
                        {
                            "message": "Field 'mergeQueue' doesn't exist on type 'PullRequest'",
                            "locations": [{"line": 3, "column": 5}],
                        }
                    ]
                },
            )
        ),
        recovers=False,
        says="the next sync retries",
    ),
    Fault("graphql truncated JSON", PULLS, _graphql(CUT_SHORT), recovers=True),
    Fault("rest 502 once", DEPLOYMENTS, _rest(DEPLOYS_PATH, BAD_GATEWAY), recovers=True),
    Fault(
        "rest 502 throughout",
        DEPLOYMENTS,
        _rest(DEPLOYS_PATH, *[BAD_GATEWAY] * RetryPolicy().attempts),
        recovers=False,
        says="GitHub answered 502",
    ),
    Fault(
        "rest secondary limit 403 + retry-after",
        DEPLOYMENTS,
        _rest(DEPLOYS_PATH, SECONDARY),
        recovers=True,
        waits=(30.0,),
    ),
    Fault(
        "rest truncated JSON",
        DEPLOYMENTS,
        _rest(DEPLOYS_PATH, Answer(200, raw=b'[{"id": 11, "sha": "0')),
        recovers=False,
        says="not valid JSON",
    ),
    Fault("pagerduty 500 twice", "pagerduty", _pagerduty(PD_ERROR, PD_ERROR), recovers=True),
    Fault(
        "pagerduty 500 throughout",
        "pagerduty",
        _pagerduty(*[PD_ERROR] * 5),
        recovers=False,
        says="PagerDuty kept answering 500",
    ),
    Fault(
        "github primary limit exhausted (403, reset in 2 min)",
        PULLS,
        _graphql(PRIMARY),
        recovers=True,
        waits=(121.0,),
    ),
    Fault(
        "rest primary limit exhausted (403, reset in 2 min)",
        DEPLOYMENTS,
        _rest(DEPLOYS_PATH, PRIMARY),
        recovers=True,
        waits=(121.0,),
    ),
    Fault(
        "graphql RATE_LIMITED throughout",
        PULLS,
        _graphql(*[RATE_LIMITED] * 7),
        recovers=False,
        # 60 s doubling: the sixth wait would pass the retry policy's budget.
        says="is rate limiting riskbrief and asks it to wait 32 min",
    ),
    Fault(
        "github secondary limit throughout",
        PULLS,
        _graphql(*[SECONDARY] * 7),
        recovers=False,
        says="rate limit",
    ),
    Fault(
        "graphql truncated JSON at every page size",
        PULLS,
        _graphql(CUT_SHORT, CUT_SHORT),
        recovers=False,
        says="GitHub kept failing (5xx or timeouts)",
    ),
    Fault(
        "github token revoked mid-sync (401)",
        PULLS,
        _graphql(Answer(401, {"message": "Bad credentials"})),
        recovers=False,
        says="GITHUB_TOKEN",
    ),
    Fault(
        "rest 502 on deployment statuses throughout",
        DEPLOYMENTS,
        _rest(f"{DEPLOYS_PATH}/12/statuses", *[BAD_GATEWAY] * RetryPolicy().attempts),
        recovers=False,
        says="GitHub answered 502",
    ),
    Fault(
        "rest 502 on issues throughout",
        ISSUES,
        _rest(f"/repos/{REPO}/issues", *[BAD_GATEWAY] * RetryPolicy().attempts),
        recovers=False,
        says="GitHub answered 502",
    ),
    Fault(
        "pagerduty 429 with retry-after",
        "pagerduty",
        _pagerduty(
            Answer(429, {"error": {"message": "Rate Limit Exceeded"}}, {"retry-after": "20"})
        ),
        recovers=True,
        waits=(20.0,),
    ),
    Fault(
        "pagerduty truncated JSON",
        "pagerduty",
        _pagerduty(Answer(200, raw=b'{"incidents": [{"id": "Q3A')),
        recovers=False,
        says="not a JSON object",
    ),
]


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_sync_fault_is_one_sentence_or_recovered_and_the_store_ends_complete(
    world: World, expected: Counter[Any], tmp_path: Path, fault: Fault, migrated_sqlite: Path
) -> None:
    """A fault recovers or fails one source in one sentence; the next sync completes the store."""
    engine = _prepare(_store(migrated_sqlite, tmp_path / "faulty.db"), world.org)
    faults = fault.arm(world)
    summaries = world.sync(engine)
    assert faults.used, "the fault was never hit"
    faulty = summaries[fault.source]
    others = [s for name, s in summaries.items() if name != fault.source]
    assert all(s.error is None for s in others), [s.line() for s in others]
    assert set(fault.waits) <= set(world.sleeps)
    if fault.recovers:
        assert faulty.error is None, faulty.line()
        assert contents(engine) == expected
    else:
        assert _one_sentence(faulty.error), faulty.line()
        assert fault.says in (faulty.error or "")
        # "failed after 0 added" says nothing: a source that read nothing just failed.
        read = faulty.added or faulty.updated or faulty.skipped
        failed = "failed after " if read else "failed: "
        assert faulty.line().startswith(f"{fault.source}: {failed}")
    saved = {"pagerduty": _cursor(engine, "pagerduty"), PULLS: _cursor(engine, CURSOR_SOURCE)}
    github_seen = len(world.github.requests_to("/graphql"))
    pagerduty_seen = len(world.pagerduty.list_requests())
    faults.clear()
    again = world.sync(engine)
    assert all(s.error is None for s in again.values()), [s.line() for s in again.values()]
    if not fault.recovers and fault.source == PULLS:
        # The next sync goes on from the page after the last checkpoint, not from the top.
        pulls_cursor = saved[PULLS]
        assert pulls_cursor is not None
        assert _first_page_after(world, github_seen) == json.loads(pulls_cursor)["after"]
    if not fault.recovers and fault.source == "pagerduty":
        assert saved["pagerduty"] is not None
        resumed = world.pagerduty.list_requests()[pagerduty_seen]
        assert resumed.query.get("offset") == str(PD_PAGE)
    assert contents(engine) == expected
    assert max(contents(engine).values()) == 1
    engine.dispose()


def test_github_resumes_from_its_cursor_on_each_store(
    world: World, reference: Engine, engine: Engine
) -> None:
    """On SQLite and PostgreSQL, PRs checkpointed before a 502 outage are kept and not re-read."""
    world.sync(_prepare(reference, world.org))
    expected = contents(reference)
    _prepare(engine, world.org)
    # Pages 1 and 2 land; page 3 fails at every size.
    faults = inject(
        world.github.server,
        "POST",
        "/graphql",
        [BAD_GATEWAY, GATEWAY_TIMEOUT],
        skip=2,
        matches=is_query("PullPage"),
    )
    first = world.sync(engine)
    assert _one_sentence(first[PULLS].error)
    assert first[PULLS].line().startswith(f"{PULLS}: failed after 4 changes added, 0 updated: ")
    saved = _cursor(engine, CURSOR_SOURCE)
    assert saved is not None
    stored = {k[1] for k in contents(engine) if k[0] == "change"}
    assert stored == {f"{REPO}#{n}" for n in (4, 5, 6, 7)}
    faults.clear()
    seen = len(world.github.requests_to("/graphql"))
    second = world.sync(engine)
    assert second[PULLS].error is None
    assert _first_page_after(world, seen) == json.loads(saved)["after"]
    # Only the three PRs the outage kept from the store are written: nothing twice.
    assert (second[PULLS].added, second[PULLS].updated) == (3, 0)
    assert contents(engine) == expected
    assert _cursor(engine, CURSOR_SOURCE) is None


def test_what_changed_during_an_outage_is_in_the_store_after_it(
    world: World, reference: Engine, tmp_path: Path, migrated_sqlite: Path
) -> None:
    """New and updated PRs, deploys and incidents from during an outage all land once after it."""
    engine = _prepare(_store(migrated_sqlite, tmp_path / "faulty.db"), world.org)
    pulls = _graphql(BAD_GATEWAY, BAD_GATEWAY)(world)
    incidents = _pagerduty(*[PD_ERROR] * 5)(world)
    first = world.sync(engine)
    assert first[PULLS].error is not None
    assert first["pagerduty"].error is not None
    # During the outage: a PR merged, another relabelled, a deploy, an incident opened,
    # the open one resolved.
    during = NOW + timedelta(hours=1)
    world.graphql.add(REPO, [replace(_pull(8), updated_at=iso(during), merged_at=iso(during))])
    world.graphql.update(REPO, 3, labels=("hotfix",), updated_at=iso(during))
    world.github.add_deployment(
        REPO, 14, "production", during, sha=f"{14:040x}", statuses=(("success", during),)
    )
    world.pagerduty.incidents.append(pd_incident("Q7ABC", 507, "PCHK001", during))
    world.pagerduty.resolve("Q6ABC", during)
    world.now = NOW + timedelta(hours=2)
    pulls.clear()
    incidents.clear()
    for _ in range(2):
        summaries = world.sync(engine)
        assert all(s.error is None for s in summaries.values()), summaries
    world.sync(_prepare(reference, world.org))
    assert contents(engine) == contents(reference)
    assert max(contents(engine).values()) == 1
    keys = {k[1] for k in contents(engine)}
    assert {f"{REPO}#8", f"{REPO}#3"} <= keys
    assert ("change", f"{REPO}#3", "Change 3", f"{3:040x}", ("hotfix",)) in contents(engine)
    engine.dispose()
