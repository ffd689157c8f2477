"""Codecov as a source, against the fake Codecov: commit totals and pull-request comparisons
read incrementally, attached to the changes the code host synced, and the doctor's findings."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from data.config import parse_org_config
from data.sources.codecov.client import CodecovClient, CodecovError
from data.sources.codecov.doctor import codecov_findings
from data.sources.codecov.source import CodecovSource
from data.store.tables import Change, CoverageReportRow
from data.sync import run_sources
from fakes.codecov_server import FakeCodecov, FakeCommit, FakePull
from fakes.http import Answer
from tests.data.rows import at, base, change

# Cases of the client against its fake; on PostgreSQL only where the store decides.
pytestmark = pytest.mark.client_cases

ORG = parse_org_config('[[repositories]]\nname = "acme/shop"\n')
TOKEN = "codecov-test-token"


@pytest.fixture
def codecov() -> Iterator[FakeCodecov]:
    """The fake Codecov with two processed commits, one still processing, and PR #7 compared."""
    with FakeCodecov(TOKEN) as fake:
        fake.commits["acme/shop"] = [
            FakeCommit("1" * 40, at(1), 100, 80),
            FakeCommit("2" * 40, at(2), 120, 90),
            FakeCommit("3" * 40, at(3), None),
            FakeCommit("9" * 40, at(2.5), 50, 50, branch="feature"),
        ]
        fake.pulls["acme/shop"] = [
            FakePull(
                7,
                at(2),
                "2" * 40,
                patch=(20, 10),
                head=(120, 90),
                base=(100, 80),
                files={"p/f7.py": ((40, 36), (60, 46))},
            ),
            FakePull(8, at(2), "4" * 40, (1, 1), (1, 1), (1, 1)),
        ]
        yield fake


def _client(fake: FakeCodecov, token: str = TOKEN) -> CodecovClient:
    return CodecovClient(fake.url, token)


def _sync(engine: Engine, fake: FakeCodecov) -> str:
    (summary,) = run_sources(engine, ORG, [CodecovSource(_client(fake), "acme/shop", "main")])
    return summary.line()


def _stored(engine: Engine) -> list[tuple[str, int, int]]:
    with Session(engine) as session:
        return sorted(
            (r.sha[:1], r.coverable, r.covered) for r in session.exec(select(CoverageReportRow))
        )


@pytest.fixture
def store(engine: Engine) -> Engine:
    """A store holding PR #7 of acme/shop, merged, and nothing of PR #8."""
    with Session(engine) as session:
        repo, service, human, _ = base(session)
        change(session, repo, service, human, 7, at(1.5))
        session.commit()
    return engine


@pytest.mark.store_decides
def test_commit_totals_and_a_pull_comparison_are_stored(
    store: Engine, codecov: FakeCodecov
) -> None:
    """The branch's processed commits are stored as totals; PR #7 gets Codecov's patch coverage
    (10 of 20) and its file's change (90% to 76.7%); PR #8, unknown to the store, is skipped."""
    line = _sync(store, codecov)
    assert line == "codecov acme/shop: 2 coverage reports added, 1 updated, 1 skipped (see the log)"
    assert _stored(store) == [("1", 100, 80), ("2", 120, 90)]
    with Session(store) as session:
        pr = session.exec(select(Change).where(Change.key == "acme/shop#7")).one()
    assert (pr.patch_coverage, pr.patch_coverable, pr.line_coverage_delta) == (50.0, 20, -13.33)


@pytest.mark.store_decides
def test_a_second_sync_reads_only_what_is_new(store: Engine, codecov: FakeCodecov) -> None:
    """Nothing new: no comparison is asked again and nothing is added. Then the commit that
    was still processing finishes and a later one lands: both are stored."""
    _sync(store, codecov)
    compared = len(codecov.server.requests_to(r".*/compare/"))
    again = _sync(store, codecov)
    assert again == "codecov acme/shop: 0 added, 0 updated"
    assert len(codecov.server.requests_to(r".*/compare/")) == compared
    codecov.commits["acme/shop"][2] = FakeCommit("3" * 40, at(3), 10, 5)
    codecov.commits["acme/shop"].append(FakeCommit("5" * 40, at(5), 130, 99))
    assert _sync(store, codecov) == "codecov acme/shop: 2 coverage reports added, 0 updated"
    assert _stored(store) == [("1", 100, 80), ("2", 120, 90), ("3", 10, 5), ("5", 130, 99)]


def test_paging_follows_next_links(store: Engine, codecov: FakeCodecov) -> None:
    """With 250 commits, three pages are read by their next links and every commit stored."""
    codecov.commits["acme/shop"] = [
        FakeCommit(f"{n:040x}", at(n / 10), 100, n % 100) for n in range(1, 251)
    ]
    _sync(store, codecov)
    # Every commit, and the head of PR #7 that Codecov's comparison names.
    assert len(_stored(store)) == 251
    assert len(codecov.server.requests_to(r".*/commits/")) == 3


def test_a_refused_token_is_one_sentence(store: Engine, codecov: FakeCodecov) -> None:
    """A wrong token ends the source in one sentence naming the variable; nothing is stored."""
    (summary,) = run_sources(
        store, ORG, [CodecovSource(_client(codecov, "wrong"), "acme/shop", "main")]
    )
    assert summary.error is not None
    assert "refused the token in RISKBRIEF_CODECOV_TOKEN" in summary.error
    assert _stored(store) == []


def test_doctor_findings(codecov: FakeCodecov) -> None:
    """The doctor passes a good token and a known repository, names an unknown one, and stops
    at a refused token."""
    codecov.inactive.add("acme/shop")
    good = codecov_findings(_client(codecov), ("acme/shop", "acme/nope"), "RISKBRIEF_CODECOV_TOKEN")
    assert [f.ok for f in good] == [True, False, False]
    assert "has no coverage uploaded" in good[1].message
    assert "Codecov cannot read acme/nope" in good[2].message
    refused = codecov_findings(_client(codecov, "bad"), ("acme/shop",), "RISKBRIEF_CODECOV_TOKEN")
    assert [(f.ok, f.message) for f in refused] == [
        (False, "Codecov refused the token in RISKBRIEF_CODECOV_TOKEN")
    ]
    assert refused[0].fix is not None


def test_an_answer_that_is_not_codecovs_is_refused(codecov: FakeCodecov) -> None:
    """A page without a results list is one CodecovError sentence."""
    client = _client(codecov)
    codecov.server.fail_next("/api/v2/github/acme/repos/shop/commits/", _html())
    with pytest.raises(CodecovError, match="not JSON"):
        list(client.pages("/api/v2/github/acme/repos/shop/commits/"))


def _html() -> Answer:
    return Answer(200, raw=b"<html>login</html>", headers={"Content-Type": "text/html"})


def test_a_gitlab_merge_request_gets_its_comparison(engine: Engine) -> None:
    """With ``service = "gitlab"`` Codecov's pull 7 is merge request ``acme/shop!7``, as the
    GitLab source stores it, and gets its patch coverage instead of being skipped."""
    with Session(engine) as session:
        repo, service, human, _ = base(session)
        mr = change(session, repo, service, human, 7, at(1.5))
        mr.key = "acme/shop!7"
        session.commit()
    with FakeCodecov(TOKEN, service="gitlab") as fake:
        fake.commits["acme/shop"] = [FakeCommit("2" * 40, at(2), 120, 90)]
        fake.pulls["acme/shop"] = [
            FakePull(7, at(2), "2" * 40, patch=(20, 15), head=(120, 90), base=(100, 80))
        ]
        client = CodecovClient(fake.url, TOKEN, "gitlab")
        run_sources(engine, ORG, [CodecovSource(client, "acme/shop", "main")])
    with Session(engine) as session:
        stored = session.exec(select(Change).where(Change.key == "acme/shop!7")).one()
    assert (stored.patch_coverage, stored.patch_coverable) == (75.0, 20)
