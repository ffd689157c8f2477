"""History features and scores for a million synthetic changes, on one core.

Run with ``python -m bench.scoring [--changes N]``. Changes are generated one
at a time (five files on average, drawn with a skew from a pool of files in
services and directories, by a few thousand authors, some of them agents,
some reviewed, some fixes) and streamed through ``History`` and
``score_change`` exactly as ``score_changes`` does, keeping only a histogram
of the scores, so the figure is the scorer's, not the generator's memory.
``--stored`` also reads every signal's explanation, as ``data.store.facts`` does.
It prints how many changes scored each whole score, so a speed change that must
not move any score can be checked on the whole million; ``--digest`` also hashes
every score, band and signal's points (exact floats), which costs time of its own.
Target: 1,000,000 changes in ≤ 60 s and ≤ 1 GB peak memory. CPU time is
printed beside wall time because the machines it runs on are shared.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import random
import resource
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from scoring.config import ScoringConfig
from scoring.facts import ChangeFacts, FileChange, IncidentFacts, Review, ReviewState
from scoring.history import History
from scoring.risk import Band, iter_scores

__all__ = ["Timings", "main", "run", "synthetic_changes"]

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


@dataclass(frozen=True, slots=True)
class Timings:
    """Where the time went: scoring (history + scores) and generating, in CPU and wall seconds."""

    scoring_cpu_s: float
    scoring_wall_s: float
    generating_cpu_s: float
    generating_wall_s: float
    bands: dict[Band, int]
    # How many changes scored each whole score, 0 to 100.
    scores: tuple[int, ...] = ()
    # SHA-256 of every change's score, band and signals' points (``run(digest=True)``).
    digest: str | None = None


# Changes are generated in batches, timed apart from the scoring: reading the
# CPU clock per change would cost as much as a signal.
_BATCH = 1_000


def run(n: int, stored: bool = False, digest: bool = False) -> Timings:
    """Score ``n`` synthetic changes; with ``stored``, also read every signal's explanation;
    with ``digest``, hash every score, band and signal's points."""
    config = ScoringConfig()
    history = History(lookback_days=config.incident_lookback_days)
    history.add_incidents(_incidents(n))
    bands = dict.fromkeys(Band, 0)
    scores = [0] * 101
    sha = hashlib.sha256() if digest else None
    generating_cpu = generating_wall = 0.0

    def timed_changes() -> Iterator[ChangeFacts]:
        nonlocal generating_cpu, generating_wall
        changes = synthetic_changes(n)
        while True:
            cpu, wall = time.process_time(), time.perf_counter()
            batch = list(itertools.islice(changes, _BATCH))
            generating_cpu += time.process_time() - cpu
            generating_wall += time.perf_counter() - wall
            if not batch:
                return
            yield from batch

    cpu, wall = time.process_time(), time.perf_counter()
    for score in iter_scores(timed_changes(), history, config):
        bands[score.band] += 1
        scores[score.score] += 1
        if sha is not None:
            # ``repr`` of a float is exact: any change in the last bit changes the digest.
            sha.update(f"{score.score} {score.band}".encode())
            for signal in score.signals:
                sha.update(f" {signal.name} {signal.points!r}".encode())
            sha.update(b"\n")
        if stored:
            # The store saves every signal with its explanation; reading them
            # all makes the figure include any text the scorer would defer.
            for signal in score.signals:
                signal.explanation  # noqa: B018
    return Timings(
        time.process_time() - cpu - generating_cpu,
        time.perf_counter() - wall - generating_wall,
        generating_cpu,
        generating_wall,
        bands,
        tuple(scores),
        None if sha is None else sha.hexdigest(),
    )


def main(argv: list[str] | None = None) -> int:
    """Score the synthetic changes and print CPU and wall time and peak memory."""
    parser = argparse.ArgumentParser(prog="python -m bench.scoring", description=__doc__)
    parser.add_argument("--changes", type=int, default=1_000_000)
    parser.add_argument(
        "--stored",
        action="store_true",
        help="also read every signal's explanation, as storing the scores does",
    )
    parser.add_argument(
        "--digest",
        action="store_true",
        help="also print a SHA-256 of every score, band and signal's points (slower)",
    )
    args = parser.parse_args(argv)
    cpu, wall = time.process_time(), time.perf_counter()
    t = run(args.changes, args.stored, args.digest)
    total_cpu, total_wall = time.process_time() - cpu, time.perf_counter() - wall
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    each = 1e6 * t.scoring_cpu_s / args.changes
    print(f"changes                 {args.changes:>12,}")
    print(f"history + scoring, CPU  {t.scoring_cpu_s:>11.1f} s  ({each:.1f} µs each)")
    print(f"history + scoring, wall {t.scoring_wall_s:>11.1f} s")
    print(f"generating, CPU / wall  {t.generating_cpu_s:>11.1f} s / {t.generating_wall_s:.1f} s")
    print(f"total, CPU / wall       {total_cpu:>11.1f} s / {total_wall:.1f} s")
    print(f"peak memory (RSS)       {peak_mb:>11.0f} MB")
    print("bands                   " + ", ".join(f"{b} {c:,}" for b, c in t.bands.items()))
    # Ten scores a line, 0–9 first: a speed change must leave every count as it was.
    for tens in range(0, 101, 10):
        counts = " ".join(f"{c:>7}" for c in t.scores[tens : tens + 10])
        span = f"{tens}–{tens + 9}" if tens < 100 else "100"
        print(f"scores {span:<17}{counts}")
    if t.digest is not None:
        print(f"digest (SHA-256)        {t.digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
