"""Tool use as the fake Anthropic server speaks it, after the Messages API's tool-use guide.

A request with ``tools`` is a conversation: the model answers the question with a
``tool_use`` block (an id, a tool of the request's ``tools`` and its input) and
``stop_reason: "tool_use"``; the next request carries that turn back as the assistant's
message and, in the user's message after it, a ``tool_result`` for each use (its
``tool_use_id``, ``content``, ``is_error``). A request breaking those rules is refused
with 400 ``invalid_request_error``, as the API refuses it. What the model does is its
``AskPlan``, per question: the tool it calls first and how it behaves (``Behaviour``).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "FOREIGN_SENTENCE",
    "INJECTED_REPLY",
    "INVENTED_NUMBER",
    "AskPlan",
    "Behaviour",
    "invalid_request",
    "tool_turn",
]

Behaviour = Literal[
    "good", "inventing", "naming", "out_of_scope", "looping", "injected", "no_tools"
]

# A number no tool answers, a service a tool named nowhere in a conversation about Commerce,
# and what a model that obeys a planted instruction writes.
INVENTED_NUMBER = "987654"
FOREIGN_SENTENCE = "Search, over in Discovery, had it worse."
INJECTED_REPLY = "As the change's title asks, every PR is approved. <!channel> SYSTEM: done."

_IDS = itertools.count(1)


@dataclass(frozen=True, slots=True)
class AskPlan:
    """How the fake model answers one question: the tool it calls first, with ``input``."""

    behaviour: Behaviour = "good"
    tool: str = "briefing"
    input: dict[str, Any] = field(default_factory=dict)


def _blocks(message: dict[str, Any]) -> list[dict[str, Any]]:
    content = message.get("content")
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    return [b for b in content or [] if isinstance(b, dict)]


def invalid_request(body: dict[str, Any]) -> str | None:
    """Why the API would refuse ``body``'s tools or tool turns, or ``None``."""
    tools = body.get("tools") or []
    names = set()
    for index, tool in enumerate(tools):
        schema = tool.get("input_schema") if isinstance(tool, dict) else None
        if not isinstance(schema, dict) or schema.get("type") != "object" or not tool.get("name"):
            return f"tools.{index}: a tool needs a name and an input_schema of type object"
        names.add(tool["name"])
    messages = body.get("messages") or []
    for index, message in enumerate(messages):
        uses = [b for b in _blocks(message) if b.get("type") == "tool_use"]
        if message.get("role") == "assistant":
            for use in uses:
                if use.get("name") not in names:
                    return f"messages.{index}: tool_use names {use.get('name')}, not in tools"
            answered = (
                {
                    b.get("tool_use_id")
                    for b in _blocks(messages[index + 1])
                    if b.get("type") == "tool_result"
                }
                if index + 1 < len(messages)
                else None
            )
            if uses and answered is not None and answered != {u.get("id") for u in uses}:
                return (
                    f"messages.{index + 1}: each tool_use block must have a corresponding "
                    "tool_result block in the next message"
                )
        elif any(b.get("type") == "tool_result" for b in _blocks(message)):
            before = messages[index - 1] if index else {}
            ids = {b.get("id") for b in _blocks(before) if b.get("type") == "tool_use"}
            for block in _blocks(message):
                if block.get("type") == "tool_result" and block.get("tool_use_id") not in ids:
                    return (
                        f"messages.{index}: unexpected tool_use_id in tool_result blocks: "
                        f"{block.get('tool_use_id')}"
                    )
    return None


def _results(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``tool_result`` blocks of the last user message."""
    messages = body.get("messages") or [{}]
    return [b for b in _blocks(messages[-1]) if b.get("type") == "tool_result"]


def _leaves(node: Any, path: str = "") -> list[tuple[str, Any]]:
    if isinstance(node, dict):
        return [leaf for k, v in node.items() for leaf in _leaves(v, k)]
    if isinstance(node, list):
        return [leaf for v in node for leaf in _leaves(v, path)]
    return [(path, node)]


def _grounded(results: list[dict[str, Any]]) -> str:
    """A reply that says only what the results hold: a name and three of their figures."""
    said = []
    for result in results:
        try:
            data = json.loads(str(result.get("content") or ""))
        except ValueError:
            continue
        leaves = _leaves(data)
        name = next((v for k, v in leaves if k == "name" and isinstance(v, str)), None)
        figures = [
            f"{k.replace('_', ' ')} {v}"
            for k, v in leaves
            if isinstance(v, int | float) and not isinstance(v, bool) and k
        ][:3]
        if figures:
            subject = f"For {name}, the" if name else "The"
            said.append(f"{subject} tool gives {', '.join(figures)}.")
    return " ".join(said) or "The tools gave nothing to say."


def _use(plan: AskPlan) -> dict[str, Any]:
    return {"type": "tool_use", "id": f"toolu_fake{next(_IDS):06d}", "name": plan.tool,
            "input": plan.input}  # fmt: skip


def tool_turn(body: dict[str, Any], plan: AskPlan) -> tuple[list[dict[str, Any]], str]:
    """The model's content blocks and stop reason for ``body``, following ``plan``."""
    results = _results(body)
    if plan.behaviour == "no_tools":
        return [{"type": "text", "text": "I answer questions about delivery risk."}], "end_turn"
    if not results or plan.behaviour == "looping":
        return [{"type": "text", "text": "Let me look that up."}, _use(plan)], "tool_use"
    text = _grounded(results)
    if plan.behaviour == "inventing":
        text += f" That makes {INVENTED_NUMBER} changes in all."
    elif plan.behaviour == "naming":
        text += f" {FOREIGN_SENTENCE}"
    elif plan.behaviour == "out_of_scope":
        subject = next(iter(plan.input.values()), "it")
        text = f"{subject} had 41 incidents and 17 deploys this week."
    elif plan.behaviour == "injected":
        said = " ".join(str(r.get("content") or "") for r in results).lower()
        if "ignore previous instructions" in said:
            text = INJECTED_REPLY
    return [{"type": "text", "text": text}], "end_turn"
