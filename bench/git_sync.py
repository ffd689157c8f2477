"""Syncing a large local clone into the store: time, peak memory and rows, then a no-op re-sync.

Run with ``python -m bench.git_sync [--commits N]``. The synthetic history of
``bench.gitlog`` (one commit every 10 minutes, 1–5 files each) is built with
``git fast-import`` and synced with the same ``LocalGitSource`` that
``riskbrief sync`` runs, into a fresh SQLite store, checkpointing every 500
commits; the second sync shows what an unchanged clone costs.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from sqlmodel import Session, func, select

from bench.gitlog import build_repo
from data.config import parse_org_config
from data.sources.local_git import LocalGitSource
from data.store.engine import make_engine
from data.store.migrate import upgrade
from data.store.org import sync_org
from data.store.tables import Change, ChangeFile
from data.sync import run_sources

__all__ = ["main"]


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    """Build the history, sync it twice and print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.git_sync", description=__doc__)
    parser.add_argument("--commits", type=int, default=100_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "big"
        start = time.perf_counter()
        build_repo(repo, args.commits)
        print(f"built {args.commits} commits in {time.perf_counter() - start:.1f} s")
        org = parse_org_config(
            f'[[repositories]]\nname = "acme/big"\npath = "{repo}"\n'
            '[[services]]\nkey = "core"\nrepository = "acme/big"\npaths = ["src/mod1*/**"]\n'
            '[[services]]\nkey = "edge"\nrepository = "acme/big"\npaths = ["src/**"]\n'
        )
        engine = make_engine(f"sqlite:///{tmp}/bench.db")
        upgrade(engine)
        with Session(engine) as session:
            sync_org(session, org)
            session.commit()
        source = LocalGitSource.from_config(org.repositories[0], org)
        before = _peak_mib()
        for label in ("first sync", "re-sync"):
            cpu = time.process_time()
            start = time.perf_counter()
            (summary,) = run_sources(engine, org, [source])
            wall = time.perf_counter() - start
            print(
                f"{label:<11} {summary.line()}: {wall:.1f} s wall, "
                f"{time.process_time() - cpu:.1f} s CPU in this process"
            )
        with Session(engine) as session:
            changes = session.exec(select(func.count()).select_from(Change)).one()
            files = session.exec(select(func.count()).select_from(ChangeFile)).one()
        print(f"store: {changes} changes, {files} files")
        print(f"peak RSS {_peak_mib():.0f} MiB (before syncing {before:.0f} MiB)")
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
