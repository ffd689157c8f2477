"""The MCP SDK's own client, driven from a plain test: one session, a list of calls, the answers."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import anyio
import httpx2
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp_types import CallToolResult, TextContent, Tool

__all__ = ["Answer", "Session", "over_http", "over_stdio", "strings"]


@dataclass(frozen=True, slots=True)
class Answer:
    """One tool call's result: its structured content, or its error text."""

    structured: dict[str, Any] | None
    error: str | None

    @staticmethod
    def of(result: CallToolResult) -> Answer:
        """The answer ``result`` carries."""
        if result.is_error:
            text = " ".join(c.text for c in result.content if isinstance(c, TextContent))
            return Answer(None, text)
        return Answer(result.structured_content, None)

    @property
    def data(self) -> dict[str, Any]:
        """The structured content of a successful call."""
        assert self.error is None, self.error
        assert self.structured is not None
        return self.structured


@dataclass(frozen=True, slots=True)
class Session:
    """The tools a server listed and its answers to the calls, in order."""

    tools: dict[str, Tool]
    answers: list[Answer]


async def _run(client: Client, calls: Sequence[tuple[str, dict[str, Any]]]) -> Session:
    async with client as c:
        listed = await c.list_tools()
        answers = [Answer.of(await c.call_tool(name, args)) for name, args in calls]
        return Session({t.name: t for t in listed.tools}, answers)


def over_stdio(
    args: Sequence[str],
    calls: Sequence[tuple[str, dict[str, Any]]],
    env: dict[str, str],
    cwd: str | None = None,
) -> Session:
    """Start ``riskbrief <args>`` as the SDK's stdio client does (in ``cwd``, as an agent
    starts it from its own folder), list its tools, make ``calls``."""
    import sys
    from pathlib import Path

    script = str(Path(sys.executable).with_name("riskbrief"))
    params = StdioServerParameters(command=script, args=list(args), env=env, cwd=cwd)
    return anyio.run(_run, Client(params, read_timeout_seconds=60), calls)


def over_http(url: str, token: str, calls: Sequence[tuple[str, dict[str, Any]]]) -> Session:
    """Open an MCP session at ``url`` with ``token`` as its bearer, list tools, make ``calls``."""

    async def go() -> Session:
        async with httpx2.AsyncClient(
            headers={"Authorization": f"Bearer {token}"}, timeout=60
        ) as http:
            return await _run(Client(streamable_http_client(url, http_client=http)), calls)

    return anyio.run(go)


def strings(value: Any) -> Iterator[tuple[str, str]]:
    """Every string in a JSON value, with the path of the field that holds it."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, v = stack.pop()
        if isinstance(v, str):
            yield path, v
        elif isinstance(v, dict):
            stack.extend((f"{path}.{k}", x) for k, x in v.items())
        elif isinstance(v, list):
            stack.extend((f"{path}[{i}]", x) for i, x in enumerate(v))
