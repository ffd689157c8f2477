"""Mining a real clone: riskbrief against PyDriller on the same commits, in one run.

Run with ``python -m bench.mining --repo PATH [--since DATE] [--limit N]``
(PyDriller comes with ``pip install --group bench``). The commits are the
first-parent history of the clone's checked-out branch, the chain
``riskbrief sync --git PATH`` mines, narrowed to those committed since
``DATE`` and then to the newest ``N``. Three runs, each in its own Python
process so that its peak RSS is its own:

- ``mine``: ``mine_commits(..., first_parent=True)``, the mining alone, keeping
  each commit's lines added and deleted and its files' counts;
- ``sync``: the ``LocalGitSource`` that ``riskbrief sync --git PATH`` builds,
  into a fresh SQLite store (mining, opening merged pull requests into the
  commits they landed, CODEOWNERS, generated files, deploy tags, ingest), with
  its cursor set just before the range so it syncs the same chain;
- ``pydriller``: ``Repository(...).traverse_commits()`` over the same commits,
  reading ``insertions``, ``deletions`` and ``files`` of each commit and
  ``added_lines``/``deleted_lines`` of each modified file, the same metrics.

Then the per-commit figures of ``mine`` and ``pydriller`` are compared commit by
commit: totals for every commit, per-file counts for every non-merge commit
(PyDriller lists no modified files for a merge).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Agreement", "CommitLines", "compare", "main", "ratio_line"]

_SHOWN = 5


@dataclass(frozen=True, slots=True)
class CommitLines:
    """One commit's metrics as a miner reported them: totals and ``(path, added, deleted)``."""

    added: int
    deleted: int
    files: int
    per_file: tuple[tuple[str, int, int], ...]
    merge: bool = False

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "added": self.added,
            "deleted": self.deleted,
            "files": self.files,
            "per_file": [list(f) for f in self.per_file],
            "merge": self.merge,
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> CommitLines:
        """The inverse of ``to_json``."""
        return cls(
            raw["added"],
            raw["deleted"],
            raw["files"],
            tuple((str(p), int(a), int(d)) for p, a, d in raw["per_file"]),
            bool(raw["merge"]),
        )


@dataclass(frozen=True, slots=True)
class Agreement:
    """How two miners' per-commit metrics compare over the commits both reported."""

    compared: int
    only_ours: tuple[str, ...]
    only_theirs: tuple[str, ...]
    totals_differ: tuple[str, ...]
    files_compared: int
    files_differ: tuple[tuple[str, str], ...]

    @property
    def agrees(self) -> bool:
        """True when every commit and every compared file has the same counts on both sides."""
        return not (self.only_ours or self.only_theirs or self.totals_differ or self.files_differ)


def compare(ours: Mapping[str, CommitLines], theirs: Mapping[str, CommitLines]) -> Agreement:
    """Compare totals of every shared commit and per-file counts of every shared non-merge.

    Merges are compared on totals only: PyDriller's ``modified_files`` is empty for
    a merge while its totals are the diff against the first parent, as ours are.
    """
    shared = [sha for sha in ours if sha in theirs]
    totals: list[str] = []
    files: list[tuple[str, str]] = []
    files_compared = 0
    for sha in shared:
        a, b = ours[sha], theirs[sha]
        if (a.added, a.deleted, a.files) != (b.added, b.deleted, b.files):
            totals.append(sha)
        if a.merge or b.merge:
            continue
        mine = {p: (ad, de) for p, ad, de in a.per_file}
        other = {p: (ad, de) for p, ad, de in b.per_file}
        for path in sorted(mine.keys() | other.keys()):
            files_compared += 1
            if mine.get(path) != other.get(path):
                files.append((sha, path))
    return Agreement(
        compared=len(shared),
        only_ours=tuple(sha for sha in ours if sha not in theirs),
        only_theirs=tuple(sha for sha in theirs if sha not in ours),
        totals_differ=tuple(totals),
        files_compared=files_compared,
        files_differ=tuple(files),
    )


def ratio_line(ours: float, theirs: float) -> str:
    """``theirs / ours`` as "PyDriller took 12.3× riskbrief's time" (or "n/a" for a zero)."""
    if ours <= 0:
        return "n/a"
    return f"{theirs / ours:.1f}×"


# --- the three runs, each in a child process ------------------------------------------


def _peak_mib() -> float:
    # The Python process only: a forked git child's ru_maxrss starts from its parent's
    # RSS at the fork, so RUSAGE_CHILDREN would report the parent again, not git.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _write(out: Path, metrics: Iterable[tuple[str, CommitLines]]) -> int:
    count = 0
    with out.open("w") as f:
        for sha, lines in metrics:
            f.write(json.dumps([sha, lines.to_json()]) + "\n")
            count += 1
    return count


def _read(path: Path) -> dict[str, CommitLines]:
    out: dict[str, CommitLines] = {}
    with path.open() as f:
        for line in f:
            sha, raw = json.loads(line)
            out[sha] = CommitLines.from_json(raw)
    return out


def _run_mine(repo: Path, after: str | None, out: Path) -> int:
    from data.sources.local_git.gitlog import mine_commits

    def metrics() -> Iterator[tuple[str, CommitLines]]:
        for commit in mine_commits(repo, "HEAD", after=after, first_parent=True):
            files = commit.change.files
            yield (
                commit.sha,
                CommitLines(
                    sum(f.added for f in files),
                    sum(f.deleted for f in files),
                    len(files),
                    tuple((f.path, f.added, f.deleted) for f in files),
                    len(commit.parents) > 1,
                ),
            )

    return _write(out, metrics())


def _run_sync(repo: Path, after: str | None, tmp: Path) -> int:
    from sqlmodel import Session, func, select

    from data.config import parse_org_config
    from data.handoff import Cursor
    from data.sources.local_git.gitlog import repository_name
    from data.sources.local_git.source import LocalGitSource
    from data.store.engine import make_engine
    from data.store.migrate import upgrade
    from data.store.org import sync_org
    from data.store.tables import Change
    from data.sync import SyncRun, run_sources

    org = parse_org_config("")
    engine = make_engine(f"sqlite:///{tmp}/bench.db")
    upgrade(engine)
    with Session(engine) as session:
        sync_org(session, org)
        session.commit()
    # What the local clones' spec (``data.sources.local_git.spec``) builds for
    # ``--git PATH`` outside the configuration.
    source = LocalGitSource(
        repo,
        repository_name(repo),
        branch=org.sources.git.branch,
        deploy_tags=org.sources.git.deploy_tags,
    )
    if after is not None:
        SyncRun(engine, org).checkpoint("git", source.repository, cursor=Cursor(after))
    (summary,) = run_sources(engine, org, [source])
    if summary.error:
        raise SystemExit(f"sync failed: {summary.error}")
    with Session(engine) as session:
        changes = session.exec(select(func.count()).select_from(Change)).one()
    engine.dispose()
    return int(changes)


def _run_pydriller(repo: Path, shas: list[str], out: Path) -> int:
    try:
        from pydriller import Repository  # type: ignore[import-untyped, import-not-found, unused-ignore]
    except ImportError:
        raise SystemExit(
            "PyDriller is not installed; run `pip install --group bench` (or pip install "
            "pydriller) and try again."
        ) from None

    def metrics() -> Iterator[tuple[str, CommitLines]]:
        # PyDriller has no first-parent walk: it walks HEAD and keeps ``only_commits``.
        for commit in Repository(str(repo), only_commits=shas).traverse_commits():
            per_file = tuple(
                (m.new_path or m.old_path, m.added_lines, m.deleted_lines)
                for m in commit.modified_files
            )
            yield (
                commit.hash,
                CommitLines(
                    commit.insertions, commit.deletions, commit.files, per_file, commit.merge
                ),
            )

    return _write(out, metrics())


def _child(kind: str, repo: Path, after: str | None, shas_file: Path, out: Path) -> None:
    start = time.perf_counter()
    cpu = time.process_time()
    if kind == "mine":
        count = _run_mine(repo, after, out)
    elif kind == "sync":
        with tempfile.TemporaryDirectory() as tmp:
            count = _run_sync(repo, after, Path(tmp))
    else:
        count = _run_pydriller(repo, shas_file.read_text().split(), out)
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu
    print(json.dumps({"count": count, "wall": wall, "cpu": cpu, "rss": _peak_mib()}))


# --- the parent ------------------------------------------------------------------------


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"git {args[0]} failed in {repo}; pass the path of a local git clone.")
    return done.stdout


def _range(repo: Path, since: str | None, limit: int | None) -> tuple[list[str], str | None]:
    """The first-parent shas in range, oldest first, and the commit just before them."""
    args = ["rev-list", "--first-parent", "HEAD"]
    if since:
        args.insert(2, f"--since={since}")
    newest_first = _git(repo, *args).split()
    if limit is not None:
        newest_first = newest_first[:limit]
    if not newest_first:
        raise SystemExit(f"no commits in range in {repo}; widen --since or --limit.")
    oldest = newest_first[-1]
    parent = _git(repo, "rev-list", "--parents", "-n", "1", oldest).split()[1:2]
    return newest_first[::-1], (parent[0] if parent else None)


def _spawn(kind: str, repo: Path, after: str | None, shas: Path, out: Path) -> dict[str, Any]:
    argv = [sys.executable, "-m", "bench.mining", "--child", kind, "--repo", str(repo)]
    argv += ["--shas", str(shas), "--out", str(out)]
    if after:
        argv += ["--after", after]
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"the {kind} run failed: {done.stderr.strip().splitlines()[-1:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _report(agreement: Agreement, ours: Mapping[str, CommitLines]) -> None:
    merges = sum(1 for sha in ours if ours[sha].merge)
    print(
        f"agreement: {agreement.compared} commits compared ({merges} merges, totals only), "
        f"{len(agreement.totals_differ)} with different totals; "
        f"{agreement.files_compared} file changes compared, "
        f"{len(agreement.files_differ)} different; "
        f"{len(agreement.only_ours)} only riskbrief's, "
        f"{len(agreement.only_theirs)} only PyDriller's"
    )
    for sha in agreement.totals_differ[:_SHOWN]:
        print(f"  totals differ at {sha[:12]}")
    for sha, path in agreement.files_differ[:_SHOWN]:
        print(f"  file differs at {sha[:12]}: {path}")


def main(argv: list[str] | None = None) -> int:
    """Run the three measurements on the same range and print the side-by-side figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.mining", description=__doc__)
    parser.add_argument("--repo", type=Path, required=True, help="a local clone (read only)")
    parser.add_argument("--since", default=None, help="only commits since this date")
    parser.add_argument("--limit", type=int, default=None, help="only the newest N commits")
    parser.add_argument("--child", choices=["mine", "sync", "pydriller"], help=argparse.SUPPRESS)
    parser.add_argument("--after", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--shas", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    repo: Path = args.repo.resolve()
    if args.child:
        _child(args.child, repo, args.after, args.shas, args.out)
        return 0
    shas, after = _range(repo, args.since, args.limit)
    print(f"{repo}: {len(shas)} first-parent commits of HEAD, {shas[0][:12]}..{shas[-1][:12]}")
    print(f"load before: {os.getloadavg()[0]:.2f} (1 min)")
    runs: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        shas_file = Path(tmp) / "shas"
        shas_file.write_text("\n".join(shas))
        for kind in ("mine", "sync", "pydriller"):
            runs[kind] = _spawn(kind, repo, after, shas_file, Path(tmp) / f"{kind}.jsonl")
            r = runs[kind]
            print(
                f"{kind:<9} {r['count']:>6} {'changes' if kind == 'sync' else 'commits'} "
                f"in {r['wall']:7.1f} s wall ({r['cpu']:.1f} s CPU in Python), "
                f"peak RSS {r['rss']:.0f} MiB"
            )
        ours = _read(Path(tmp) / "mine.jsonl")
        theirs = _read(Path(tmp) / "pydriller.jsonl")
    print(f"load after: {os.getloadavg()[0]:.2f} (1 min)")
    py = runs["pydriller"]["wall"]
    print(f"PyDriller / riskbrief mining: {ratio_line(runs['mine']['wall'], py)}")
    print(f"PyDriller / riskbrief sync (mining + ingest): {ratio_line(runs['sync']['wall'], py)}")
    _report(compare(ours, theirs), ours)
    return 0


if __name__ == "__main__":
    sys.exit(main())
