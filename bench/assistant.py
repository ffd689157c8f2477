"""``python -m bench.assistant [--questions 50]``: time to the first streamed words in the pane.

The Slack app runs in this process as in production (bolt under the production HTTP
server, on the sample organisation's scored SQLite store) with an Anthropic key whose
base URL is the fake Messages API (``fakes.anthropic_server``: it answers at once, so
the figure is riskbrief's own share: the event's ack, the tool calls into the store,
the grounding check and the Slack calls). Each of ``--questions`` plain-word questions
is sent as a signed DM event, one after another; the fake model calls one of the tools
(the week's briefing, a service's record, a deploy, an incident, the review plan) and
answers with its figures. Per question: the time from sending the event to the first
``chat.startStream`` text the fake Slack received. Target: p95 ≤ 2 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.slack_ack import prepare_sample
from fakes.anthropic_server import FakeAnthropic
from fakes.anthropic_tools import AskPlan
from fakes.slack_server import FakeSlack, signed_headers

__all__ = ["main"]

SECRET = "bench-signing-secret"
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
VP = "U04VPENG01"
TARGET_P95_S = 2.0
# What the fake model calls, in turn, one question after another.
PLANS = (
    AskPlan("good", "service_record", {"service": "payments"}),
    AskPlan("good", "briefing", {}),
    AskPlan("good", "deploy_risk", {"service": "checkout"}),
    AskPlan("good", "incident_culprits", {"incident": "INC-1039"}),
    AskPlan("good", "review_plan", {}),
)


def _percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (nearest rank)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def _event(n: int, text: str) -> bytes:
    ts = f"1763726400.{n:06d}"
    event = {
        "type": "message",
        "channel": f"D0BENCH{n:04d}",
        "channel_type": "im",
        "user": VP,
        "text": text,
        "ts": ts,
        "event_ts": ts,
    }
    body = {
        "token": "legacy-unused",
        "team_id": "T0FAKE",
        "api_app_id": "A0RISK",
        "type": "event_callback",
        "event_id": f"EvBench{n}",
        "event_time": 1763726400,
        "event": event,
    }
    return json.dumps(body).encode()


def _first_words(slack: FakeSlack, channel: str, timeout: float) -> tuple[float, dict[str, Any]]:
    """When the first streamed text reached ``channel`` (monotonic), and the message."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in slack.messages(channel):
            if message.get("streamed"):
                return message["streamed"][0][0], message
            if "streamed" not in message:
                raise RuntimeError(f"{channel} got a posted answer, not a stream: {message}")
        time.sleep(0.002)
    raise RuntimeError(f"no answer in {channel} within {timeout} s")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print p50/p95 to the first streamed words; 1 if p95 misses 2 s."""
    parser = argparse.ArgumentParser(prog="python -m bench.assistant", description=__doc__)
    parser.add_argument("--questions", type=int, default=50)
    args = parser.parse_args(argv)

    from bot.mcp.toolbox import McpTools
    from bot.runtime.server import EVENTS_PATH, HttpServer, wsgi_application
    from bot.settings import Settings
    from bot.slack.app import build_app
    from data.sources.sample import sample_org_config
    from data.store.engine import make_engine

    with tempfile.TemporaryDirectory() as tmp, FakeSlack() as slack, FakeAnthropic() as claude:
        db = Path(tmp) / "bench.db"
        print("preparing the sample organisation's store …", flush=True)
        prepare_sample(db)
        engine = make_engine(f"sqlite:///{db}")
        org = sample_org_config()
        settings = Settings(
            slack_bot_token="xoxb-bench",
            slack_signing_secret=SECRET,
            slack_api_url=slack.base_url,
            anthropic_api_key="sk-ant-bench",
            anthropic_base_url=claude.url,
        )
        tools = McpTools(engine, org).for_access
        app = build_app(settings, engine, org, clock=lambda: NOW, tools=tools)
        server = HttpServer(wsgi_application(app, engine, signing_secret=SECRET), "127.0.0.1", 0)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        latencies: list[float] = []
        try:
            with httpx.Client(timeout=30) as client:
                for n in range(1, args.questions + 1):
                    question = f"question {n}: what should I know?"
                    claude.plan(question, PLANS[n % len(PLANS)])
                    body = _event(n, question)
                    headers = signed_headers(SECRET, body, content_type="application/json")
                    sent = time.monotonic()
                    response = client.post(server.url + EVENTS_PATH, content=body, headers=headers)
                    if response.status_code != 200:
                        raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
                    first, _ = _first_words(slack, f"D0BENCH{n:04d}", timeout=30)
                    latencies.append(first - sent)
        finally:
            server.stop()
            thread.join(timeout=5)
            engine.dispose()
    p50, p95 = statistics.median(latencies), _percentile(latencies, 95)
    print(
        f"{len(latencies)} questions, time to the first streamed words: "
        f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms "
        f"(target p95 ≤ {TARGET_P95_S:.0f} s)"
    )
    return 0 if p95 <= TARGET_P95_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
