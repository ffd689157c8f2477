"""One answer of the model's, and the one failure of asking for it: no SDK needed to read them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.assistant.tools import ToolUse
from scoring.errors import SourceError

__all__ = ["ASSISTANT_MODEL", "ModelTurn", "ModelUnavailable"]

# Answers read in a chat pane are short: a fast model (RISKBRIEF_ASSISTANT_MODEL names another).
ASSISTANT_MODEL = "claude-haiku-4-5"


class ModelUnavailable(SourceError):
    """Claude gave no turn; the message names the kind of failure, never its detail."""


@dataclass(frozen=True, slots=True)
class ModelTurn:
    """One answer of the model's: its text, the tools it asked for and its stop reason."""

    text: str
    uses: tuple[ToolUse, ...]
    stop_reason: str

    def content(self) -> list[dict[str, Any]]:
        """The turn as an assistant message's content blocks, to send back with the results."""
        blocks: list[dict[str, Any]] = [{"type": "text", "text": self.text}] if self.text else []
        blocks += [
            {"type": "tool_use", "id": u.id, "name": u.name, "input": u.input} for u in self.uses
        ]
        return blocks
