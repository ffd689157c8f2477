"""Webhook received → GitLab commit status, → Bitbucket Code Insights report, on 127.0.0.1.

``python -m bench.host_checks [--deliveries 60] [--hosts gitlab,cloud,dc]``

The worlds are the check tests' (``fakes/gitlab_check_world.py``,
``fakes/bitbucket_check_world.py``): the sample organisation (422 merged changes,
12 weeks) in a migrated SQLite store, loaded once and copied for each host; a fake
GitLab or Bitbucket (Cloud, or Data Center) over real HTTP; and ``riskbrief
serve``'s WSGI application under waitress with that host's webhook on. Deliveries
go one at a time, as the host sends them (GitLab with its secret token, Bitbucket
signed): a third open a new merge or pull request, the rest push a new head to it
(GitLab ``update`` with ``oldrev``, Cloud ``pullrequest:updated``, DC
``pr:from_ref_updated``), so every one reads the change from the host, stores it,
reads the history, scores it and writes a commit status or a report (with its
annotations). The work is inline, so a delivery's HTTP answer comes after the
status or report exists; each answer's round trip is that latency, measured as
``bench.pr_check`` measures GitHub's check run. The target is p95 ≤ 2 s. It exits
1 when a host misses it or a delivery is not answered ``checked``.
"""

from __future__ import annotations

import argparse
import functools
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import structlog

from data.store.engine import make_engine
from data.store.migrate import upgrade
from fakes.bitbucket_check_world import bitbucket_world, pr_payload, risky_pr
from fakes.check_world import NOW, load_world
from fakes.gitlab_check_world import gitlab_world, mr_payload, risky_mr

__all__ = ["main"]

TARGET_P95_S = 2.0
# What a host's answer says it published, and the event a push sends, per host.
_PUBLISHED = {"gitlab": "status", "cloud": "report", "dc": "report"}
_PUSHED = {"cloud": "pullrequest:updated", "dc": "pr:from_ref_updated"}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def _head(i: int) -> str:
    # Cloud names a commit by its first 12 hex: each head must differ there.
    return f"{i + 1:08x}" * 5


def _when(i: int) -> Any:
    # Each delivery a second later than the last, all before the world's now: a later
    # head is never taken for a late, older one.
    return NOW - timedelta(minutes=5) + timedelta(seconds=i)


def _gitlab(engine: Any, n: int) -> tuple[list[float], int, int]:
    """GitLab: latencies, statuses set, requests to the fake."""
    times: list[float] = []
    with gitlab_world(engine) as world:
        iid, mr = 9000, None
        for i in range(n):
            if mr is None or i % 3 == 0:
                iid += 1
                mr = world.add(risky_mr(iid, _head(i)))
                mr.updated_at = _when(i)
                payload = mr_payload(mr)
            else:
                old, mr.sha, mr.updated_at = mr.sha, _head(i), _when(i)
                payload = mr_payload(mr, "update", oldrev=old)
            times.append(_timed(functools.partial(world.deliver, payload), i, "gitlab"))
        return times, len(world.gitlab.statuses), len(world.gitlab.server.requests)


def _bitbucket(engine: Any, n: int, edition: Any) -> tuple[list[float], int, int]:
    """Bitbucket Cloud or Data Center: latencies, reports put, requests to the fake."""
    times: list[float] = []
    with bitbucket_world(engine, edition) as world:
        number, pr = 9000, None
        for i in range(n):
            event = None
            if pr is None or i % 3 == 0:
                number += 1
                pr = world.add(risky_pr(number, _head(i)))
            else:
                pr.head, event = _head(i), _PUSHED[edition]
            pr.updated_at = _when(i)
            payload = pr_payload(edition, pr)
            times.append(_timed(functools.partial(world.deliver, payload, event=event), i, edition))
        return times, len(world.reports()), len(world.bitbucket.server.requests)


def _timed(send: Callable[[], httpx.Response], i: int, host: str) -> float:
    start = time.perf_counter()
    answer = send()
    took = time.perf_counter() - start
    body = answer.json() if answer.status_code == 200 else {}
    if body.get("status") != "checked" or body.get("published") != _PUBLISHED[host]:
        raise SystemExit(f"{host} delivery {i} was answered {answer.status_code}: {answer.text}")
    return took


def main(argv: list[str] | None = None) -> None:
    """Send each host's deliveries and print the latencies."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=60)
    parser.add_argument("--hosts", default="gitlab,cloud,dc")
    args = parser.parse_args(argv)
    # The check logs each delivery at info; the bench's own lines are what it is for.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(30))
    missed: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "loaded.db"
        engine = make_engine(f"sqlite:///{template}")
        upgrade(engine)
        start = time.perf_counter()
        load_world(engine)
        with engine.connect() as conn:
            # Fold the WAL into the file so a plain copy of it is the whole store.
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        print(f"sample store loaded in {time.perf_counter() - start:.1f} s")
        for host in args.hosts.split(","):
            path = Path(tmp) / f"{host}.db"
            shutil.copyfile(template, path)
            store = make_engine(f"sqlite:///{path}")
            if host == "gitlab":
                times, written, asked = _gitlab(store, args.deliveries)
                what = "commit status"
            else:
                times, written, asked = _bitbucket(store, args.deliveries, host)
                what = f"Code Insights report ({'Cloud' if host == 'cloud' else 'DC'})"
            store.dispose()
            p50, p95 = statistics.median(times), _percentile(times, 0.95)
            print(
                f"{host}: webhook → {what}: deliveries {len(times)}, written {written}; "
                f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {max(times) * 1000:.0f} ms "
                f"(target p95 ≤ {TARGET_P95_S:.0f} s); {asked / len(times):.1f} requests "
                "to the host a delivery"
            )
            if p95 > TARGET_P95_S:
                missed.append(f"{host} p95 {p95:.2f} s > {TARGET_P95_S:.0f} s")
    for line in missed:
        print(f"MISSED: {line}")
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
