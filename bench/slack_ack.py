"""Slash-command acknowledgement latency of ``riskbrief serve``'s HTTP mode on loopback.

``python -m bench.slack_ack [--rounds 5] [--concurrency 50] [--text brief]``

The app runs as in production (bolt under waitress, on the sample organisation's
scored SQLite store) in a child process. The load comes from httpx in
``--client-processes`` other processes (threads in each), so that the clients'
own interpreter locks do not queue the requests before they are even sent. Each
round fires ``--concurrency`` signed ``/risk`` requests at once (all processes
start on one barrier) and measures, per request, the time until the HTTP
acknowledgement arrives;
the answers themselves go to a local fake Slack's ``response_url`` afterwards and
are waited for before the next round. The target is p99 ≤ 200 ms.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import signal
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from multiprocessing.pool import Pool
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier as BarrierType
from pathlib import Path
from types import FrameType
from urllib.parse import urlencode

import httpx

from fakes.slack_server import FakeSlack, signed_headers

__all__ = ["main", "prepare_sample"]

SECRET = "bench-signing-secret"
AS_OF = date(2026, 11, 23)
# Inside the sample's latest week, so `/risk brief` builds a week full of stories.
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
TARGET_P99_MS = 200.0


def prepare_sample(db: Path) -> None:
    """The sample organisation loaded into a new SQLite store at ``db`` and scored as of AS_OF."""
    from bot.composition.pipeline import score_all
    from data.sample_load import load_sample
    from data.sources.sample import sample_org_config
    from data.store.engine import make_engine, session_scope
    from data.store.migrate import upgrade
    from data.store.org import sync_org

    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    org = sample_org_config()
    with session_scope(engine) as session:
        sync_org(session, org)
    load_sample(engine, org, as_of=AS_OF)
    with session_scope(engine) as session:
        score_all(session, org)
    engine.dispose()


def _serve(db: str, slack_url: str, ports: Queue[int]) -> None:
    """The child process: the app under waitress until SIGTERM."""
    # Waitress warns whenever a request waits for a thread; the figures say it better.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    from bot.runtime.server import HttpServer, wsgi_application
    from bot.settings import Settings
    from bot.slack.app import build_app
    from data.sources.sample import sample_org_config
    from data.store.engine import make_engine

    engine = make_engine(f"sqlite:///{db}")
    settings = Settings(
        slack_bot_token="xoxb-bench", slack_signing_secret=SECRET, slack_api_url=slack_url
    )
    app = build_app(settings, engine, sample_org_config(), clock=lambda: NOW)
    server = HttpServer(wsgi_application(app, engine, signing_secret=SECRET), "127.0.0.1", 0)

    def stop(_signum: int, _frame: FrameType | None) -> None:
        server.stop()

    signal.signal(signal.SIGTERM, stop)
    ports.put(server.port)
    server.run()


def _percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (nearest rank), as Slack's own dashboards count it."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


_client: httpx.Client | None = None
_start_line: BarrierType | None = None


def _client_init(start_line: BarrierType, connections: int) -> None:
    """A load-generator process: one keep-alive client, and the line every process starts on."""
    global _client, _start_line
    _client = httpx.Client(limits=httpx.Limits(max_connections=connections), timeout=30)
    _start_line = start_line


def _fire(url: str, text: str, response_urls: list[str]) -> list[float]:
    """Send one signed `/risk` per response URL at once; the ack latencies in ms."""
    assert _client is not None
    assert _start_line is not None
    client = _client
    bodies = [
        urlencode(
            {
                "command": "/risk",
                "text": text,
                "user_id": "U04VPENG01",
                "team_id": "T0FAKE",
                "channel_id": "C0BENCH",
                "response_url": response_url,
                "trigger_id": f"bench.{i}",
            }
        ).encode()
        for i, response_url in enumerate(response_urls)
    ]
    ready = threading.Barrier(len(bodies))

    def one(body: bytes) -> float:
        # Signed just before sending, as Slack does, so no request is stale.
        headers = signed_headers(SECRET, body)
        ready.wait()
        started = time.perf_counter()
        response = client.post(url, content=body, headers=headers)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
        return elapsed

    _start_line.wait()
    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(one, bodies))


def _round(
    pool: Pool,
    processes: int,
    url: str,
    slack: FakeSlack,
    text: str,
    concurrency: int,
    round_no: int,
) -> tuple[list[float], float]:
    """One burst over every client process: ack latencies in ms, seconds until all answered."""
    ids = [f"{round_no}-{i}" for i in range(concurrency)]
    chunks = [ids[i::processes] for i in range(processes)]
    began = time.perf_counter()
    latencies = [
        ms
        for part in pool.starmap(
            _fire, [(url, text, [slack.response_url(i) for i in chunk]) for chunk in chunks]
        )
        for ms in part
    ]
    for response_id in ids:
        slack.wait_for_response(response_id, timeout=120)
    return latencies, time.perf_counter() - began


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print p50/p99 acknowledgement latency; 1 if p99 misses the target."""
    parser = argparse.ArgumentParser(prog="python -m bench.slack_ack", description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--text", default="brief", help="what follows /risk (default: brief)")
    parser.add_argument(
        "--client-processes",
        type=int,
        default=5,
        help="load-generator processes sharing the concurrent requests (default: 5)",
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp, FakeSlack() as slack:
        db = Path(tmp) / "bench.db"
        print("preparing the sample organisation's store …", flush=True)
        prepare_sample(db)
        context = multiprocessing.get_context("spawn")
        ports: Queue[int] = context.Queue()
        child = context.Process(target=_serve, args=(str(db), slack.base_url, ports))
        child.start()
        try:
            url = f"http://127.0.0.1:{ports.get(timeout=60)}/slack/events"
            everything: list[float] = []
            processes = max(1, min(args.client_processes, args.concurrency))
            start_line = context.Barrier(processes)
            with context.Pool(
                processes, initializer=_client_init, initargs=(start_line, args.concurrency)
            ) as pool:
                # A warm-up burst, not counted: first imports and connection set-up.
                _round(pool, processes, url, slack, args.text, args.concurrency, 0)
                for n in range(1, args.rounds + 1):
                    latencies, answered = _round(
                        pool, processes, url, slack, args.text, args.concurrency, n
                    )
                    everything += latencies
                    print(
                        f"round {n}: {args.concurrency} concurrent `/risk {args.text}` · "
                        f"ack p50 {statistics.median(latencies):6.1f} ms · "
                        f"p99 {_percentile(latencies, 99):6.1f} ms · "
                        f"max {max(latencies):6.1f} ms · all answered in {answered:5.2f} s"
                    )
        finally:
            child.terminate()
            child.join(timeout=10)
    p50, p99 = statistics.median(everything), _percentile(everything, 99)
    verdict = "meets" if p99 <= TARGET_P99_MS else "MISSES"
    print(
        f"acknowledgement over {len(everything)} requests: p50 {p50:.1f} ms, p99 {p99:.1f} ms "
        f"({verdict} the p99 ≤ {TARGET_P99_MS:.0f} ms target)"
    )
    return 0 if p99 <= TARGET_P99_MS else 1


if __name__ == "__main__":
    sys.exit(main())
