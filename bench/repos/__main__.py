"""``python -m bench.repos --root DIR [--half written|held-out|all] [--only NAME] [--jobs N]
[--json]``: see ``bench.repos``."""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from pathlib import Path

from bench.repos.assess import Options, RepoRow, assess
from bench.repos.catalogue import HALVES, LIST, Listed, find_clone, load_list
from bench.repos.table import line, markdown, summary

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.repos", description=__doc__)
    parser.add_argument("--root", type=Path, required=True, help="folder of fetched clones")
    parser.add_argument(
        "--half", choices=HALVES, default="written",
        help="the list's half: the one rules are written against (default) or the held-out one",
    )  # fmt: skip
    parser.add_argument("--only", action="append", default=[], help="owner/name or name")
    parser.add_argument(
        "--list", type=Path, default=LIST,
        help="a list of repositories in list.toml's form (default: the suite's own)",
    )  # fmt: skip
    parser.add_argument("--jobs", type=int, default=1, help="repositories at once (1 or 2)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    parser.add_argument("--markdown", type=Path, help="write the docs table to this file")
    parser.add_argument("--no-backtest", action="store_true", help="skip the ranking check")
    parser.add_argument("--weeks", type=int, default=12, help="newest very-high weeks checked")
    parser.add_argument("--keep", type=Path, help="keep each scratch folder under this one")
    parser.add_argument(
        "--new-only", action="store_true",
        help="only issue 62's invariants (unserviced code, Linguist's non-code, cherry-picks, "
        "revert of revert, default week)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    options = Options(
        backtest=not args.no_backtest, weeks=args.weeks, keep=args.keep, new_only=args.new_only
    )
    jobs: list[tuple[Listed, Path, Options]] = []
    try:
        listed_repos = load_list(args.list, half=args.half)
    except ValueError as exc:
        parser.error(str(exc))
    for listed in listed_repos:
        if args.only and not {listed.name, listed.short} & set(args.only):
            continue
        clone = find_clone(args.root, listed)
        if clone is None:
            print(f"{listed.name}: no clone under {args.root}; fetch it first", file=sys.stderr)
            continue
        jobs.append((listed, clone, options))
    rows: list[RepoRow] = []
    # Spawned, not forked: go-enry's Go runtime (bench.repos.linguist) does not survive a fork.
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=max(1, args.jobs), mp_context=spawn) as pool:
        # ``assess`` itself, by its module's name: a spawned worker cannot find this __main__'s.
        for row in pool.map(assess, *zip(*jobs, strict=True)) if jobs else ():
            rows.append(row)
            if not args.json:
                print(line(row), flush=True)
    if args.json:
        print(json.dumps([asdict(r) for r in rows], indent=2, default=str))
    else:
        print(summary(rows))
    if args.markdown is not None:
        args.markdown.write_text(markdown(rows) + "\n\n" + summary(rows) + "\n", encoding="utf-8")
    return 0 if rows and all(r.ok for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
