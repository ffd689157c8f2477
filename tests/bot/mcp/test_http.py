"""`/mcp` of a real `riskbrief serve`: the SDK's client with bearer tokens, scopes and refusals."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from mcp.shared.exceptions import MCPError

from bot.answers.records.change import CHANGE_NOT_FOUND
from fakes.slack_server import FakeSlack
from tests import local_http
from tests.bot.mcp.client import over_http, strings
from tests.bot.mcp.conftest import (
    COMMERCE_TOKEN,
    HOSTILE_KEY,
    HOSTILE_TITLE,
    ORG_TOKEN,
    registered_tools,
)
from tests.bot.mcp.conftest import (
    SEARCH_DIFF as SEARCH,
)
from tests.bot.serve_process import serve_env, start_serve, stop_serve

TOOLS = set(registered_tools())
WEEK = "2026-W47"
SECRET = "mcp-http-test-signing-secret"


@dataclass
class Served:
    """A running `riskbrief serve` and the stderr it wrote once stopped."""

    url: str
    proc: subprocess.Popen[str]
    stderr: str = ""


@pytest.fixture(scope="module")
def served(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`riskbrief serve --role web` on the demo store: a token inline and one in a file."""
    tokens = tmp_path_factory.mktemp("tokens") / "mcp-tokens"
    tokens.write_text(f"# Commerce's lead\ncommerce-lead:{COMMERCE_TOKEN}\n")
    with FakeSlack() as slack:
        env = serve_env(
            {
                "RISKBRIEF_DATABASE_URL": f"sqlite:///{demo_dir / 'demo.db'}",
                "RISKBRIEF_CONFIG": str(demo_dir / "riskbrief.toml"),
                "RISKBRIEF_MCP_TOKENS": f"*:{ORG_TOKEN}",
                "RISKBRIEF_MCP_TOKENS_FILE": str(tokens),
                "SLACK_BOT_TOKEN": "xoxb-test",
                "SLACK_SIGNING_SECRET": SECRET,
                "SLACK_API_URL": slack.base_url,
                # As much as riskbrief logs: still no token in it.
                "RISKBRIEF_LOG_LEVEL": "debug",
            }
        )
        proc, url = start_serve(env, "--role", "web")
        served = Served(url + "/mcp", proc)
        try:
            yield served
        finally:
            _, served.stderr = stop_serve(proc)


CALLS: list[tuple[str, dict[str, Any]]] = [
    ("change_risk", {"change": "acme/platform#4503"}),
    ("change_risk", {"change": HOSTILE_KEY}),
    ("service_record", {"service": "search", "week": WEEK}),
    ("briefing", {"week": WEEK}),
    ("agent_activity", {"week": WEEK}),
    ("change_risk", {"change": "acme/platform#999999"}),
    ("proposal_risk", {"diff": SEARCH, "author": "tbauer"}),
    ("open_pull_requests", {}),
]


def test_the_whole_organisation_s_token_lists_and_calls_every_tool(served: Served) -> None:
    """With the organisation's token every tool answers, as over stdio."""
    session = over_http(served.url, ORG_TOKEN, CALLS)
    assert set(session.tools) == TOOLS
    ledger, hostile, search, briefing, agents, unknown, proposal, pulls = session.answers
    assert (ledger.data["score"], ledger.data["band"]) == (72, "very high")
    assert sum(s["points"] for s in ledger.data["signals"]) == 72
    assert hostile.data["title"] == HOSTILE_TITLE
    assert {p for p, t in strings(hostile.data) if "Ignore previous" in t} == {".title"}
    assert search.data["service"] == "search"
    assert briefing.data["severity_counts"]["critical"] == 3
    assert agents.data["agent_changes"] > 0
    assert unknown.error == f"Error executing tool change_risk: {CHANGE_NOT_FOUND}"
    assert proposal.data["files"][0]["service"] == "search"
    assert len(pulls.data["pulls"]) == 2


def test_a_scoped_token_finds_nothing_outside_its_scope(served: Served) -> None:
    """Commerce's token: a search change, search and Discovery read exactly as missing ones."""
    calls: list[tuple[str, dict[str, Any]]] = [
        ("change_risk", {"change": "acme/platform#4513"}),
        ("change_risk", {"change": "acme/platform#999999"}),
        ("service_record", {"service": "search", "week": WEEK}),
        ("service_record", {"service": "no-such-service", "week": WEEK}),
        ("briefing", {"week": WEEK, "scope": ["Discovery"]}),
        ("briefing", {"week": WEEK, "scope": ["No such team"]}),
        ("briefing", {"week": WEEK}),
        ("change_risk", {"change": "acme/platform#4503"}),
        ("proposal_risk", {"diff": SEARCH, "author": "tbauer"}),
        ("open_pull_requests", {}),
    ]
    outside, missing, search, nowhere, discovery, no_team, own, inside, proposal, pulls = over_http(
        served.url, COMMERCE_TOKEN, calls
    ).answers
    assert [p["key"] for p in pulls.data["pulls"]] == ["acme/platform#9001"]
    assert outside.error == missing.error == f"Error executing tool change_risk: {CHANGE_NOT_FOUND}"
    # The refusal repeats the name asked about and otherwise reads as a missing one's.
    assert search.error is not None
    assert search.error.replace("“search”", "“no-such-service”") == nowhere.error
    assert discovery.error is not None
    assert discovery.error.replace("“Discovery”", "“No such team”") == no_team.error
    assert "Search" not in nowhere.error.split("”")[-1]
    assert own.data["scope"] == "Commerce"
    assert set(own.data["services"]) == {"payments", "checkout"}
    assert inside.data["key"] == "acme/platform#4503"
    assert proposal.error is not None
    assert "outside this scope" in proposal.error


@pytest.mark.parametrize(
    ("authorization", "needle"),
    [
        pytest.param(None, "needs an Authorization: Bearer header", id="none"),
        pytest.param("Bearer", "must be Bearer followed by a token", id="empty"),
        pytest.param(f"Basic {ORG_TOKEN}", "must be Bearer followed by a token", id="basic"),
        pytest.param("Bearer wrong-token-0123456789abcdef", "not one riskbrief knows", id="wrong"),
        pytest.param(f"Bearer {ORG_TOKEN[:-1]}", "not one riskbrief knows", id="prefix"),
    ],
)
def test_a_missing_or_wrong_token_is_a_401_of_one_sentence(
    served: Served, authorization: str | None, needle: str
) -> None:
    """No header, another scheme (or Bearer alone) and a wrong token: 401, a Bearer challenge,
    and a sentence of its own for each."""
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = local_http.post(served.url, json=body, headers=headers, timeout=10)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    error = response.json()["error"]
    assert needle in error
    assert error.count(". ") == 0
    assert error.endswith(".")


def test_the_sdk_client_with_a_wrong_token_gets_nothing(served: Served) -> None:
    """The SDK's own client cannot open a session with a wrong token."""
    # The SDK turns the 401 into an MCP error, raised out of its task groups.
    with pytest.raises(ExceptionGroup) as raised:
        over_http(served.url, "wrong-token-0123456789abcdef", CALLS[:1])
    assert raised.group_contains(MCPError, match="error response")


@pytest.mark.parametrize("method", ["GET", "DELETE", "PUT"])
def test_only_post_is_answered_and_no_stream_is_held_open(served: Served, method: str) -> None:
    """With a good token, GET (a stream) and DELETE (a session) are 405 at once, one sentence."""
    headers = {"Authorization": f"Bearer {ORG_TOKEN}", "Accept": "text/event-stream"}
    response = local_http.request(method, served.url, headers=headers, timeout=5)
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    assert response.json()["error"].startswith("This endpoint answers MCP requests sent with POST")


def test_a_malformed_or_oversized_body_is_refused(served: Served) -> None:
    """Text that is no JSON is the SDK's parse error (400); a body over 1 MiB is refused (413)."""
    headers = {
        "Authorization": f"Bearer {ORG_TOKEN}",
        "Content-Type": "application/json",
        "Accept": "application/json, text/event-stream",
    }
    garbled = local_http.post(served.url, content=b"{not json", headers=headers, timeout=10)
    assert garbled.status_code == 400
    assert garbled.json()["error"]["code"] == -32700
    huge = local_http.post(served.url, content=b"x" * (2 << 20), headers=headers, timeout=10)
    assert huge.status_code == 413


def test_a_body_of_another_type_is_a_415_of_one_sentence(served: Served) -> None:
    """A JSON-RPC message sent as a form is refused in the doors' one shape, saying to send
    application/json."""
    headers = {
        "Authorization": f"Bearer {ORG_TOKEN}",
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/json, text/event-stream",
    }
    body = b'{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}'
    answer = local_http.post(served.url, content=body, headers=headers, timeout=10)
    assert answer.status_code == 415
    assert "application/json" in answer.json()["error"]


def test_no_token_is_ever_logged(served: Served) -> None:
    """After every request above and a near-miss token, serve's debug log holds no token."""
    over_http(served.url, ORG_TOKEN, CALLS[:1])
    wrong = {"Authorization": f"Bearer {ORG_TOKEN}x"}
    assert local_http.post(served.url, json={}, headers=wrong, timeout=10).status_code == 401
    served.proc.send_signal(signal.SIGTERM)
    _, served.stderr = served.proc.communicate(timeout=30)
    assert served.proc.returncode == 0, served.stderr
    assert ORG_TOKEN not in served.stderr
    assert COMMERCE_TOKEN not in served.stderr
    assert "mcp.refused" in served.stderr
