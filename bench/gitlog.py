"""Mining a large git history: time and peak memory of ``mine_commits``, and of the backtest.

Run with ``python -m bench.gitlog [--commits N] [--repo PATH] [--backtest-commits M]``.
Without ``--repo`` a synthetic repository is built with ``git fast-import``
(seconds for 100,000 commits): 2,000 files of 60 lines, each commit rewriting
1–5 lines in 1–5 files, about 15% of them worded as bug fixes. Mining is timed
over the whole history while keeping nothing, so its peak memory shows that
streaming is bounded; the full backtest (mining, scoring every commit, SZZ
blame of every fix) is timed on a smaller synthetic history of
``--backtest-commits`` commits, because SZZ runs git once or twice per file a
fix touched.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from data.sources.local_git.gitlog import mine_commits
from evaluation.repo_backtest import backtest_repo

__all__ = ["build_repo", "main"]

_FILES = 2000
_LINES = 60
_START = int(datetime(2020, 1, 1, tzinfo=UTC).timestamp())
_AUTHORS = [f"dev{i}" for i in range(40)]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"})
    return env


def _data(text: str) -> bytes:
    raw = text.encode()
    return b"data %d\n" % len(raw) + raw + b"\n"


def build_repo(path: Path, commits: int, seed: int = 7) -> None:
    """A fresh repository at ``path`` with ``commits`` synthetic commits, one every 10 minutes."""
    rng = random.Random(seed)
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True, env=_env())
    files = {
        f"src/mod{i // 100}/file{i}.py": [f"value_{i}_{j} = {j}\n" for j in range(_LINES)]
        for i in range(_FILES)
    }
    names = sorted(files)
    proc = subprocess.Popen(
        ["git", "-C", str(path), "fast-import", "--quiet"], stdin=subprocess.PIPE, env=_env()
    )
    assert proc.stdin is not None
    out = proc.stdin
    for n in range(commits):
        when = _START + n * 600
        author = rng.choice(_AUTHORS)
        if n == 0:
            touched = names
            message = "Initial import"
        else:
            touched = rng.sample(names, rng.randint(1, 5))
            for name in touched:
                lines = files[name]
                for _ in range(rng.randint(1, 5)):
                    lines[rng.randrange(len(lines))] = f"value_{n}_{rng.random():.6f} = {n}\n"
            fix = rng.random() < 0.15
            message = f"{'Fix crash in' if fix else 'Update'} {touched[0]}"
        out.write(b"commit refs/heads/main\n")
        ident = f"{author} <{author}@example.com> {when} +0000\n".encode()
        out.write(b"author " + ident + b"committer " + ident)
        out.write(_data(message))
        for name in touched:
            out.write(f"M 100644 inline {name}\n".encode() + _data("".join(files[name])))
        out.write(b"\n")
    out.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "-C", str(path), "reset", "-q", "--hard"], check=True, env=_env())


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def mine(path: Path) -> None:
    """Time mining every commit of ``path`` without keeping any, and report peak memory."""
    before = _peak_mib()
    start = time.perf_counter()
    count = files = 0
    for commit in mine_commits(path):
        count += 1
        files += len(commit.change.files)
    took = time.perf_counter() - start
    print(f"mined {count} commits ({files} file changes) in {took:.1f} s")
    print(f"peak RSS {_peak_mib():.0f} MiB (before mining {before:.0f} MiB)")


def backtest(path: Path) -> None:
    """Time the whole backtest (mine, score every commit, SZZ) on ``path``'s last years."""
    start = time.perf_counter()
    result = backtest_repo(path, date(2020, 1, 1), date(2100, 1, 1))
    took = time.perf_counter() - start
    print(f"backtest in {took:.1f} s: {result.to_json()}")
    print(f"peak RSS {_peak_mib():.0f} MiB")


def main(argv: list[str] | None = None) -> int:
    """Build (or take) the repositories and run the benchmarks."""
    parser = argparse.ArgumentParser(prog="python -m bench.gitlog", description=__doc__)
    parser.add_argument("--commits", type=int, default=100_000)
    parser.add_argument("--backtest-commits", type=int, default=2_000)
    parser.add_argument("--repo", type=Path, default=None, help="mine this clone instead")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        if args.repo is None:
            big = Path(tmp) / "big"
            start = time.perf_counter()
            build_repo(big, args.commits)
            print(f"built {args.commits} commits in {time.perf_counter() - start:.1f} s")
            mine(big)
        else:
            mine(args.repo)
        if args.backtest_commits:
            small = Path(tmp) / "small"
            build_repo(small, args.backtest_commits)
            backtest(small)
    return 0


if __name__ == "__main__":
    sys.exit(main())
