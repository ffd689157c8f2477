"""Claude with tool use: the second module that imports the anthropic SDK (``briefing.llm``
is the first, for the narrative); imported only where a key is set, as the SDK is slow
to import.

One ``turn`` is one Messages API request with the tools offered: its text, the tools the
model asked to use and why it stopped. Every failure to get a turn (the SDK's errors, a
body that is no message) is ``ModelUnavailable``, so the caller answers without Claude.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import anthropic
from anthropic.types import MessageParam, ToolParam

from bot.assistant.tools import ToolSpec, ToolUse
from bot.assistant.turns import ASSISTANT_MODEL, ModelTurn, ModelUnavailable
from data.http.client import tls_context

__all__ = ["DEFAULT_MODEL", "ClaudeTools", "ModelTurn", "ModelUnavailable"]

# Answers read in a chat pane are short: few tokens.
DEFAULT_MODEL = ASSISTANT_MODEL
MAX_OUTPUT_TOKENS = 1024


class ClaudeTools:
    """Asks Claude one turn at a time; one instance serves every question of a process."""

    def __init__(
        self,
        *,
        api_key: str,
        model: str = DEFAULT_MODEL,
        base_url: str | None = None,
        timeout: float = 20.0,
        max_retries: int = 1,
    ) -> None:
        self.model = model
        self._client = anthropic.Anthropic(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            http_client=anthropic.DefaultHttpxClient(verify=tls_context()),
        )

    def turn(
        self,
        system: str,
        messages: Sequence[dict[str, Any]],
        tools: Sequence[ToolSpec],
        *,
        timeout: float | None = None,
    ) -> ModelTurn:
        """The model's next turn of ``messages``; ``ModelUnavailable`` when it gives none."""
        try:
            message = self._client.messages.create(
                model=self.model,
                max_tokens=MAX_OUTPUT_TOKENS,
                system=system,
                # The blocks are built as the API documents them (``ModelTurn.content``,
                # ``ToolOutcome.to_json``, ``ToolSpec.to_json``): plain dicts of its shapes.
                messages=cast("list[MessageParam]", list(messages)),
                tools=cast("list[ToolParam]", [t.to_json() for t in tools]),
                timeout=timeout if timeout is not None else anthropic.NOT_GIVEN,
            )
        except anthropic.APIStatusError as exc:
            raise ModelUnavailable(f"{type(exc).__name__} (HTTP {exc.status_code})") from None
        except anthropic.AnthropicError as exc:
            # Never the message: it may quote the request.
            raise ModelUnavailable(type(exc).__name__) from None
        except (ValueError, TypeError, AttributeError) as exc:
            raise ModelUnavailable(f"malformed answer ({type(exc).__name__})") from None
        try:
            return _turn_of(message)
        except (ValueError, TypeError, AttributeError) as exc:
            raise ModelUnavailable(f"malformed answer ({type(exc).__name__})") from None


def _turn_of(message: Any) -> ModelTurn:
    text = "".join(b.text for b in message.content if b.type == "text")
    uses = tuple(
        ToolUse(str(b.id), str(b.name), dict(b.input) if isinstance(b.input, dict) else {})
        for b in message.content
        if b.type == "tool_use"
    )
    return ModelTurn(text=text, uses=uses, stop_reason=str(message.stop_reason))
