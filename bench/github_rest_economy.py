"""Primary GitHub quota spent by the REST deploy sources: a first sync vs. an unchanged re-poll.

``python -m bench.github_rest_economy [--repos 3] [--deployments 200] [--days 60]``

Each repository gets ``--deployments`` production deployments spread over
``--days`` days (so some fall inside the 7-day re-check window), served by the
fake GitHub REST API of the tests on 127.0.0.1, which counts quota as GitHub
does: every answer but a ``304`` costs one request. The sources run with the
real ``GitHubClient`` into a SQLite store. Printed: the requests and quota of
the first sync, of an unchanged re-poll (target: 0 quota), and of a re-poll
after one new deployment in one repository. Also read, for the same figures:
labelled issues and the CODEOWNERS history.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from data.config import OrgConfig, parse_org_config
from data.sources.github.codeowners import load_codeowners_history
from data.sources.github.deploys import deploy_sources
from data.sources.github.issues import incident_sources
from data.store.engine import make_engine, session_scope
from data.store.migrate import upgrade
from data.store.org import sync_org
from data.sync import SyncRun
from fakes.github_rest import FakeGitHubRest

__all__ = ["main"]

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _org(repos: int, days: int) -> OrgConfig:
    lines = []
    for i in range(repos):
        lines += [f'[[repositories]]\nname = "acme/r{i}"\n']
        lines += [f'[[services]]\nkey = "s{i}"\nrepository = "acme/r{i}"\n']
    since = (NOW - timedelta(days=days + 1)).date().isoformat()
    lines.append(f'[sources.github]\nsince = {since}\nincident_label = "incident"\n')
    return parse_org_config("\n".join(lines))


def _seed(fake: FakeGitHubRest, repos: int, deployments: int, days: int) -> None:
    step = timedelta(days=days) / max(deployments, 1)
    for r in range(repos):
        repo = f"acme/r{r}"
        for d in range(deployments):
            created = NOW - step * (d + 1)
            fake.add_deployment(
                repo,
                r * 100_000 + d + 1,
                "production",
                created,
                statuses=(
                    ("in_progress", created + timedelta(minutes=1)),
                    ("success", created + timedelta(minutes=6)),
                ),
            )
        for n in range(1, 6):
            fake.add_issue(repo, n, f"incident {n}", ("incident",), NOW - timedelta(days=n * 5))
        fake.commit_file(repo, ".github/CODEOWNERS", f"c{r}", NOW - timedelta(days=30), "* @a\n")


def _measure(fake: FakeGitHubRest, label: str, work: Callable[[], None]) -> int:
    used, asked = fake.used, len(fake.server.requests)
    start = time.perf_counter()
    work()
    quota = fake.used - used
    print(
        f"{label:<44} {len(fake.server.requests) - asked:6d} requests "
        f"{quota:6d} quota  {time.perf_counter() - start:7.2f} s"
    )
    return quota


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=3)
    parser.add_argument("--deployments", type=int, default=200)
    parser.add_argument("--days", type=int, default=60)
    args = parser.parse_args()
    org = _org(args.repos, args.days)
    with tempfile.TemporaryDirectory() as tmp, FakeGitHubRest() as fake:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(engine)
        with session_scope(engine) as session:
            sync_org(session, org)
        _seed(fake, args.repos, args.deployments, args.days)
        client = fake.client()

        def deploys() -> None:
            run = SyncRun(engine, org)
            for source in deploy_sources(client, org, now=lambda: NOW):
                source.sync(run)

        def others() -> None:
            run = SyncRun(engine, org)
            for source in incident_sources(client, org, now=lambda: NOW):
                source.sync(run)
            for r in range(args.repos):
                load_codeowners_history(client, run, f"acme/r{r}")

        recent = sum(
            1 for d in range(args.deployments) if (d + 1) * args.days <= 7 * args.deployments
        )
        print(
            f"{args.repos} repositories x {args.deployments} deployments over {args.days} days "
            f"({recent} per repository in the 7-day window)"
        )
        _measure(fake, "deployments: first sync", deploys)
        unchanged = _measure(fake, "deployments: unchanged re-poll", deploys)
        fake.add_deployment("acme/r0", 9_999_999, "production", NOW, statuses=(("success", NOW),))
        _measure(fake, "deployments: re-poll after one new deployment", deploys)
        _measure(fake, "issues + CODEOWNERS: first sync", others)
        _measure(fake, "issues + CODEOWNERS: unchanged re-poll", others)
        client.close()
        engine.dispose()
    print(f"unchanged re-poll of deployments: {unchanged} quota (target 0)")


if __name__ == "__main__":
    main()
