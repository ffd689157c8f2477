"""The week each reader briefs by default on quickstart's store, asked as a user asks it:
``riskbrief brief``, ``riskbrief ask brief``, MCP's ``briefing`` tool over stdio and the web
view's week page, each with no week given.

Each answer is read from what the reader shows (the ``Week 2026-W47`` footer of a briefing's
text, the MCP answer's ``week``, the web page's title); a reader that fails or names no week
answers ``None``, and the invariant counts it as disagreeing.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

__all__ = ["default_weeks", "week_in"]

_WEEK = re.compile(r"^Week (\d{4}-W\d\d)\b", re.MULTILINE)
_TITLE = re.compile(r"<title>[^<]*: week (\d{4}-W\d\d)")
_SECRETS = ("ANTHROPIC_API_KEY", "GITHUB_TOKEN", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
_TIMEOUT = 300


def week_in(text: str) -> str | None:
    """The week a briefing's text names in its ``Week YYYY-Www`` line, else ``None``."""
    found = _WEEK.search(text)
    return found.group(1) if found else None


def _env(scratch: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SECRETS}
    return env | {
        "RISKBRIEF_CONFIG": str(scratch / "riskbrief.toml"),
        "RISKBRIEF_DATABASE_URL": f"sqlite:///{scratch / 'riskbrief.db'}",
    }


def _riskbrief() -> str:
    return str(Path(sys.executable).with_name("riskbrief"))


def _cli(scratch: Path, *args: str) -> str | None:
    done = subprocess.run(
        [_riskbrief(), *args], cwd=scratch, env=_env(scratch), capture_output=True, text=True,
        check=False, timeout=_TIMEOUT,
    )  # fmt: skip
    return week_in(done.stdout) if done.returncode == 0 else None


async def _mcp(scratch: Path) -> str | None:
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    params = StdioServerParameters(
        command=_riskbrief(), args=["mcp"], env=_env(scratch), cwd=str(scratch)
    )
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        answer = await session.call_tool("briefing", {})
    data = getattr(answer, "structured_content", None)
    if data is None and answer.content:
        data = json.loads(getattr(answer.content[0], "text", "null") or "null")
    week = data.get("week") if isinstance(data, dict) else None
    return str(week) if week else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _web(scratch: Path) -> str | None:
    """The week of ``riskbrief web``'s week page, served on a loopback port for one request."""
    port = _free_port()
    server = subprocess.Popen(
        [_riskbrief(), "web", "--port", str(port)], cwd=scratch, env=_env(scratch),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            try:
                url = f"http://127.0.0.1:{port}/web/week"
                with urllib.request.urlopen(url, timeout=_TIMEOUT) as page:
                    found = _TITLE.search(page.read().decode("utf-8", "replace"))
                    return found.group(1) if found else None
            except OSError:
                time.sleep(0.5)
        return None
    finally:
        server.terminate()
        server.wait(timeout=30)


def default_weeks(scratch: Path) -> dict[str, str | None]:
    """Each reader's default week on the store and configuration in ``scratch``."""
    out: dict[str, str | None] = {}
    out["brief"] = _cli(scratch, "brief", "--out", str(scratch / "out-brief"))
    out["ask brief"] = _cli(scratch, "ask", "brief")
    try:
        out["mcp briefing"] = asyncio.run(_mcp(scratch))
    except Exception:  # a server that cannot answer is a reader with no week
        out["mcp briefing"] = None
    out["web"] = _web(scratch)
    return out
