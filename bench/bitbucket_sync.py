"""A Bitbucket pull request sync against the fake Bitbucket: time, and requests per 100 PRs.

Run with ``python -m bench.bitbucket_sync [--prs N] [--seed S] [--concurrency C]
[--editions cloud,dc]``. A fake Bitbucket (``fakes.bitbucket_server``, real HTTP on
127.0.0.1; Cloud at its root, Data Center under a ``/bb`` context path) holds ``N``
pull requests (default 10,000) updated over the last 60 days: 90% merged, 7% open,
3% declined; 1–8 files each, 1–3 commits (5% with an agent's ``Co-authored-by``),
80% approved by one or two people (``bench.changes``, as for ``bench.gitlab_sync``); a
``.bitbucket/CODEOWNERS`` changed twice. riskbrief's real client, reader and ``PullsSource``
read it into a fresh migrated SQLite store through ``SyncRun`` and the real ingest.

Per edition it prints the first sync (target ≤ 2 min for 10,000), a re-sync with
nothing new (target ≤ 5 s) and an incremental sync after 40 PRs were updated, each
with its requests, and requests per 100 merged PRs by kind of request. It exits 1
when a target is missed.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path

import structlog

from bench.changes import NOW, org_toml, spread
from data.config import OrgConfig, parse_org_config
from data.sources.bitbucket import cloud, datacenter
from data.sources.bitbucket.client import BitbucketClient, Edition
from data.sources.bitbucket.pulls import EditionPulls, PullsSource
from data.sources.bitbucket.source import PullsWithOwners
from data.store.engine import make_engine, session_scope
from data.store.migrate import upgrade
from data.store.org import sync_org
from data.sync import SyncRun
from fakes.bitbucket_server import FakeBitbucket, FakePR
from fakes.http import Answer, Handler, Request, Route

__all__ = ["build_prs", "main"]

FIRST_TARGET_S = 120.0
RESYNC_TARGET_S = 5.0
_REPOS: dict[Edition, str] = {"cloud": "acme/shop", "dc": "SHOP/checkout"}
_STATES = {"merged": "MERGED", "open": "OPEN", "closed": "DECLINED"}
_CODEOWNERS = "/checkout/ @acme/checkout\n/payments/ @alice\n*.md @writer\n"


def build_prs(n: int, seed: int) -> list[FakePR]:
    """``n`` pull requests spread over the 60 days before the bench's now."""
    return [
        FakePR(
            c.number,
            c.updated,
            state=_STATES[c.state],
            author=c.author,
            created_at=c.created,
            merged_at=c.updated if c.state == "merged" else None,
            files=c.files,
            commits=c.commits,
            approvals=c.approvals,
            comments=c.comments,
            source_branch=f"feature/{c.number}",
            merge_sha=f"{c.number:040x}",
            head=f"{c.number + 10**9:040x}",
        )
        for c in spread(n, seed)
    ]


def _kind(path: str) -> str:
    """A request's kind, from its path: the PR list, one PR, a part of one, CODEOWNERS."""
    if re.search(r"/pull(?:requests|-requests)$", path):
        return "PR list"
    if re.search(r"/pull(?:requests|-requests)/\d+$", path):
        return "PR"
    # The repository's commits of the file (and DC's one commit) are CODEOWNERS' history.
    if "CODEOWNERS" in path or ("/pull" not in path and "/commits" in path):
        return "CODEOWNERS"
    return path.rsplit("/", 1)[-1]


def _timed_routes(fake: FakeBitbucket) -> defaultdict[str, float]:
    """Time the fake's own handlers, by kind: the fake runs in this process, under the same GIL,
    and answers each list page by building every matching pull request's JSON, so its share of
    the wall time is the bench's, not riskbrief's."""
    spent: defaultdict[str, float] = defaultdict(float)

    def timed(handler: Handler) -> Handler:
        def run(request: Request, match: re.Match[str]) -> Answer:
            start = time.perf_counter()
            try:
                return handler(request, match)
            finally:
                spent[_kind(request.path)] += time.perf_counter() - start

        return run

    fake.server.routes[:] = [
        Route(r.method, r.pattern, timed(r.handler)) for r in fake.server.routes
    ]
    return spent


def _reader(
    fake: FakeBitbucket, edition: Edition, repo: str
) -> tuple[EditionPulls, BitbucketClient]:
    client = fake.client("tok")
    if edition == "cloud":
        return cloud.CloudReader(client, repo), client
    return datacenter.DataCenterReader(client, repo, fake.base_url), client


def _edition(edition: Edition, prs: list[FakePR], args: argparse.Namespace) -> list[str]:
    """Run the three syncs of one edition; the targets it missed."""
    repo = _REPOS[edition]
    merged = sum(1 for p in prs if p.state == "MERGED")
    missed: list[str] = []
    with (
        FakeBitbucket(edition, base_path="" if edition == "cloud" else "/bb") as fake,
        tempfile.TemporaryDirectory() as tmp,
    ):
        # One dict assignment for all of them: add_pr would take the lock 10,000 times.
        fake.repo(repo).prs.update({p.id: p for p in prs})
        fake.repo(repo).codeowners.extend(
            [
                ("1" * 40, NOW - timedelta(days=80), _CODEOWNERS),
                ("2" * 40, NOW - timedelta(days=20), _CODEOWNERS + "/search/ @sam\n"),
            ]
        )
        spent = _timed_routes(fake)
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(engine)
        org: OrgConfig = parse_org_config(org_toml(repo))
        with session_scope(engine) as session:
            sync_org(session, org)

        def sync(label: str) -> tuple[float, int]:
            reader, client = _reader(fake, edition, repo)
            source = PullsSource(
                reader,
                repo,
                label="bitbucket" if edition == "cloud" else "bitbucket-dc",
                lag_minutes=10,
                concurrency=args.concurrency,
                clock=lambda: NOW,
            )
            before = len(fake.server.requests)
            spent.clear()
            run = SyncRun(engine, org)
            start = time.perf_counter()
            PullsWithOwners(client, source, edition).sync(run)
            took = time.perf_counter() - start
            asked = fake.server.requests[before:]
            print(
                f"  {label:<22} {took:8.2f} s  {len(asked):>6} requests  "
                f"{run.tally.added:>6} added {run.tally.updated:>5} updated"
            )
            client.close()
            if label == "first sync":
                kinds = Counter(_kind(r.path) for r in asked)
                per = ", ".join(f"{k} {100 * v / merged:.1f}" for k, v in kinds.most_common())
                print(f"  requests per 100 merged PRs: {100 * len(asked) / merged:.1f} ({per})")
                print(
                    f"  the fake's own handlers: PR list {spent['PR list']:.1f} s, "
                    f"the rest {sum(spent.values()) - spent['PR list']:.1f} s"
                )
            return took, len(asked)

        print(f"{edition}: {len(prs):,} PRs ({merged:,} merged), concurrency {args.concurrency}")
        first, _ = sync("first sync")
        again, _ = sync("re-sync, nothing new")
        rng = random.Random(args.seed + 1)
        for number in rng.sample(range(1, len(prs) + 1), min(40, len(prs))):
            fake.repo(repo).prs[number].updated_at = NOW + timedelta(minutes=rng.randrange(1, 60))
        sync("40 PRs updated")
        engine.dispose()
    # The targets are for 10,000 PRs: scale them for a smaller or larger run.
    first_target = FIRST_TARGET_S * len(prs) / 10_000
    if first > first_target:
        missed.append(f"{edition} first sync {first:.1f} s > {first_target:.0f} s")
    if again > RESYNC_TARGET_S:
        missed.append(f"{edition} re-sync {again:.1f} s > {RESYNC_TARGET_S:.0f} s")
    return missed


def main(argv: list[str] | None = None) -> None:
    """Run the syncs of each edition against the fake and print their times and requests."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("--prs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--editions", default="cloud,dc")
    args = parser.parse_args(argv)
    # The sync logs a line a page at info; the bench's own lines are what it is for.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(30))

    missed: list[str] = []
    for name in args.editions.split(","):
        edition: Edition = "cloud" if name.strip() == "cloud" else "dc"
        # A fresh list each edition: the incremental sync moves some PRs' update times.
        missed += _edition(edition, build_prs(args.prs, args.seed), args)
    for line in missed:
        print(f"MISSED: {line}")
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
