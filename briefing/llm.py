"""Claude behind the ``NarrativeLLM`` seam: the only module that imports the anthropic SDK.

The system prompt goes as one text block marked for caching; the answer is asked
for as structured output (``messages.parse`` with ``NarrativeDraft``). Any failure
to get an answer becomes ``LLMUnavailable``, so the writer falls back.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from typing import Any

import anthropic
import pydantic
from anthropic.types import AssistantMessageParam, MessageParam, TextBlockParam, UserMessageParam

from briefing.narrative import NarrativeUsage
from briefing.prompt import DEFAULT_MODEL, MAX_OUTPUT_TOKENS, NarrativeDraft, Turn
from briefing.writer import LLMAnswer, LLMUnavailable
from data.http.client import tls_context

__all__ = ["CACHE_MINIMUM_TOKENS", "DEFAULT_MODEL", "ClaudeNarrator", "cache_minimum"]


def _count(usage: dict[str, Any], key: str) -> int:
    value = usage.get(key)
    return value if isinstance(value, int) else 0


def _usage(model: str, body: object) -> NarrativeUsage:
    usage = body.get("usage") if isinstance(body, dict) else None
    if not isinstance(usage, dict):
        return NarrativeUsage(model=model, requests=1)
    return NarrativeUsage(
        model=model,
        requests=1,
        input_tokens=_count(usage, "input_tokens"),
        output_tokens=_count(usage, "output_tokens"),
        cache_read_input_tokens=_count(usage, "cache_read_input_tokens"),
        cache_creation_input_tokens=_count(usage, "cache_creation_input_tokens"),
    )


def _text(body: object) -> str:
    content = body.get("content") if isinstance(body, dict) else None
    if not isinstance(content, list):
        return ""
    return "".join(
        b["text"]
        for b in content
        if isinstance(b, dict) and b.get("type") == "text" and isinstance(b.get("text"), str)
    )


def _message(turn: Turn) -> MessageParam:
    if turn.role == "assistant":
        return AssistantMessageParam(role="assistant", content=turn.text)
    return UserMessageParam(role="user", content=turn.text)


class _LastBody(anthropic.Middleware):
    """Keeps the JSON body of the last successful response.

    ``messages.parse`` raises when the answer is not valid JSON of the schema,
    and the exception carries neither the text nor the usage; both are needed,
    to quote the answer in the repair request and to count what it cost.
    """

    def __init__(self) -> None:
        self.body: object = None

    def handle(
        self, request: anthropic.APIRequest, call_next: anthropic.CallNext
    ) -> anthropic.APIResponse[Any]:
        """Pass the request on and keep the body of a successful answer."""
        response = call_next(request)
        if response.http_response.is_success:
            try:
                self.body = response.json()
            except ValueError:
                self.body = None
        return response


# After Claude could not answer for a reason that outlasts one request (a timeout, a
# connection error, 429 or 5xx after the SDK's retries), the briefings that follow within
# this long fall back without asking again: otherwise each one of a run waits out the same
# outage (30 s x 3 tries by default). A 4xx other than 429 is that one request's problem.
_COOL_DOWN_SECONDS = 300.0
_SNAPSHOT = re.compile(r"-\d{8}$")

# The shortest prompt prefix each model caches, in tokens (Anthropic's prompt-caching
# page, read November 2026), by model id without a snapshot date; the longest matching
# prefix wins. A marker on a shorter prefix caches nothing, so none is sent then; a model
# not listed gets the largest minimum.
CACHE_MINIMUM_TOKENS: dict[str, int] = {
    "claude-opus-5": 512,
    "claude-sonnet-5": 1024,
    "claude-opus-4-8": 1024,
    "claude-opus-4-7": 2048,
    "claude-opus-4-6": 4096,
    "claude-opus-4-5": 4096,
    "claude-sonnet-4-6": 2048,
    "claude-sonnet-4-5": 1024,
    "claude-sonnet-4": 1024,
    "claude-opus-4-1": 1024,
    "claude-opus-4": 1024,
    "claude-haiku-4-5": 4096,
    "claude-haiku-3": 2048,
}
_UNKNOWN_MODEL_MINIMUM = 4096
# English prose runs about 4 to 4.5 characters a token: dividing by the larger errs on
# the side of sending no marker.
_CHARS_PER_TOKEN = 4.5


def cache_minimum(model: str) -> int:
    """The shortest prefix, in tokens, that ``model`` caches."""
    name = _SNAPSHOT.sub("", model)
    matches = [k for k in CACHE_MINIMUM_TOKENS if name.startswith(k)]
    return CACHE_MINIMUM_TOKENS[max(matches, key=len)] if matches else _UNKNOWN_MODEL_MINIMUM


def _cacheable(system: str, model: str) -> bool:
    return len(system) / _CHARS_PER_TOKEN >= cache_minimum(model)


def _lasting(exc: anthropic.APIStatusError) -> bool:
    """Whether the failure will outlast this request: a rate limit or a server error."""
    return exc.status_code == 429 or exc.status_code >= 500


class ClaudeNarrator:
    """Asks Claude for a ``NarrativeDraft``; one instance serves every briefing of a run.

    Once Claude has been unavailable, later drafts within ``cool_down`` seconds raise
    ``LLMUnavailable`` at once; ``clock`` (monotonic seconds) is a seam for tests.
    """

    def __init__(
        self,
        *,
        api_key: str,
        model: str = DEFAULT_MODEL,
        base_url: str | None = None,
        timeout: float = 30.0,
        max_retries: int = 2,
        max_tokens: int = MAX_OUTPUT_TOKENS,
        cool_down: float = _COOL_DOWN_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.model = model
        self._max_tokens = max_tokens
        self._client = anthropic.Anthropic(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            http_client=anthropic.DefaultHttpxClient(verify=tls_context()),
        )
        self._cool_down = cool_down
        self._clock = clock
        self._down_until: float | None = None

    def _unavailable(self, reason: str) -> LLMUnavailable:
        self._down_until = self._clock() + self._cool_down
        return LLMUnavailable(reason)

    def draft(self, system: str, turns: Sequence[Turn]) -> LLMAnswer:
        """Claude's answer to ``turns``; ``LLMUnavailable`` when it gives none."""
        # A capture per call, on a copy of the client sharing its connection pool,
        # so that concurrent briefings never read each other's answers.
        capture = _LastBody()
        client = self._client.with_middleware(capture)
        block: TextBlockParam = {"type": "text", "text": system}
        if _cacheable(system, self.model):
            # Identical for every subscriber and both requests of a briefing: the first
            # request of a run writes it, the others read it.
            block["cache_control"] = {"type": "ephemeral"}
        system_blocks = [block]
        messages = [_message(t) for t in turns]
        if self._down_until is not None and self._clock() < self._down_until:
            raise LLMUnavailable("unavailable moments ago; not asked again yet")
        try:
            message = client.messages.parse(
                model=self.model,
                max_tokens=self._max_tokens,
                system=system_blocks,
                messages=messages,
                output_format=NarrativeDraft,
            )
        except pydantic.ValidationError as exc:
            return LLMAnswer(
                model=self.model,
                text=_text(capture.body),
                output=None,
                usage=_usage(self.model, capture.body),
                error=f"{exc.error_count()} validation error(s), first: {exc.errors()[0]['msg']}",
            )
        except anthropic.APIStatusError as exc:
            reason = f"{type(exc).__name__} (HTTP {exc.status_code})"
            if _lasting(exc):
                raise self._unavailable(reason) from None
            raise LLMUnavailable(reason) from None
        except anthropic.AnthropicError as exc:
            # Never the message: it may quote the request.
            raise self._unavailable(type(exc).__name__) from None
        except (ValueError, TypeError, AttributeError) as exc:
            # A 200 whose body is cut short or is not a message (a proxy's page, say): the SDK
            # raises plain Python errors for those, which would otherwise lose the briefing.
            raise LLMUnavailable(f"malformed answer ({type(exc).__name__})") from None
        try:
            return self._draft_of(message)
        except (ValueError, TypeError, AttributeError) as exc:
            raise LLMUnavailable(f"malformed answer ({type(exc).__name__})") from None

    def _draft_of(self, message: Any) -> LLMAnswer:
        usage = message.usage
        output = message.parsed_output
        return LLMAnswer(
            model=self.model,
            text="".join(b.text for b in message.content if b.type == "text"),
            output=output,
            usage=NarrativeUsage(
                model=self.model,
                requests=1,
                input_tokens=usage.input_tokens,
                output_tokens=usage.output_tokens,
                cache_read_input_tokens=usage.cache_read_input_tokens or 0,
                cache_creation_input_tokens=usage.cache_creation_input_tokens or 0,
            ),
            error=None if output else f"no structured answer (stop reason {message.stop_reason})",
        )
