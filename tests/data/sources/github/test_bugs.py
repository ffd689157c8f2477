"""GitHub issues with a bug label, over real HTTP: stored, and changes referencing them fix."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from data.source_values import SourceChange
from data.sources.github.bugs import GitHubBugsConfig, github_bug_sources
from data.store.bug_issues import known_bug_issues
from data.store.facts import load_changes
from data.sync import SyncRun, run_sources
from fakes.github_rest import FakeGitHubRest
from tests.data.sources.tracker.world import NOW, at, org_store, stored_issues


@pytest.fixture
def fake() -> Iterator[FakeGitHubRest]:
    """A fake GitHub REST API on 127.0.0.1."""
    with FakeGitHubRest() as server:
        yield server


def test_bug_labelled_issues_make_referencing_changes_fixes(
    engine: Engine, fake: FakeGitHubRest
) -> None:
    """Issues labelled bug or defect are stored; ``Fixes #12`` and a cross-repo ref fix."""
    org = org_store(engine)
    fake.add_issue("acme/shop", 12, "Cart rounds wrong", ("bug",), at(90), closed_at=at(20))
    fake.add_issue("acme/shop", 13, "Dark mode", ("feature",), at(80))
    fake.add_issue("acme/shop", 14, "Crash on empty cart", ("defect", "p1"), at(70))
    fake.add_issue("acme/shop", 15, "A PR", ("bug",), at(60), pull_request=True)
    SyncRun(engine, org).checkpoint(
        "test",
        changes=[
            SourceChange(
                "acme/shop#20", "acme/shop", "dev", at(10), title="Round", body="Fixes #12"
            ),
            SourceChange(
                "acme/shop#21", "acme/shop", "dev", at(9), title="Dark", body="Closes #13"
            ),
            SourceChange("acme/shop#22", "acme/shop", "dev", at(8), title="Guard acme/shop#14"),
        ],
    )
    config = GitHubBugsConfig(bug_labels=("bug", "defect"))
    sources = github_bug_sources(fake.client(), org, config, clock=lambda: NOW)
    assert [s.error for s in run_sources(engine, org, sources)] == [None]

    issues = stored_issues(engine)
    assert set(issues) == {"acme/shop#12", "acme/shop#14"}
    assert issues["acme/shop#12"].resolved_at == at(20)
    with Session(engine) as session:
        fixes = {
            c.key: c.is_fix for c in load_changes(session, bugs=known_bug_issues(session, org))
        }
    assert fixes == {"acme/shop#20": True, "acme/shop#21": False, "acme/shop#22": True}

    # Again with nothing new: asked from each label's watermark, nothing added.
    [summary] = run_sources(engine, org, github_bug_sources(fake.client(), org, config))
    assert (summary.added, summary.updated) == (0, 0)
    since = [r.query["since"] for r in fake.requests_to(r"/repos/acme/shop/issues")]
    # #12 was last updated when closed, at(20); #14 when opened, at(70).
    assert since[-2:] == ["2026-03-01T16:00:00Z", "2026-02-27T14:00:00Z"]
