"""`/mcp` under a fuzzer, with a valid bearer token: bodies that are not one JSON-RPC message
are a 400 of one sentence before the SDK reads them; tool calls with arguments of the wrong
kind or form are the tool's error of one sentence. Nothing is stored, nothing logged with a
traceback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from bot.answers.access import TokenTable
from bot.mcp.http import MCP_PATH, McpHttp
from bot.runtime.server import HttpServer, wsgi_application
from tests.bot.mcp.conftest import registered_tools
from tests.doors import JSON, WRONG, broken, door_settings, no_traceback, store_digest
from tests.samples import SampleTemplate

TOKEN = "mcp-fuzz-token-0123456789abcdef"
HEADERS = {
    "Authorization": f"Bearer {TOKEN}",
    "Accept": "application/json, text/event-stream",
    "Content-Type": "application/json",
}
# How many generated messages and tool calls `/mcp` takes in `make test` (docs/hardening.md).
MESSAGE_EXAMPLES = 80
CALL_EXAMPLES = 50
TOOLS = list(registered_tools())


@pytest.fixture(scope="module")
def served(
    scored_sample: SampleTemplate, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Engine]]:
    """`/mcp` on a copy of the scored sample, served in-process, the whole organisation's token."""
    loaded = scored_sample.copy(tmp_path_factory.mktemp("mcp-fuzz") / "store.db")
    mcp = McpHttp(loaded.engine, loaded.org, TokenTable.load(loaded.org, {}, f"*:{TOKEN}", None))
    server = HttpServer(wsgi_application(None, loaded.engine, mcp=mcp), "127.0.0.1", 0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield server.url + MCP_PATH, loaded.engine
    finally:
        server.stop()
        thread.join(timeout=10)
        mcp.close()
        loaded.engine.dispose()


# A message without an id is a notification, and one without params takes none.
OPTIONAL = frozenset({("params",), ("id",)})
CALL = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "tools/call",
    "params": {"name": "change_risk", "arguments": {"change": "acme/platform#4503"}},
}


def test_bodies_that_are_no_json_rpc_message_are_a_400(
    served: tuple[str, Engine],
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """No JSON, an array, null, a `jsonrpc` other than "2.0", an id that is an object, a bool
    or null, params that are no object: 400 with one sentence, as a JSON-RPC error."""
    url, engine = served
    digest = store_digest(engine)
    paths: dict[tuple[Any, ...], st.SearchStrategy[Any]] = {
        ("jsonrpc",): st.one_of(st.text(max_size=5).filter(lambda s: s != "2.0"), WRONG),
        ("id",): st.one_of(
            st.none(),
            st.booleans(),
            st.floats(0.5, 10),
            st.lists(JSON),
            st.dictionaries(st.text(max_size=3), JSON),
        ),
        ("params",): st.one_of(st.lists(JSON), st.text(max_size=5), st.integers(), st.booleans()),
    }
    with httpx.Client(headers=HEADERS) as client:

        @door_settings(MESSAGE_EXAMPLES)
        @given(
            message=broken(CALL, paths, frozenset({("params",), ("id",)})) | st.binary(max_size=50)
        )
        def messages(message: Any) -> None:
            body = message if isinstance(message, bytes) else json.dumps(message).encode()
            answer = client.post(url, content=body)
            if isinstance(message, bytes) and answer.status_code == 200:
                return  # bytes that happen to be a message (b"{}" is not; anything is possible)
            assert answer.status_code == 400, (message, answer.status_code, answer.text)
            error = answer.json()["error"]["message"]
            assert "\n" not in error, error

        messages()
    assert store_digest(engine) == digest
    no_traceback(caplog, capsys)


def test_tool_calls_with_arguments_of_the_wrong_kind_are_the_tools_error(
    served: tuple[str, Engine],
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Every tool called with arguments of any kind, oversized text among them: answered (an
    error of one sentence, or a result), never a 5xx, nothing stored."""
    url, engine = served
    digest = store_digest(engine)
    arguments = st.dictionaries(
        st.sampled_from(
            [
                "change",
                "service",
                "week",
                "scope",
                "diff",
                "author",
                "deploy",
                "incident",
                "weeks",
                "until",
                "x",
            ]
        ),
        st.one_of(JSON, st.text(min_size=2000, max_size=3000)),
        max_size=4,
    )
    with httpx.Client(headers=HEADERS, timeout=60) as client:

        @door_settings(CALL_EXAMPLES)
        @given(name=st.sampled_from(TOOLS), args=arguments)
        def calls(name: str, args: dict[str, Any]) -> None:
            call = {**CALL, "params": {"name": name, "arguments": args}}
            answer = client.post(url, json=call)
            assert answer.status_code < 500, (call, answer.status_code, answer.text)
            body = answer.json()
            if "error" in body:
                assert "\n" not in body["error"]["message"], body
                return
            if body["result"].get("isError"):
                (said,) = body["result"]["content"]
                assert "Traceback" not in said["text"], said

        calls()
    assert store_digest(engine) == digest
    no_traceback(caplog, capsys)
