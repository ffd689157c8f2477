"""A Jira sync against the fake Jira: 50,000 issues, then a re-sync with nothing new.

Run with ``python -m bench.tracker_sync [--issues N] [--page P] [--deployment cloud|server]``.
A fake Jira (``fakes.jira_server``, real HTTP on 127.0.0.1, its user in
Europe/Berlin) holds ``N`` issues (default 50,000) in 10 projects, updated
over the last two years: 30% bugs, 2% incidents (half of them on a component
naming a service), the rest stories and tasks; each with 0–4 status changes in
its changelog and a priority. riskbrief's real Jira client and source read them
into a migrated SQLite store through ``SyncRun``, page by page (``--page``
issues a page, 100 by default, as Jira Cloud gives with a changelog).

It prints the first sync (target ≤ 2 min for 50,000), a re-sync with nothing
new (target ≤ 5 s), and an incremental sync after 200 issues were updated, each
with its requests.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import structlog
from sqlmodel import Session

from data.config import parse_org_config
from data.config.sources.jira import JiraSourceConfig
from data.sources.jira.client import JiraClient
from data.sources.jira.source import jira_sources
from data.store.engine import make_engine
from data.store.migrate import upgrade
from data.store.org import sync_org
from data.sync import run_sources
from fakes.jira_server import FakeJira, FakeJiraIssue

__all__ = ["main"]

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
_PROJECTS = tuple(f"P{n}X" for n in range(10))
_ORG = """
[[repositories]]
name = "acme/shop"

[[services]]
key = "checkout"
repository = "acme/shop"
"""
_STATUSES = ("Open", "In Progress", "In Review", "Done")


def _issues(count: int, seed: int) -> list[FakeJiraIssue]:
    rng = random.Random(seed)
    out = []
    for n in range(count):
        project = _PROJECTS[n % len(_PROJECTS)]
        updated = NOW - timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
        created = updated - timedelta(hours=rng.randrange(1, 2000))
        roll = rng.random()
        kind = (
            "Incident" if roll < 0.02 else "Bug" if roll < 0.32 else rng.choice(("Story", "Task"))
        )
        moves = rng.randrange(5)
        changes = tuple(
            (
                created + (updated - created) * (i + 1) / (moves + 1),
                _STATUSES[i % 4],
                _STATUSES[(i + 1) % 4],
            )
            for i in range(moves)
        )
        done = moves and rng.random() < 0.7
        out.append(
            FakeJiraIssue(
                f"{project}-{n + 1}",
                updated,
                issue_type=kind,
                summary=f"Issue {n + 1}",
                created=created,
                labels=("regression",) if rng.random() < 0.05 else (),
                priority=rng.choice(("Highest", "High", "Medium", "Low")),
                status="Done" if done else "Open",
                resolution="Done" if done else None,
                resolved=updated if done else None,
                components=("checkout",) if kind == "Incident" and rng.random() < 0.5 else (),
                status_changes=changes,
            )
        )
    return out


def main() -> None:
    """Run the bench and print its figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.tracker_sync", description=__doc__)
    parser.add_argument("--issues", type=int, default=50_000)
    parser.add_argument("--page", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--deployment", choices=("cloud", "server"), default="cloud")
    args = parser.parse_args()
    # The skipped incidents (no service named) are meant; their warnings would bury the figures.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(40))
    issues = _issues(args.issues, args.seed)
    with (
        tempfile.TemporaryDirectory() as folder,
        FakeJira(args.deployment, time_zone="Europe/Berlin", max_results=args.page) as fake,
    ):
        fake.add_issues(issues)
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(engine)
        org = parse_org_config(_ORG)
        with Session(engine) as session:
            sync_org(session, org)
            session.commit()
        config = JiraSourceConfig(
            base_url=fake.base_url,
            deployment=args.deployment,
            projects=_PROJECTS,
            since=(NOW - timedelta(days=800)).date(),
            page_size=args.page,
        )

        def sync(label: str) -> None:
            client = JiraClient(config, "jira-token", "bot@example.com")
            started = time.monotonic()
            [summary] = run_sources(engine, org, jira_sources(config, org, client=client))
            took = time.monotonic() - started
            print(f"{label}: {took:.1f} s, {client.requests} requests — {summary.line()}")

        shown = f"{args.issues:,} issues in {len(_PROJECTS)} projects"
        print(f"{shown}, {args.page} a page, Jira {args.deployment}")
        sync("first sync")
        sync("re-sync, nothing new")
        rng = random.Random(args.seed + 1)
        for issue in rng.sample(issues, 200):
            later = NOW + timedelta(minutes=rng.randrange(1, 60))
            fake.add_issue(replace(issue, updated=later, issue_type="Bug"))
        sync("incremental, 200 updated")
        engine.dispose()


if __name__ == "__main__":
    main()
