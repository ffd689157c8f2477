"""History features and scores for a million synthetic changes, on one core.

Run with ``python -m bench.scoring [--changes N]``. Changes are generated one
at a time (five files on average, drawn with a skew from a pool of files in
services and directories, by a few thousand authors, some of them agents,
some reviewed, some fixes) and streamed through ``History`` and
``score_change`` exactly as ``score_changes`` does, keeping only a histogram
of the scores, so the figure is the scorer's, not the generator's memory.
Target: 1,000,000 changes in ≤ 60 s and ≤ 1 GB peak memory.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from scoring.config import ScoringConfig
from scoring.facts import ChangeFacts, FileChange, IncidentFacts, Review, ReviewState
from scoring.history import History
from scoring.risk import Band, iter_scores

__all__ = ["main", "synthetic_changes"]

_START = datetime(2020, 1, 6, 9, tzinfo=UTC)
_SERVICES = 40
_DIRS_PER_SERVICE = 50
_FILES_PER_DIR = 40
_AUTHORS = 3_000


def synthetic_changes(n: int, seed: int = 1) -> Iterator[ChangeFacts]:
    """``n`` changes in merge order, about five files each, deterministic per seed."""
    rng = random.Random(seed)
    at = _START
    for i in range(n):
        at += timedelta(seconds=rng.randint(30, 150))
        service = min(int(rng.paretovariate(1.2)) - 1, _SERVICES - 1)
        files: list[FileChange] = []
        for _ in range(max(1, min(60, int(rng.expovariate(1 / 5)) + 1))):
            d = min(int(rng.paretovariate(1.1)) - 1, _DIRS_PER_SERVICE - 1)
            f = rng.randrange(_FILES_PER_DIR)
            path = f"svc{service}/d{d}/{'test_' if f % 9 == 0 else ''}f{f}.py"
            files.append(
                FileChange(
                    path,
                    int(rng.expovariate(1 / 30)),
                    int(rng.expovariate(1 / 10)),
                    f"svc{service}",
                    ("@team",) if f % 4 else (),
                )
            )
        author = f"dev{min(int(rng.paretovariate(0.8)), _AUTHORS)}"
        reviewed = rng.random() < 0.8
        reviews = (
            (Review("reviewer", ReviewState.APPROVED, at - timedelta(minutes=30)),)
            if reviewed
            else ()
        )
        yield ChangeFacts(
            key=f"r#{i}",
            repository="r",
            title="change",
            author=author,
            merged_at=at,
            files=tuple(files),
            author_is_agent=author == "dev1" and i % 3 == 0,
            opened_at=at - timedelta(hours=2),
            reviews=reviews,
            is_fix=rng.random() < 0.2,
        )


def _incidents(n: int) -> list[IncidentFacts]:
    rng = random.Random(2)
    span = n * 90
    return [
        IncidentFacts(
            f"INC-{k}",
            f"svc{rng.randrange(_SERVICES)}",
            "outage",
            _START + timedelta(seconds=rng.randrange(span)),
        )
        for k in range(max(1, n // 2_000))
    ]


def run(n: int) -> tuple[float, float, dict[Band, int]]:
    """Seconds spent in history and scoring, the generator's seconds, and the band counts."""
    config = ScoringConfig()
    history = History(lookback_days=config.incident_lookback_days)
    history.add_incidents(_incidents(n))
    bands = dict.fromkeys(Band, 0)
    generating_s = 0.0

    def timed_changes() -> Iterator[ChangeFacts]:
        nonlocal generating_s
        changes = synthetic_changes(n)
        while True:
            t0 = time.perf_counter()
            change = next(changes, None)
            generating_s += time.perf_counter() - t0
            if change is None:
                return
            yield change

    started = time.perf_counter()
    for score in iter_scores(timed_changes(), history, config):
        bands[score.band] += 1
    return time.perf_counter() - started - generating_s, generating_s, bands


def main(argv: list[str] | None = None) -> int:
    """Score the synthetic changes and print time and peak memory."""
    parser = argparse.ArgumentParser(prog="python -m bench.scoring", description=__doc__)
    parser.add_argument("--changes", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    scoring_s, generating_s, bands = run(args.changes)
    total = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"changes                 {args.changes:>12,}")
    each = 1e6 * scoring_s / args.changes
    print(f"history + scoring       {scoring_s:>11.1f} s  ({each:.1f} µs each)")
    print(f"generating the changes  {generating_s:>11.1f} s")
    print(f"wall clock              {total:>11.1f} s")
    print(f"peak memory (RSS)       {peak_mb:>11.0f} MB")
    print("bands                   " + ", ".join(f"{b} {c:,}" for b, c in bands.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
