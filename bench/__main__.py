"""Benchmarks, run by hand with ``make bench``; figures go to the README, not to tests."""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from datetime import time as dtime
from pathlib import Path
from typing import TypeVar

from sqlmodel import col, select

from bot.composition.compose import compose
from bot.composition.pipeline import score_all
from briefing.week import IsoWeek
from data.sample_load import load_sample
from data.sources.sample import sample_org_config
from data.store.engine import make_engine, session_scope
from data.store.migrate import upgrade
from data.store.org import sync_org
from data.store.tables import Subscriber

T = TypeVar("T")


def _timed(label: str, fn: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = fn()
    print(f"{label:<34} {time.perf_counter() - start:8.3f} s")
    return result


def demo_pipeline(as_of: date) -> None:
    """Time each stage of `riskbrief demo` on the sample organisation."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        _timed("migrate", lambda: upgrade(engine))
        org = sample_org_config()
        now = datetime.combine(as_of, dtime(23, 59), tzinfo=UTC)
        with session_scope(engine) as session:
            sync_org(session, org)
        summary = _timed("load sample", lambda: load_sample(engine, org, as_of=as_of))
        with session_scope(engine) as session:
            _timed("link + score", lambda: score_all(session, org))
            subs = list(session.exec(select(Subscriber).order_by(col(Subscriber.key))))
            _timed(
                f"compose {len(subs)} briefings",
                lambda: [
                    compose(session, org, s, IsoWeek.last_complete(now, s.timezone)) for s in subs
                ],
            )
        engine.dispose()
    print(
        f"sample: {summary.changes} changes, {summary.deploys} deploys, "
        f"{summary.incidents} incidents"
    )
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak RSS {peak_kib / 1024:.0f} MiB")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 23))
    args = parser.parse_args(argv)
    demo_pipeline(args.as_of)
    return 0


if __name__ == "__main__":
    sys.exit(main())
