"""A GitLab merge request sync against the fake GitLab: time, and requests per 100 MRs.

Run with ``python -m bench.gitlab_sync [--mrs N] [--seed S] [--concurrency C]``.
A fake GitLab (``fakes.gitlab_server``, real HTTP on 127.0.0.1, under a
``/gitlab`` base path, a project two groups deep) holds ``N`` merge requests
(default 10,000) updated over the last 60 days: 90% merged, 7% open, 3%
closed; 1–8 files each with their diffs, 1–3 commits (5% with an agent's
``Co-authored-by``), 80% approved by one or two people; a sectioned
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
from datetime import UTC, datetime, timedelta
from pathlib import Path

from data.config import parse_org_config
from data.sources.gitlab.merge_requests import MergeRequestsSource
from data.sources.gitlab.settings import GitLabSourceConfig
from data.sources.gitlab.source import MergeRequestsWithOwners
from data.store.engine import make_engine, session_scope
from data.store.migrate import upgrade
from data.store.org import sync_org
from data.sync import SyncRun
from fakes.gitlab_server import FakeCommit, FakeGitLab, FakeMR

__all__ = ["build_mrs", "main"]

_PROJECT = "acme/platform/shop"
_NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
_DIRS = ("checkout", "search", "payments", "identity", "infra", "docs")
_CODEOWNERS = (
    "[Checkout][2] @acme/platform/checkout\n/checkout/\n/payments/ @alice\n\n"
    "^[Docs] @writer\n*.md\n"
)
_ORG = f"""
[[repositories]]
name = "{_PROJECT}"

[[services]]
key = "checkout"
repository = "{_PROJECT}"
paths = ["checkout/**", "payments/**"]

[[services]]
key = "search"
repository = "{_PROJECT}"
paths = ["search/**"]
"""


def build_mrs(n: int, seed: int) -> list[FakeMR]:
    """``n`` merge requests spread over the 60 days before the bench's now."""
    rng = random.Random(seed)
    out = []
    for iid in range(1, n + 1):
        updated = _NOW - timedelta(seconds=rng.randrange(60, 60 * 86400))
        roll = rng.random()
        state = "merged" if roll < 0.90 else "opened" if roll < 0.97 else "closed"
        files = tuple(
            (
                f"{rng.choice(_DIRS)}/m{rng.randrange(400)}/f{rng.randrange(50)}.py",
                rng.randrange(1, 80),
                rng.randrange(0, 30),
                rng.choice(("modified", "modified", "modified", "new")),
            )
            for _ in range(rng.randrange(1, 9))
        )
        commits = tuple(
            FakeCommit(
                f"Change {iid} part {c}"
                + (
                    "\n\nCo-authored-by: Claude <noreply@anthropic.com>"
                    if rng.random() < 0.05
                    else ""
                ),
                f"Dev {iid % 25}",
                f"dev{iid % 25}@example.com",
            )
            for c in range(rng.randrange(1, 4))
        )
        approvers = rng.sample(["bob", "carol", "dan", "erin"], rng.choice((1, 1, 2)))
        approvals = (
            tuple((who, updated - timedelta(minutes=30), False) for who in approvers)
            if rng.random() < 0.8
            else ()
        )
        out.append(
            FakeMR(
                iid,
                updated,
                state=state,
                author=f"dev{iid % 25}",
                created_at=updated - timedelta(hours=rng.randrange(1, 72)),
                merged_at=updated,
                merged_by="lead" if state == "merged" else None,
                files=files,
                commits=commits,
                approvals=approvals,
                user_notes_count=rng.randrange(0, 6),
                labels=("backend",) if rng.random() < 0.3 else (),
            )
        )
    return out


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
        fake.commit_file(_PROJECT, "CODEOWNERS", "1" * 40, _NOW - timedelta(days=80), _CODEOWNERS)
        fake.commit_file(
            _PROJECT,
            "CODEOWNERS",
            "2" * 40,
            _NOW - timedelta(days=20),
            _CODEOWNERS + "/search/ @sam\n",
        )
        fake.ratelimit_remaining = 10**9
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(engine)
        org = parse_org_config(_ORG)
        with session_scope(engine) as session:
            sync_org(session, org)
        config = GitLabSourceConfig(
            base_url=fake.base_url, projects=(_PROJECT,), concurrency=args.concurrency
        )

        def sync(label: str) -> SyncRun:
            client = fake.client("bench")
            source = MergeRequestsSource(client, _PROJECT, config, 90, clock=lambda: _NOW)
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
            fake.project(_PROJECT).mrs[iid].updated_at = _NOW + timedelta(
                minutes=rng.randrange(1, 60)
            )
        sync("40 MRs updated")
        engine.dispose()


if __name__ == "__main__":
    main()
