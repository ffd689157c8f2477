"""The words of a briefing: a headline, a paragraph per card and up to three actions."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["CardParagraph", "Narrative", "NarrativeSource"]

NarrativeSource = Literal["deterministic", "llm"]


class CardParagraph(BaseModel):
    """What the narrative says about one card."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    card_id: str
    text: str


class Narrative(BaseModel):
    """A briefing's narrative and where it came from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    headline: str
    paragraphs: tuple[CardParagraph, ...] = ()
    actions: tuple[str, ...] = Field(default=(), max_length=3)
    source: NarrativeSource = "deterministic"
    model: str | None = None

    def paragraph(self, card_id: str) -> str | None:
        """The paragraph for ``card_id``, if the narrative has one."""
        return next((p.text for p in self.paragraphs if p.card_id == card_id), None)
