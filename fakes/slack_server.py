"""A fake Slack Web API: a real HTTP server on 127.0.0.1 for the real slack_sdk ``WebClient``.

Give ``FakeSlack().base_url`` to ``WebClient(base_url=...)``. It implements the
methods riskbrief calls (``auth.test``, ``chat.postMessage``, ``chat.postEphemeral``,
``conversations.open``, ``conversations.history``, ``users.info``,
``views.publish``, ``views.open``, and the assistant pane's ``assistant.threads.setStatus``,
``setSuggestedPrompts`` and ``setTitle``, and the streamed reply's ``chat.startStream``,
``appendStream`` and ``stopStream``: ``fakes.slack_streams``) plus ``response_url`` endpoints
(``/response/<id>``) that a slash command or an interaction answers through.
``signed_headers`` signs a request body the way Slack signs what it sends to an app.
Answers carry the token's ``scopes`` in the ``x-oauth-scopes`` header, as Slack's do.
Every Web API call is recorded in ``calls`` as ``(method, params)`` whether it
came as a query string, a form or a JSON body. ``fail_next`` makes the next
call of a method fail like Slack does: an HTTP status (429 with
``Retry-After``) or a 200 with ``ok: false`` and an error code.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from fakes.http import Answer, FakeServer, FakeService, Request
from fakes.slack_streams import StreamMethods, StreamStore

__all__ = ["MANIFEST_SCOPES", "Failure", "FakeSlack", "SlackUser", "signed_headers"]

# Form fields that slack_sdk sends JSON-encoded when a method takes ``params``.
_JSON_FIELDS = frozenset({"blocks", "attachments", "metadata", "view", "prompts"})

TEAM_ID = "T0FAKE"
BOT_USER_ID = "U0BOT"
# The bot scopes slack/manifest.yml asks for; every answer lists them in ``x-oauth-scopes``.
MANIFEST_SCOPES = (
    "commands",
    "chat:write",
    "im:write",
    "im:history",
    "users:read",
    "assistant:write",
)


def signed_headers(
    secret: str, body: bytes, *, timestamp: int | None = None, content_type: str | None = None
) -> dict[str, str]:
    """The headers Slack sends with ``body``: its timestamp and the v0 HMAC-SHA256 signature."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    base = b"v0:" + ts.encode() + b":" + body
    signature = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
        "Content-Type": content_type or "application/x-www-form-urlencoded",
    }


@dataclass(frozen=True, slots=True)
class SlackUser:
    """A workspace member as ``users.info`` describes them."""

    id: str
    name: str = "someone"
    real_name: str = "Some One"
    tz: str = "America/New_York"
    email: str | None = None
    is_bot: bool = False


@dataclass(frozen=True, slots=True)
class Failure:
    """How the next call of one method fails: an HTTP status, or ``ok: false`` with ``error``."""

    status: int = 429
    # Seconds, or an HTTP date (RFC 9110 allows either).
    retry_after: int | str = 1
    error: str | None = None


@dataclass(slots=True)
class _State:
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    ephemerals: list[dict[str, Any]] = field(default_factory=list)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    opened_views: list[dict[str, Any]] = field(default_factory=list)
    responses: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    failures: dict[str, deque[Failure]] = field(default_factory=dict)
    # (channel, ts) of each message still streaming (``fakes.slack_streams``).
    streaming: set[tuple[str, str]] = field(default_factory=set)


class FakeSlack(StreamMethods, FakeService):
    """The fake server; use as a context manager, add users, read ``calls`` and ``messages``."""

    def __init__(self, users: list[SlackUser] | None = None) -> None:
        self.users: dict[str, SlackUser] = {u.id: u for u in users or []}
        # The scopes the token was granted, sent back as Slack does in ``x-oauth-scopes``.
        self.scopes: tuple[str, ...] = MANIFEST_SCOPES
        self._state = _State()
        self._lock = threading.Lock()
        self._ts = itertools.count(1)
        self.server = FakeServer()
        self.server.add("GET", r"/api/(?P<method>.*)", self._get)
        self.server.add("POST", r"/api/(?P<method>.*)", self._post)
        self.server.add("POST", r"/response/(?P<id>.*)", self._respond)
        for method in ("GET", "POST"):
            self.server.add(method, r".*", self._not_found)

    def _streams(self) -> StreamStore:
        return StreamStore(self._lock, self._state.messages, self._state.streaming)

    # -- addresses -----------------------------------------------------------------

    @property
    def root(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return self.server.url

    @property
    def base_url(self) -> str:
        """The Web API base URL to give ``WebClient(base_url=...)``; ends with ``/api/``."""
        return f"{self.root}/api/"

    def response_url(self, response_id: str) -> str:
        """A ``response_url`` whose posts are recorded under ``response_id``."""
        return f"{self.root}/response/{response_id}"

    # -- what happened -------------------------------------------------------------

    @property
    def calls(self) -> list[tuple[str, dict[str, Any]]]:
        """Every Web API call, in order, as ``(method, params)``."""
        with self._lock:
            return list(self._state.calls)

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        """The params of every call of ``method``, in order."""
        return [params for name, params in self.calls if name == method]

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Messages posted to ``channel`` (a user ID means their DM), oldest first."""
        with self._lock:
            return list(self._state.messages.get(self._dm(channel), []))

    @property
    def ephemerals(self) -> list[dict[str, Any]]:
        """Every ``chat.postEphemeral`` message, oldest first."""
        with self._lock:
            return list(self._state.ephemerals)

    def view(self, user_id: str) -> dict[str, Any] | None:
        """The App Home view last published for ``user_id``."""
        with self._lock:
            return self._state.views.get(user_id)

    @property
    def opened_views(self) -> list[dict[str, Any]]:
        """Every modal opened with ``views.open``."""
        with self._lock:
            return list(self._state.opened_views)

    def responses(self, response_id: str) -> list[dict[str, Any]]:
        """The JSON bodies posted to ``response_url(response_id)``, in order."""
        with self._lock:
            return list(self._state.responses.get(response_id, []))

    def wait_for_response(self, response_id: str, timeout: float = 10.0) -> dict[str, Any]:
        """The first body posted to ``response_url(response_id)``, waiting up to ``timeout``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if found := self.responses(response_id):
                return found[0]
            time.sleep(0.01)
        raise AssertionError(f"nothing was posted to response_url {response_id!r}")

    # -- set-up --------------------------------------------------------------------

    def add_user(self, user: SlackUser) -> None:
        """Make ``user`` known to ``users.info``."""
        with self._lock:
            self.users[user.id] = user

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | str = 1,
        error: str | None = None,
    ) -> None:
        """Fail the next call of ``method``: with ``error``, a 200 ``ok: false``; else ``status``.

        Calling it again queues another failure for the call after.
        """
        with self._lock:
            self._state.failures.setdefault(method, deque()).append(
                Failure(status=200 if error else status, retry_after=retry_after, error=error)
            )

    # -- the methods ---------------------------------------------------------------

    @staticmethod
    def _dm(channel: str) -> str:
        # Slack delivers a message addressed to a user ID to the bot's DM with them.
        return f"D{channel[1:]}" if channel[:1] in ("U", "W") else channel

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def call(
        self, method: str, params: dict[str, Any], token: str | None
    ) -> tuple[int, dict[str, str], dict[str, Any]]:
        """Status, extra headers and JSON body for one Web API call."""
        with self._lock:
            self._state.calls.append((method, params))
            queue = self._state.failures.get(method)
            failure = queue.popleft() if queue else None
        if failure is not None:
            if failure.error is not None:
                return 200, {}, {"ok": False, "error": failure.error}
            headers = {"Retry-After": str(failure.retry_after)} if failure.status == 429 else {}
            error = "ratelimited" if failure.status == 429 else "internal_error"
            return failure.status, headers, {"ok": False, "error": error}
        if not token:
            return 200, {}, {"ok": False, "error": "not_authed"}
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return 404, {}, {"ok": False, "error": "unknown_method"}
        body: dict[str, Any] = handler(params)
        return 200, {"x-oauth-scopes": ",".join(self.scopes)}, body

    def _m_auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://fake.slack.com/",
            "team": "Acme",
            "user": "riskbrief",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": "B0BOT",
            "is_enterprise_install": False,
        }

    def _m_chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = params.get("channel")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if not (params.get("text") or params.get("blocks") or params.get("attachments")):
            return {"ok": False, "error": "no_text"}
        ts = self._next_ts()
        message: dict[str, Any] = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": "B0BOT",
            "ts": ts,
            "text": params.get("text", ""),
        }
        for key in ("blocks", "attachments", "metadata", "thread_ts"):
            if key in params:
                message[key] = params[key]
        channel = self._dm(str(channel))
        with self._lock:
            self._state.messages.setdefault(channel, []).append(message)
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _m_chat_postEphemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("channel") or not params.get("user"):
            return {"ok": False, "error": "invalid_arguments"}
        ts = self._next_ts()
        with self._lock:
            self._state.ephemerals.append({**params, "message_ts": ts})
        return {"ok": True, "message_ts": ts}

    def _m_conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        users = str(params.get("users") or "")
        if not users or "," in users:
            return {"ok": False, "error": "users_list_not_supplied" if not users else "not_im"}
        return {"ok": True, "channel": {"id": self._dm(users), "is_im": True, "user": users}}

    def _m_conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = params.get("channel")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        with_metadata = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
        oldest = float(params.get("oldest") or 0)
        latest = float(params.get("latest") or "inf")
        limit = int(params.get("limit") or 100)
        found = [
            m if with_metadata else {k: v for k, v in m.items() if k != "metadata"}
            for m in reversed(self.messages(str(channel)))
            if oldest < float(m["ts"]) < latest
        ]
        return {
            "ok": True,
            "messages": found[:limit],
            "has_more": len(found) > limit,
            "response_metadata": {"next_cursor": ""},
        }

    def _m_users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            user = self.users.get(str(params.get("user")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        profile: dict[str, Any] = {"real_name": user.real_name, "display_name": user.name}
        if user.email:
            profile["email"] = user.email
        return {
            "ok": True,
            "user": {
                "id": user.id,
                "team_id": TEAM_ID,
                "name": user.name,
                "real_name": user.real_name,
                "tz": user.tz,
                "is_bot": user.is_bot,
                "profile": profile,
            },
        }

    def _m_assistant_threads_setStatus(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._thread_call(params, "status")

    def _m_assistant_threads_setSuggestedPrompts(self, params: dict[str, Any]) -> dict[str, Any]:
        prompts = params.get("prompts")
        if not isinstance(prompts, list) or not 1 <= len(prompts) <= 4:
            return {"ok": False, "error": "invalid_arguments"}
        return self._thread_call(params, "prompts")

    def _m_assistant_threads_setTitle(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._thread_call(params, "title")

    def _thread_call(self, params: dict[str, Any], needed: str) -> dict[str, Any]:
        """Slack's checks of an assistant thread call: its channel, its thread and ``needed``."""
        if not params.get("channel_id") or not params.get("thread_ts") or needed not in params:
            return {"ok": False, "error": "invalid_arguments"}
        return {"ok": True}

    def _m_views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id, view = params.get("user_id"), params.get("view")
        if not user_id or not isinstance(view, dict):
            return {"ok": False, "error": "invalid_arguments"}
        if view.get("type") != "home":
            return {"ok": False, "error": "invalid_arguments"}
        with self._lock:
            self._state.views[str(user_id)] = view
        return {"ok": True, "view": {"id": f"V{next(self._ts)}", **view}}

    def _m_views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        view = params.get("view")
        if not params.get("trigger_id") or not isinstance(view, dict):
            return {"ok": False, "error": "invalid_arguments"}
        with self._lock:
            self._state.opened_views.append(view)
        return {"ok": True, "view": {"id": f"V{next(self._ts)}", **view}}

    # -- HTTP ----------------------------------------------------------------------

    def _respond(self, request: Request, match: re.Match[str]) -> Answer:
        with self._lock:
            self._state.responses.setdefault(match["id"], []).append(
                json.loads(request.body or b"{}")
            )
        return _text(200, "ok")

    def _get(self, request: Request, match: re.Match[str]) -> Answer:
        return self._api(request, match["method"], dict(request.query))

    def _post(self, request: Request, match: re.Match[str]) -> Answer:
        params: dict[str, Any] = dict(request.query)
        if "json" in request.headers.get("content-type", ""):
            params.update(json.loads(request.body or b"{}"))
        else:
            for key, value in parse_qsl(request.body.decode()):
                params[key] = json.loads(value) if key in _JSON_FIELDS else value
        return self._api(request, match["method"], params)

    def _api(self, request: Request, method: str, params: dict[str, Any]) -> Answer:
        auth = request.headers.get("authorization", "")
        token = auth.removeprefix("Bearer ").strip() or params.pop("token", None)
        status, headers, body = self.call(method, params, token)
        return Answer(status, body, headers)

    def _not_found(self, request: Request, match: re.Match[str]) -> Answer:
        return _text(404, "not found")


def _text(status: int, text: str) -> Answer:
    return Answer(status, raw=text.encode(), headers={"content-type": "text/plain; charset=utf-8"})
