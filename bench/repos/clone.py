"""Work trees from a folder of bare mirrors: the fetch step the suite leaves to its user.

    python -m bench.repos.clone --mirror MIRRORS --dest CLONES [--half HALF] [--only NAME]

Each listed repository found as ``MIRRORS/owner+name/repo`` is cloned to
``CLONES/name`` (skipped when that exists) with ``origin`` set to its GitHub URL.
Nothing is downloaded: a repository without a mirror is listed as missing.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.repos.catalogue import HALVES, LIST, Listed, find_clone, load_list

__all__ = ["clone_from_mirror", "main"]


def clone_from_mirror(mirror: Path, dest: Path, listed: Listed) -> Path | None:
    """``dest/name`` cloned from the mirror of ``listed``; ``None`` when there is no mirror."""
    target = dest / listed.short
    if (target / ".git").exists():
        return target
    source = find_clone(mirror, listed)
    if source is None:
        return None
    dest.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["git", "clone", "--quiet", str(source), str(target)], capture_output=True, check=False
    )
    if done.returncode != 0:
        # A snapshot whose largest files are absent cannot be checked out: no clone.
        shutil.rmtree(target, ignore_errors=True)
        return None
    subprocess.run(
        ["git", "-C", str(target), "remote", "set-url", "origin", listed.url], check=True
    )
    return target


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.repos.clone", description=__doc__)
    parser.add_argument("--mirror", type=Path, required=True, help="folder of owner+name/repo")
    parser.add_argument("--dest", type=Path, required=True, help="where the work trees go")
    parser.add_argument("--half", choices=HALVES, default="all", help="the list's half")
    parser.add_argument("--only", action="append", default=[], help="owner/name or name")
    parser.add_argument(
        "--list", type=Path, default=LIST,
        help="a list of repositories in list.toml's form (default: the suite's own)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    missing = 0
    try:
        listed_repos = load_list(args.list, half=args.half)
    except ValueError as exc:
        parser.error(str(exc))
    for listed in listed_repos:
        if args.only and not {listed.name, listed.short} & set(args.only):
            continue
        done = clone_from_mirror(args.mirror, args.dest, listed)
        print(f"{listed.name}: {done or 'no mirror, or it cannot be checked out'}")
        missing += done is None
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
