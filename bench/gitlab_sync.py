"""A GitLab merge request sync against the fake GitLab: time, and requests per 100 MRs.

Run with ``python -m bench.gitlab_sync [--mrs N] [--seed S] [--concurrency C]``.
A fake GitLab (``fakes.gitlab_server``, real HTTP on 127.0.0.1, under a
``/gitlab`` base path, a project two groups deep) holds ``N`` merge requests
(default 10,000) updated over the last 60 days: 90% merged, 7% open, 3%
closed; 1–8 files each with their diffs, 1–3 commits (5% with an agent's
``Co-authored-by``), 80% approved by one or two people (``bench.changes``); a sectioned
CODEOWNERS changed twice. riskbrief's real client and source read it into a
migrated SQLite store through ``SyncRun`` and the real ingest.

It prints the first sync (target ≤ 2 min for 10,000), a re-sync with nothing
new (target ≤ 5 s), and an incremental sync after 40 MRs were updated, each
with its requests, and requests per 100 merged MRs by kind of request.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from bench.changes import NOW, org_toml, spread
from data.config import parse_org_config
from data.config.sources.gitlab import GitLabSourceConfig
from data.sources.gitlab.merge_requests import MergeRequestsSource
from data.sources.gitlab.source import MergeRequestsWithOwners
from data.store.engine import make_engine, session_scope
from data.store.migrate import upgrade
from data.store.org import sync_org
from data.sync import SyncRun
from fakes.gitlab_server import FakeCommit, FakeGitLab, FakeMR

__all__ = ["build_mrs", "main"]

_PROJECT = "acme/platform/shop"
_STATES = {"merged": "merged", "open": "opened", "closed": "closed"}
# GitLab calls an added file ``new``.
_KINDS = {"modified": "modified", "added": "new"}
_CODEOWNERS = (
    "[Checkout][2] @acme/platform/checkout\n/checkout/\n/payments/ @alice\n\n"
    "^[Docs] @writer\n*.md\n"
)


def build_mrs(n: int, seed: int) -> list[FakeMR]:
    """``n`` merge requests spread over the 60 days before the bench's now."""
    return [
        FakeMR(
            c.number,
            c.updated,
            state=_STATES[c.state],
            author=c.author,
            created_at=c.created,
            merged_at=c.updated,
            merged_by="lead" if c.state == "merged" else None,
            files=tuple((path, add, rm, _KINDS[kind]) for path, add, rm, kind in c.files),
            commits=tuple(FakeCommit(*commit) for commit in c.commits),
            approvals=c.approvals,
            user_notes_count=c.comments,
            labels=c.labels,
        )
        for c in spread(n, seed, labels=True)
    ]


def _kind(path: str) -> str:
    if path.endswith("/merge_requests"):
        return "MR list"
    if "/repository/" in path:
        return "CODEOWNERS"
    return path.rsplit("/", 1)[-1]


def main(argv: list[str] | None = None) -> None:
    """Run the three syncs against the fake and print their times and requests."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("--mrs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args(argv)

    mrs = build_mrs(args.mrs, args.seed)
    merged = sum(1 for m in mrs if m.state == "merged")
    with (
        FakeGitLab(base_path="/gitlab", tokens={"bench": ("read_api",)}) as fake,
        tempfile.TemporaryDirectory() as tmp,
    ):
        for mr in mrs:
            fake.add_mr(_PROJECT, mr)
        fake.commit_file(_PROJECT, "CODEOWNERS", "1" * 40, NOW - timedelta(days=80), _CODEOWNERS)
        fake.commit_file(
            _PROJECT,
            "CODEOWNERS",
            "2" * 40,
            NOW - timedelta(days=20),
            _CODEOWNERS + "/search/ @sam\n",
        )
        fake.ratelimit_remaining = 10**9
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(engine)
        org = parse_org_config(org_toml(_PROJECT))
        with session_scope(engine) as session:
            sync_org(session, org)
        config = GitLabSourceConfig(
            base_url=fake.base_url, projects=(_PROJECT,), concurrency=args.concurrency
        )

        def sync(label: str) -> SyncRun:
            client = fake.client("bench")
            source = MergeRequestsSource(client, _PROJECT, config, 90, clock=lambda: NOW)
            before = len(fake.server.requests)
            run = SyncRun(engine, org)
            start = time.perf_counter()
            MergeRequestsWithOwners(client, source).sync(run)
            took = time.perf_counter() - start
            asked = fake.server.requests[before:]
            print(
                f"{label:<22} {took:8.2f} s  {len(asked):>6} requests  "
                f"{run.tally.added:>6} added {run.tally.updated:>5} updated"
            )
            client.close()
            if label == "first sync":
                kinds = Counter(_kind(r.path) for r in asked)
                per = ", ".join(f"{k} {100 * v / merged:.1f}" for k, v in kinds.most_common())
                print(f"  requests per 100 merged MRs: {100 * len(asked) / merged:.1f} ({per})")
            return run

        print(f"{args.mrs:,} MRs ({merged:,} merged), concurrency {args.concurrency}")
        sync("first sync")
        sync("re-sync, nothing new")
        rng = random.Random(args.seed + 1)
        for iid in rng.sample(range(1, args.mrs + 1), 40):
            fake.project(_PROJECT).mrs[iid].updated_at = NOW + timedelta(
                minutes=rng.randrange(1, 60)
            )
        sync("40 MRs updated")
        engine.dispose()


if __name__ == "__main__":
    main()
