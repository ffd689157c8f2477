"""A fake Anthropic Messages API: a real HTTP server on 127.0.0.1 for the real anthropic SDK.

A request offering ``tools`` is a conversation with tool use (``fakes.anthropic_tools``:
``tool_use`` blocks, ``tool_result`` answers, a plan per question). Otherwise it
answers ``POST /v1/messages`` with a Message whose text is the narrative JSON,
built from the payload it finds between the ``<briefing_payload>`` tags of the
first user message, so a good answer is grounded by construction. Each request
takes the next reply from a script (``good`` once the script runs out); a reply
can also be a flawed answer, invalid JSON, a hang past the client's timeout, or
an HTTP error. ``GET /v1/models/{id}`` answers a model's info (404 for an id
not in ``models``, when that is set) and follows the same script. Every request
is recorded.
"""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any, Literal

from fakes import http
from fakes.anthropic_tools import AskPlan, invalid_request, tool_turn

__all__ = [
    "FABRICATED_NUMBER",
    "FOREIGN_SERVICE",
    "FakeAnthropic",
    "Reply",
    "Request",
    "Usage",
]

Reply = Literal[
    "good",
    "fabricated_number",
    "fabricated_service",
    "unknown_card",
    "severity_claim",
    "wordy",
    "invalid_json",
    "hang",
    "rate_limited",
    "overloaded",
    "unauthorized",
    "bad_request",
    "not_found",
    "all_clear",
    "invented_name",
    "id_citing",
]

# A number no sample payload holds, and a service name the tests declare as known
# to the organisation but outside the payload.
FABRICATED_NUMBER = "987654"
FOREIGN_SERVICE = "Ledger"

# Anthropic's published minimum cacheable prefixes, in tokens, for the models tests use.
_CACHE_MINIMUM = {"claude-haiku-4-5": 4096, "claude-opus-4-5": 4096, "claude-sonnet-5": 1024}

_PAYLOAD = re.compile(r"<briefing_payload>\n(.*?)\n</briefing_payload>", re.DOTALL)
_ERRORS: dict[str, tuple[int, str, str]] = {
    "rate_limited": (429, "rate_limit_error", "Number of requests has exceeded your rate limit."),
    "overloaded": (529, "overloaded_error", "Overloaded"),
    "unauthorized": (401, "authentication_error", "invalid x-api-key"),
    "bad_request": (
        400,
        "invalid_request_error",
        "messages: text content blocks must be non-empty",
    ),
    "not_found": (404, "not_found_error", "model: claude-sonnet-5-5"),
}


@dataclass(frozen=True, slots=True)
class Request:
    """One request the fake received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    def user_texts(self) -> list[str]:
        """The text of every user message, in order."""
        return [_content_text(m["content"]) for m in self.body["messages"] if m["role"] == "user"]

    def turns(self) -> list[tuple[str, str]]:
        """Every message as (role, text)."""
        return [(m["role"], _content_text(m["content"])) for m in self.body["messages"]]


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "".join(b.get("text", "") for b in content if isinstance(b, dict))


@dataclass(frozen=True, slots=True)
class Usage:
    """The token counts every answer reports."""

    input_tokens: int = 1200
    output_tokens: int = 350
    cache_read_input_tokens: int = 0
    cache_creation_input_tokens: int = 0


def _cards_of(request: Request) -> list[dict[str, Any]]:
    match = _PAYLOAD.search(request.user_texts()[0])
    assert match, "no <briefing_payload> in the first user message"
    cards: list[dict[str, Any]] = json.loads(match.group(1)).get("cards", [])
    return cards


def _good_answer(request: Request) -> dict[str, Any]:
    """A narrative that only repeats the payload's own titles and facts."""
    cards = _cards_of(request)
    paragraphs = [
        {
            "card_id": c["id"],
            "text": f"{c['title']}: {'; '.join(c.get('facts', []))}.",
            "action": ""
            if c.get("severity") == "info"
            else "Go through this card's changes with the team.",
        }
        for c in cards
    ]
    headline = f"{cards[0]['title']}." if cards else "A quiet week."
    return {"headline": headline, "paragraphs": paragraphs}


def _flawed_answer(reply: Reply, request: Request) -> dict[str, Any]:
    answer = _good_answer(request)
    paragraphs: list[dict[str, str]] = answer["paragraphs"]
    first = paragraphs[0]
    if reply == "fabricated_number":
        first["text"] += f" That makes {FABRICATED_NUMBER} changes in all."
    elif reply == "fabricated_service":
        first["text"] += f" {FOREIGN_SERVICE} saw the same pattern."
    elif reply == "severity_claim":
        first["text"] += " This is not really critical."
    elif reply == "wordy":
        first["text"] += " Worth a careful look." * 100
    elif reply == "all_clear":
        answer["headline"] = "Nothing critical this week, all clear."
    elif reply == "invented_name":
        first["text"] += " The Billing Gateway service saw the same."
    elif reply == "id_citing":
        # Faithful: cites its own card's first evidence id, which may hold a team's name.
        evidence = _cards_of(request)[0].get("evidence", [])
        if evidence:
            first["text"] += f" See {evidence[0]}."
    elif reply == "unknown_card":
        paragraphs.append(
            {"card_id": "card:made-up", "text": "A card nobody computed.", "action": ""}
        )
    return answer


class FakeAnthropic(http.FakeService):
    """The fake server; use as a context manager, script replies, read ``requests``.

    ``url`` is the base URL to give the SDK.
    """

    def __init__(self, *, hang_seconds: float = 5.0, retry_after: str = "1") -> None:
        self.requests: list[Request] = []
        self.usage = Usage()
        self.hang_seconds = hang_seconds
        self.retry_after = retry_after
        # The model ids ``GET /v1/models/{id}`` knows; ``None``: every id.
        self.models: set[str] | None = None
        self._script: deque[Reply] = deque()
        # How the model answers a conversation with tools, by its question (``plan``).
        self.plans: dict[str, AskPlan] = {}
        self.default_plan = AskPlan()
        self._cached: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        self.server = http.FakeServer()
        self.server.add("GET", r"/v1/models/(?P<id>.*)", self._get_model)
        self.server.add("POST", r"/v1/messages", self._post_message)
        for method in ("GET", "POST"):
            self.server.add(method, r".*", self._not_found)

    def script(self, *replies: Reply) -> None:
        """Answer the next requests with ``replies``, in order; ``good`` after that."""
        with self._lock:
            self._script.extend(replies)

    def _next(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            return self._script.popleft() if self._script else "good"

    def _cache_usage(self, request: Request) -> tuple[int, int]:
        """(read, written) cache tokens by Anthropic's rules for a marked system prompt.

        A marked prefix at or above the model's minimum is written by the first request
        and read by every later one with the same model and prefix; a shorter one caches
        nothing. Tokens are counted as characters / 4. A scripted ``usage`` with cache
        counts overrides this.
        """
        if self.usage.cache_read_input_tokens or self.usage.cache_creation_input_tokens:
            return self.usage.cache_read_input_tokens, self.usage.cache_creation_input_tokens
        system = request.body.get("system")
        blocks = system if isinstance(system, list) else []
        if not any(isinstance(b, dict) and b.get("cache_control") for b in blocks):
            return 0, 0
        prefix = "".join(b.get("text", "") for b in blocks if isinstance(b, dict))
        model = str(request.body.get("model", ""))
        tokens = len(prefix) // 4
        minimum = next((n for k, n in _CACHE_MINIMUM.items() if model.startswith(k)), 1024)
        if tokens < minimum:
            return 0, 0
        with self._lock:
            if (model, prefix) in self._cached:
                return tokens, 0
            self._cached.add((model, prefix))
        return 0, tokens

    def _message(self, request: Request, text: str) -> dict[str, Any]:
        read, written = self._cache_usage(request)
        return {
            "id": f"msg_fake_{len(self.requests)}",
            "type": "message",
            "role": "assistant",
            "model": request.body.get("model", "unknown"),
            "content": [{"type": "text", "text": text}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {
                "input_tokens": self.usage.input_tokens,
                "output_tokens": self.usage.output_tokens,
                "cache_read_input_tokens": read,
                "cache_creation_input_tokens": written,
            },
        }

    def plan(self, question: str, plan: AskPlan) -> None:
        """Answer the conversation asking ``question`` (its first user message) by ``plan``."""
        with self._lock:
            self.plans[question] = plan

    def _tool_answer(self, request: Request) -> tuple[int, dict[str, str], dict[str, Any]]:
        """A turn of a conversation with tools (``fakes.anthropic_tools``)."""
        refused = invalid_request(request.body)
        if refused is not None:
            return 400, {}, {"type": "error", "error": {"type": "invalid_request_error",
                                                         "message": refused}}  # fmt: skip
        question = request.user_texts()[0] if request.user_texts() else ""
        with self._lock:
            plan = self.plans.get(question, self.default_plan)
        content, stop = tool_turn(request.body, plan)
        message = self._message(request, "")
        return 200, {}, {**message, "content": content, "stop_reason": stop}

    def respond(self, request: Request) -> tuple[int, dict[str, str], dict[str, Any]]:
        """Status, extra headers and JSON body for ``request``, following the script; a
        request offering ``tools`` is a conversation answered by its question's plan."""
        reply = self._next(request)
        if request.body.get("tools") and reply == "good":
            if not (request.headers.get("x-api-key") or request.headers.get("authorization")):
                reply = "unauthorized"
            else:
                return self._tool_answer(request)
        if not (request.headers.get("x-api-key") or request.headers.get("authorization")):
            reply = "unauthorized"
        if reply in _ERRORS:
            status, kind, message = _ERRORS[reply]
            headers = {"retry-after": self.retry_after} if status == 429 else {}
            return status, headers, {"type": "error", "error": {"type": kind, "message": message}}
        if reply == "hang":
            # Past the client's timeout, but never past the end of the test.
            self.server.stopping.wait(self.hang_seconds)
            reply = "good"
        if reply == "invalid_json":
            return 200, {}, self._message(request, '{"headline": "Unfinished')
        answer = _good_answer(request) if reply == "good" else _flawed_answer(reply, request)
        return 200, {}, self._message(request, json.dumps(answer))

    def model(self, request: Request, model_id: str) -> tuple[int, dict[str, str], dict[str, Any]]:
        """Status, extra headers and JSON body for ``GET /v1/models/{model_id}``."""
        reply = self._next(request)
        if not (request.headers.get("x-api-key") or request.headers.get("authorization")):
            reply = "unauthorized"
        if reply in _ERRORS:
            status, kind, message = _ERRORS[reply]
            return status, {}, {"type": "error", "error": {"type": kind, "message": message}}
        if self.models is not None and model_id not in self.models:
            error = {"type": "not_found_error", "message": f"model: {model_id}"}
            return 404, {}, {"type": "error", "error": error}
        return (
            200,
            {},
            {
                "type": "model",
                "id": model_id,
                "display_name": f"Fake {model_id}",
                "created_at": "2026-01-01T00:00:00Z",
            },
        )

    # -- HTTP ----------------------------------------------------------------------

    def _get_model(self, raw: http.Request, match: re.Match[str]) -> http.Answer:
        request = Request(raw.target, dict(raw.headers), {})
        return _answer(*self.model(request, match["id"]))

    def _post_message(self, raw: http.Request, match: re.Match[str]) -> http.Answer:
        request = Request(raw.target, dict(raw.headers), json.loads(raw.body or b"{}"))
        return _answer(*self.respond(request))

    def _not_found(self, raw: http.Request, match: re.Match[str]) -> http.Answer:
        return _answer(404, {}, {"type": "error", "error": {"type": "not_found_error"}})


def _answer(status: int, headers: dict[str, str], body: dict[str, Any]) -> http.Answer:
    """An answer with the headers every Anthropic answer carries."""
    sent = {"content-type": "application/json", "request-id": "req_fake", **headers}
    return http.Answer(status, body, sent)
