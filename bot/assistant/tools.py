"""What a conversation may call: tools as the model sees them, and one call's outcome."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = ["ToolBox", "ToolOutcome", "ToolSpec", "ToolUse"]


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """A tool as the Messages API takes it: its name, description and JSON input schema."""

    name: str
    description: str
    input_schema: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """As a ``tools`` entry of a Messages API request."""
        return {
            "name": self.name,
            "description": self.description,
            "input_schema": self.input_schema,
        }


@dataclass(frozen=True, slots=True)
class ToolUse:
    """One ``tool_use`` block of the model's: its id, the tool and the arguments it gave."""

    id: str
    name: str
    input: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ToolOutcome:
    """What a tool answered a use with: its JSON, or one sentence when it refused (``is_error``)."""

    use: ToolUse
    text: str
    is_error: bool

    def to_json(self) -> dict[str, Any]:
        """As a ``tool_result`` block answering the use."""
        return {
            "type": "tool_result",
            "tool_use_id": self.use.id,
            "content": self.text,
            "is_error": self.is_error,
        }


class ToolBox(Protocol):
    """The tools one asker may call, each answered within that asker's scope."""

    @property
    def specs(self) -> Sequence[ToolSpec]:
        """Every tool, as the model is told of it."""
        ...

    def call(self, use: ToolUse) -> ToolOutcome:
        """``use`` answered; a refusal or a failure is an ``is_error`` outcome, never raised."""
        ...
