"""The Slack app served over real HTTP on 127.0.0.1, and signed requests to send it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import httpx
from sqlalchemy.engine import Engine

from bot.mcp.toolbox import McpTools
from bot.runtime.server import EVENTS_PATH, HttpServer, wsgi_application
from bot.settings import Settings
from bot.slack.app import build_app
from data.config import OrgConfig
from fakes.anthropic_server import FakeAnthropic
from fakes.slack_server import FakeSlack, signed_headers
from tests import local_http

__all__ = ["NOW", "SECRET", "Served", "serve_app", "settings_for"]

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
# A Saturday of the sample's latest week (2026-W47): "this week so far" has its stories.
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def settings_for(
    slack: FakeSlack, claude: FakeAnthropic | None = None, assistant_model: str | None = None
) -> Settings:
    """Settings pointing the app at the fake Slack, and at the fake Claude when given one."""
    settings = Settings(
        slack_bot_token="xoxb-test-token",
        slack_signing_secret=SECRET,
        slack_api_url=slack.base_url,
        anthropic_api_key="sk-ant-test" if claude is not None else None,
        anthropic_base_url=claude.url if claude is not None else None,
    )
    if assistant_model is None:
        return settings
    return settings.model_copy(update={"assistant_model": assistant_model})


@dataclass(frozen=True)
class Served:
    """A running app: its URL and helpers that send it signed Slack requests."""

    url: str
    slack: FakeSlack

    def post(
        self,
        body: bytes,
        *,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
        **sign: Any,
    ) -> httpx.Response:
        """POST ``body`` to /slack/events, signed with the app's secret unless told otherwise,
        with ``headers`` besides (Slack's ``X-Slack-Retry-Num``, say)."""
        secret = sign.pop("secret", SECRET)
        signed = signed_headers(secret, body, content_type=content_type, **sign)
        return local_http.post(
            self.url + EVENTS_PATH, content=body, headers=signed | (headers or {}), timeout=10
        )

    def command(
        self, text: str, *, user_id: str = "U04VPENG01", response_id: str = "r1", **sign: Any
    ) -> httpx.Response:
        """Send ``/risk <text>`` as the user, answered on ``response_url(response_id)``."""
        form = {
            "token": "legacy-unused",
            "team_id": "T0FAKE",
            "team_domain": "acme",
            "channel_id": "C0GENERAL",
            "channel_name": "general",
            "user_id": user_id,
            "user_name": "someone",
            "command": "/risk",
            "text": text,
            "api_app_id": "A0RISK",
            "response_url": self.slack.response_url(response_id),
            "trigger_id": "1337.42.abcd",
        }
        return self.post(urlencode(form).encode(), **sign)

    def action(self, payload: dict[str, Any]) -> httpx.Response:
        """Send a block_actions interaction."""
        return self.post(urlencode({"payload": json.dumps(payload)}).encode())

    def event(
        self, event: dict[str, Any], *, event_id: str = "Ev0001", retry: int | None = None
    ) -> httpx.Response:
        """Send an Events API callback; ``retry``: as Slack's retry number ``retry`` of it."""
        body = {
            "token": "legacy-unused",
            "team_id": "T0FAKE",
            "api_app_id": "A0RISK",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": 1763726400,
            "event": event,
        }
        headers = (
            {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
            if retry is not None
            else None
        )
        return self.post(
            json.dumps(body).encode(), content_type="application/json", headers=headers
        )


@contextmanager
def serve_app(
    engine: Engine,
    org: OrgConfig,
    slack: FakeSlack,
    now: datetime = NOW,
    *,
    claude: FakeAnthropic | None = None,
    assistant_model: str | None = None,
) -> Iterator[Served]:
    """The bolt app under the production HTTP server on a free port, in a thread; with
    ``claude``, plain words go to it with the MCP server's tools, as the runtime wires them."""
    tools = McpTools(engine, org).for_access if claude is not None else None
    settings = settings_for(slack, claude, assistant_model)
    app = build_app(settings, engine, org, clock=lambda: now, tools=tools)
    application = wsgi_application(app, engine, signing_secret=SECRET)
    server = HttpServer(application, "127.0.0.1", 0, threads=8)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield Served(server.url, slack)
    finally:
        server.stop()
        thread.join(timeout=5)
