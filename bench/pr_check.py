"""Webhook received → `riskbrief` check run created, against the fake GitHub on 127.0.0.1.

``python -m bench.pr_check [--deliveries 60] [--postgres URL]``

The world is the tests' (``fakes/check_world.py``): the sample organisation
(422 merged changes, 12 weeks) in a migrated SQLite store, a fake GitHub (REST
and GraphQL, an App installed) and ``riskbrief serve``'s WSGI application under
waitress with the webhook on. Deliveries go one at a time, signed as GitHub signs
them: a third ``opened`` (a new pull request), the rest ``synchronize`` to a new
head, so every one fetches the PR, reads CODEOWNERS, stores it, reads the
history, scores it with advice and creates a check run. The work is inline, so a
delivery's HTTP answer comes after its check run exists; each answer's
round trip is that latency. The target is p95 ≤ 2 s (GitHub waits 10 s).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import structlog

from data.store.engine import make_engine
from data.store.migrate import upgrade
from fakes.check_world import REPO, pull_payload, risky_pull, world_of

__all__ = ["main"]

TARGET_P95_S = 2.0


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def main() -> None:
    """Send the deliveries and print the latencies."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=60)
    parser.add_argument("--postgres", default=None, help="a PostgreSQL URL instead of SQLite")
    args = parser.parse_args()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(30))
    with tempfile.TemporaryDirectory() as tmp:
        url = args.postgres or f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = make_engine(url)
        upgrade(engine)
        with world_of(engine) as world:
            times: list[float] = []
            number = 9000
            for i in range(args.deliveries):
                if i % 3 == 0:
                    number += 1
                    pull = risky_pull(number, f"{i + 1:040x}")
                    world.graphql.add(REPO, [pull])
                    action = "opened"
                else:
                    pull = world.graphql.update(REPO, number, head_oid=f"{i + 1:040x}")
                    action = "synchronize"
                start = time.perf_counter()
                answer = world.deliver(pull_payload(pull, action))
                times.append(time.perf_counter() - start)
                if answer.status_code != 200 or answer.json()["published"] != "created":
                    raise SystemExit(
                        f"delivery {i} was answered {answer.status_code}: {answer.text}"
                    )
            runs = len(world.check_runs())
            points = world.graphql.points_used
            rest = len(world.rest.server.requests) - len(world.graphql.queries)
        engine.dispose()
    p50, p95 = statistics.median(times), _percentile(times, 0.95)
    print(f"deliveries {len(times)}, check runs created {runs}")
    print(
        f"webhook → check run: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"max {max(times) * 1000:.0f} ms (target p95 ≤ {TARGET_P95_S:.0f} s)"
    )
    print(
        f"per delivery: {points / len(times):.2f} GraphQL points, "
        f"{rest / len(times):.1f} REST requests"
    )


if __name__ == "__main__":
    main()
