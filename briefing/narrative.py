"""The words of a briefing: a headline, a paragraph and an action per card, and the review
plan's sentence."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["MAX_WORDS", "CardParagraph", "Narrative", "NarrativeSource", "NarrativeUsage"]

NarrativeSource = Literal["deterministic", "llm"]

# A 90-second read.
MAX_WORDS = 350


class CardParagraph(BaseModel):
    """What the narrative says about one card."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    card_id: str
    text: str
    # What to do about this card, said beside it; critical and warning cards have one.
    action: str | None = None


class NarrativeUsage(BaseModel):
    """What asking an LLM for the narrative cost, summed over every request made for it.

    A deterministic narrative that stands in for a failed LLM answer still carries
    the usage of the attempts: those tokens were paid for.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str | None = None
    requests: int = Field(default=0, ge=0)
    input_tokens: int = Field(default=0, ge=0)
    output_tokens: int = Field(default=0, ge=0)
    cache_read_input_tokens: int = Field(default=0, ge=0)
    cache_creation_input_tokens: int = Field(default=0, ge=0)
    cost_usd: float = Field(default=0.0, ge=0.0)

    def __add__(self, other: NarrativeUsage) -> NarrativeUsage:
        """Both usages summed; the model is the later one's, or this one's."""
        return NarrativeUsage(
            model=other.model or self.model,
            requests=self.requests + other.requests,
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            cache_read_input_tokens=self.cache_read_input_tokens + other.cache_read_input_tokens,
            cache_creation_input_tokens=(
                self.cache_creation_input_tokens + other.cache_creation_input_tokens
            ),
            cost_usd=self.cost_usd + other.cost_usd,
        )


class Narrative(BaseModel):
    """A briefing's narrative and where it came from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    headline: str
    paragraphs: tuple[CardParagraph, ...] = ()
    # The review plan's shares in a sentence ("These 3 changes are 12% of this week's changed
    # code and 58% of its predicted risk."), grounded like every other number; None when the
    # payload has no plan to review, and in narratives stored before plans were briefed.
    plan: str | None = None
    source: NarrativeSource = "deterministic"
    model: str | None = None
    usage: NarrativeUsage = NarrativeUsage()

    @model_validator(mode="before")
    @classmethod
    def _without_old_actions(cls, data: Any) -> Any:
        """Briefings stored before actions moved onto their cards had a list of three."""
        if isinstance(data, dict) and "actions" in data:
            data = {k: v for k, v in data.items() if k != "actions"}
        return data

    def action(self, card_id: str) -> str | None:
        """What to do about ``card_id``, if the narrative says."""
        return next((p.action for p in self.paragraphs if p.card_id == card_id and p.action), None)

    def paragraph(self, card_id: str) -> str | None:
        """The paragraph for ``card_id``, if the narrative has one."""
        return next((p.text for p in self.paragraphs if p.card_id == card_id), None)
