"""``python -m bench.mcp_calls [--calls N] [--out DIR]``: p50/p99 of each MCP tool call over stdio.

Writes the demo organisation (``riskbrief demo --as-of 2026-11-23``) into ``--out``
(a temporary folder by default), starts ``riskbrief mcp --demo`` as a coding agent
does, through the MCP SDK's own stdio client, and times ``--calls`` calls of every
tool on the demo's last week, each a round trip (request written, answer read and
checked against its output schema by the client). The demo has no open pull
requests, so ``OPEN_PULLS`` of them are added and scored first. The first call of
each tool is timed apart (``first``): it pays for imports and caches. Target: p99 <=
100 ms.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio
from mcp import Client
from mcp.client.stdio import StdioServerParameters

__all__ = ["main"]

WEEK = "2026-W47"
_DIFF = """\
--- a/services/payments/api.py
+++ b/services/payments/api.py
@@ -1,2 +1,4 @@
 def pay(order):
+    check(order)
+    record(order)
     return charge(order)
"""
CALLS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("change_risk", {"change": "acme/platform#4503"}),
    ("proposal_risk", {"diff": _DIFF, "author": "tbauer"}),
    ("open_pull_requests", {}),
    ("service_record", {"service": "checkout", "week": WEEK}),
    ("briefing", {"week": WEEK}),
    ("agent_activity", {"week": WEEK}),
    ("deploy_risk", {"service": "checkout"}),
    ("incident_culprits", {"incident": "INC-1039"}),
    ("review_plan", {"as_of": "2026-11-23"}),
)


# Open pull requests added to the demo, each touching a few files of one service.
OPEN_PULLS = 30


def _add_open_pulls(out: Path) -> None:
    """Ingest ``OPEN_PULLS`` open pull requests into the demo store and score them as of now."""
    from datetime import UTC, datetime

    from bot.composition.pipeline import score_open
    from data.ingest import Ingest
    from data.source_values import SourceChange, SourceChangeFile
    from data.sources.sample import sample_org_config
    from data.store.engine import make_engine, session_scope

    services = ("payments", "checkout", "search", "notifications", "identity")
    now = datetime.now(UTC)
    records = [
        SourceChange(
            key=f"acme/platform#{9000 + n}",
            repository="acme/platform",
            author="copilot-swe-agent[bot]" if n % 3 == 0 else "tbauer",
            merged_at=now,
            title=f"Open change {n}",
            number=9000 + n,
            files=tuple(
                SourceChangeFile(f"services/{services[n % 5]}/mod{n}_{i}.py", 10 * (n + 1), 3)
                for i in range(1 + n % 4)
            ),
            state="open",
            updated_at=now,
            head_sha=f"{n:040x}",
        )
        for n in range(OPEN_PULLS)
    ]
    org = sample_org_config()
    engine = make_engine(f"sqlite:///{out / 'demo.db'}")
    try:
        with session_scope(engine) as session:
            Ingest(session, org).changes(records)
        with session_scope(engine) as session:
            score_open(session, org, now)
    finally:
        engine.dispose()


def _p99(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


async def _time(out: Path, n: int) -> dict[str, tuple[float, list[float]]]:
    script = str(Path(sys.executable).with_name("riskbrief"))
    params = StdioServerParameters(command=script, args=["mcp", "--demo", "--demo-dir", str(out)])
    timings: dict[str, tuple[float, list[float]]] = {}
    async with Client(params) as client:
        await client.list_tools()
        for name, args in CALLS:
            start = time.perf_counter()
            result = await client.call_tool(name, args)
            first = time.perf_counter() - start
            assert not result.is_error, result.content
            times = []
            for _ in range(n):
                start = time.perf_counter()
                result = await client.call_tool(name, args)
                times.append(time.perf_counter() - start)
                assert not result.is_error, result.content
            timings[name] = (first, times)
    return timings


def main() -> None:
    """Write the demo, time every tool, print one line per tool."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        if not (out / "demo.db").exists():
            script = str(Path(sys.executable).with_name("riskbrief"))
            subprocess.run(
                [script, "demo", "--out", str(out), "--as-of", "2026-11-23"],
                check=True,
                capture_output=True,
            )
            _add_open_pulls(out)
        timings = anyio.run(_time, out, args.calls)
    print(f"MCP tool calls over stdio, demo store, {args.calls} calls each (ms):")
    for name, (first, times) in timings.items():
        ms = [t * 1000 for t in times]
        print(
            f"  {name:<20} p50 {statistics.median(ms):7.1f}  p99 {_p99(ms):7.1f}  "
            f"max {max(ms):7.1f}  first {first * 1000:7.1f}"
        )


if __name__ == "__main__":
    main()
