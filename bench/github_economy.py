"""GraphQL points a GitHub pull-request sync costs, as GitHub's formula prices its queries.

Run with ``python -m bench.github_economy [--prs N] [--seed S]``. A fake
GitHub (``fakes.github_graphql``, real HTTP on 127.0.0.1) holds ``N``
merged pull requests updated over the last 60 days plus 300 older ones beyond
the first sync's 90 days: 1–12 files each (2% with 150–400, so files run past
one page), 0–4 reviews (1% with 110–130), a third with labels (one label,
``dependencies``, on more than 100 of them), trailers in squash messages. The
fake prices every query from its AST with GitHub's published formula and
answers ``rateLimit.cost`` with it; the figures below add those costs up.

``--unmerged 0.3`` makes that share of the recent PRs open or closed unmerged
(half each): the sync reads every state in the same pages, stores the open
ones and skips closed ones it never listed.

It prints the first sync (every PR) and an incremental sync (40 PRs updated
since), in points and in points per 100 merged PRs, next to what the
straightforward query would cost (100 PRs a page with ``labels`` as a third
nested connection: 1 + 3 × 100 requests, 3 points a page).
"""

from __future__ import annotations

import argparse
import random
import tempfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from graphql import parse

from data.config import parse_org_config
from data.config.sources import GitHubSourceConfig
from data.sources.github.auth import TokenAuth
from data.sources.github.client import GitHubClient
from data.sources.github.pulls import GitHubPullsSource
from data.store.engine import make_engine, session_scope
from data.store.migrate import upgrade
from data.store.org import sync_org
from data.sync import SyncRun
from fakes.github_graphql import (
    FakeFile,
    FakeGitHubGraphQL,
    FakePull,
    FakeReview,
    iso,
    make_fake_github_graphql,
    price,
)
from fakes.http import FakeServer

__all__ = ["build_pulls", "main"]

_REPO = "acme/shop"
_TOKEN = "bench"
_NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
_LABELS = ("bug", "feature", "frontend", "backend", "infra", "docs", "security", "hotfix")
_NAIVE = """query {
  rateLimit { cost }
  repository(owner: "acme", name: "shop") {
    pullRequests(first: 100, states: MERGED, orderBy: {field: UPDATED_AT, direction: DESC}) {
      nodes {
        number
        files(first: 100) { nodes { path } }
        reviews(first: 100) { nodes { state } }
        labels(first: 20) { nodes { name } }
      }
    }
  }
}"""


def _pull(rng: random.Random, number: int, updated: datetime) -> FakePull:
    many_files = rng.random() < 0.02
    files = tuple(
        FakeFile(f"src/mod{rng.randrange(30)}/file{i}.py", rng.randrange(1, 80), rng.randrange(30))
        for i in range(rng.randrange(150, 400) if many_files else rng.randrange(1, 13))
    )
    many_reviews = rng.random() < 0.01
    reviews = tuple(
        FakeReview(
            f"dev{rng.randrange(25)}",
            rng.choice(("APPROVED", "COMMENTED", "CHANGES_REQUESTED")),
            iso(updated - timedelta(minutes=rng.randrange(5, 600))),
        )
        for _ in range(rng.randrange(110, 131) if many_reviews else rng.randrange(5))
    )
    labels: tuple[str, ...] = ()
    if rng.random() < 0.15:
        labels = ("dependencies",)
    elif rng.random() < 0.2:
        labels = tuple(sorted(set(rng.sample(_LABELS, rng.randrange(1, 3)))))
    trailer = "\n\nCo-authored-by: Pat <pat@example.com>" if rng.random() < 0.1 else ""
    return FakePull(
        number,
        iso(updated),
        title=f"Change {number}",
        author=f"dev{rng.randrange(25)}",
        merge_message=f"Change {number} (#{number}){trailer}",
        labels=labels,
        files=files,
        reviews=reviews,
        total_comments=rng.randrange(12),
    )


def build_pulls(count: int, seed: int = 7) -> list[FakePull]:
    """``count`` merged PRs over the last 60 days and 300 from before the first sync's reach."""
    rng = random.Random(seed)
    recent = [
        _pull(rng, n, _NOW - timedelta(minutes=rng.randrange(1, 60 * 24 * 60)))
        for n in range(1, count + 1)
    ]
    old = [
        _pull(rng, n, _NOW - timedelta(days=95 + rng.randrange(200)))
        for n in range(count + 1, count + 301)
    ]
    return recent + old


def _sync(server: FakeServer, run: SyncRun) -> GitHubPullsSource:
    client = GitHubClient(server.url, TokenAuth(_TOKEN), sleep=lambda _s: None)
    source = GitHubPullsSource(client, _REPO, GitHubSourceConfig(), 90, clock=lambda: _NOW)
    source.sync(run)
    client.close()
    return source


def _line(label: str, prs: int, points: int, queries: int) -> None:
    per = 100 * points / prs if prs else 0.0
    print(
        f"{label:<22} {prs:>6} PRs {points:>5} points {queries:>4} queries "
        f"{per:6.2f} points per 100 PRs (rounded: {round(per)})"
    )


def main(argv: list[str] | None = None) -> None:
    """Run the first and an incremental sync against the fake and print what they cost."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--prs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--unmerged",
        type=float,
        default=0.0,
        help="share of the recent PRs that are open or closed unmerged (half each)",
    )
    args = parser.parse_args(argv)

    pulls = build_pulls(args.prs, args.seed)
    # The sync reads every state: open PRs are stored, closed ones never seen open are not.
    pick = random.Random(args.seed + 2)
    pulls = [
        replace(p, state=pick.choice(("OPEN", "CLOSED")))
        if p.number <= args.prs and pick.random() < args.unmerged
        else p
        for p in pulls
    ]
    fake: FakeGitHubGraphQL
    with FakeServer() as server, tempfile.TemporaryDirectory() as tmp:
        fake = make_fake_github_graphql(server, _TOKEN)
        fake.add(_REPO, pulls)
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(engine)
        org = parse_org_config(f'[[repositories]]\nname = "{_REPO}"\n')
        with session_scope(engine) as session:
            sync_org(session, org)

        run = SyncRun(engine, org)
        first = _sync(server, run)
        assert fake.points_used == first.points_used
        _line("first sync", run.tally.added, first.points_used, first.queries)
        if args.unmerged:
            _line("  per PR read", args.prs, first.points_used, first.queries)
        kinds: dict[str, int] = {}
        for name, _variables, cost in fake.queries:
            kinds[name or "?"] = kinds.get(name or "?", 0) + cost.cost
        print("  points by query:", ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))

        rng = random.Random(args.seed + 1)
        for number in rng.sample(range(1, args.prs + 1), 40):
            fake.update(
                _REPO, number, updated_at=iso(_NOW + timedelta(minutes=rng.randrange(1, 600)))
            )
        fake.now = _NOW + timedelta(hours=10)
        before = fake.points_used
        run = SyncRun(engine, org)
        again = _sync(server, run)
        print(
            f"{'incremental sync':<22} {run.tally.added + run.tally.updated:>6} PRs "
            f"{fake.points_used - before:>5} points {again.queries:>4} queries"
        )
        engine.dispose()

    naive = price(fake.schema, parse(_NAIVE))
    print(
        f"straightforward query: {naive.requests} requests, {naive.cost} points per 100 PRs "
        "(labels as a third nested connection)"
    )


if __name__ == "__main__":
    main()
