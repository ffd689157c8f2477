"""Who writes the narrative: the LLM when it answers well, the deterministic writer otherwise.

One request; if its answer does not parse or fails the grounding check, one
repair request naming the problems; if that fails too, or the LLM cannot be
reached at all, the deterministic narrative. Cards and severities always come
from the payload: the LLM only writes words keyed by card id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

import structlog

from briefing.deterministic import write_deterministic
from briefing.grounding import check_narrative
from briefing.narrative import CardParagraph, Narrative, NarrativeUsage
from briefing.payload import BriefingPayload
from briefing.prompt import SYSTEM_PROMPT, NarrativeDraft, Turn, first_turns, repair_turns
from scoring.errors import SourceError

__all__ = [
    "PRICES",
    "LLMAnswer",
    "LLMUnavailable",
    "NarrativeLLM",
    "NarrativeOutcome",
    "Price",
    "WrittenNarrative",
    "estimate_cost_usd",
    "write_narrative",
]

log = structlog.get_logger("riskbrief.narrative")

NarrativeOutcome = Literal["llm", "repaired", "no_llm", "unavailable", "ungrounded"]


class LLMUnavailable(SourceError):
    """The LLM gave no answer: timeout, rate limit, overload, connection or auth failure."""


@dataclass(frozen=True, slots=True)
class LLMAnswer:
    """One answer of the LLM: its text, what it parsed to (if it did) and what it cost."""

    model: str
    text: str
    output: NarrativeDraft | None
    usage: NarrativeUsage
    error: str | None = None


class NarrativeLLM(Protocol):
    """The seam between the writer and an LLM: one conversation in, one draft out."""

    def draft(self, system: str, turns: Sequence[Turn]) -> LLMAnswer:
        """The model's answer to ``turns``; raises ``LLMUnavailable`` when there is none."""
        ...


@dataclass(frozen=True, slots=True)
class WrittenNarrative:
    """The narrative to use, how it came about, and what was wrong with a refused answer."""

    narrative: Narrative
    outcome: NarrativeOutcome
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Price:
    """USD per million tokens."""

    input: float
    output: float
    cache_write: float
    cache_read: float


# List prices in USD per million tokens, from Anthropic's pricing page
# (https://platform.claude.com/docs/en/about-claude/pricing) and the model pages
# (https://platform.claude.com/docs/en/models/<model>/overview), read November 2026.
# Cache writes are the 5-minute ones riskbrief uses. Some third-party price trackers
# report a Sonnet 5.5 cache-read cut to $0.10 from 2026-10-07 that the model page did
# not show; the higher figure is kept, so the estimate errs on the side of cost.
# Keyed by model id without a snapshot date; a model missing here costs 0 and is logged.
PRICES: dict[str, Price] = {
    "claude-sonnet-5-5": Price(2.00, 10.00, 2.50, 0.20),
    "claude-sonnet-5": Price(2.00, 10.00, 2.50, 0.20),
    "claude-sonnet-4-6": Price(3.00, 15.00, 3.75, 0.30),
    "claude-sonnet-4-5": Price(3.00, 15.00, 3.75, 0.30),
    "claude-sonnet-4": Price(3.00, 15.00, 3.75, 0.30),
    "claude-sonnet-4-0": Price(3.00, 15.00, 3.75, 0.30),
    "claude-haiku-4-5": Price(1.00, 5.00, 1.25, 0.10),
    "claude-opus-5": Price(5.00, 25.00, 6.25, 0.50),
    "claude-opus-4-8": Price(5.00, 25.00, 6.25, 0.50),
    "claude-opus-4-7": Price(5.00, 25.00, 6.25, 0.50),
    "claude-opus-4-6": Price(5.00, 25.00, 6.25, 0.50),
    "claude-opus-4-5": Price(5.00, 25.00, 6.25, 0.50),
    "claude-opus-4-1": Price(15.00, 75.00, 18.75, 1.50),
    "claude-opus-4": Price(15.00, 75.00, 18.75, 1.50),
    "claude-opus-4-0": Price(15.00, 75.00, 18.75, 1.50),
}

_SNAPSHOT = re.compile(r"-\d{8}$")


def estimate_cost_usd(usage: NarrativeUsage) -> float:
    """The list-price cost of ``usage`` for its model; 0 (and a log line) for an unknown model."""
    if usage.model is None:
        return 0.0
    price = PRICES.get(_SNAPSHOT.sub("", usage.model))
    if price is None:
        log.warning("narrative.cost_unknown_model", model=usage.model)
        return 0.0
    per_token = (
        usage.input_tokens * price.input
        + usage.output_tokens * price.output
        + usage.cache_creation_input_tokens * price.cache_write
        + usage.cache_read_input_tokens * price.cache_read
    )
    return round(per_token / 1_000_000, 6)


def _priced(usage: NarrativeUsage) -> NarrativeUsage:
    return usage.model_copy(update={"cost_usd": estimate_cost_usd(usage)})


def _as_narrative(draft: LLMAnswer, output: NarrativeDraft, fallback: Narrative) -> Narrative:
    """The draft as a narrative; a critical or warning card the model gave no action gets the
    rules' action for its kind, so that no such card goes out without a next step."""
    paragraphs = []
    for p in output.paragraphs:
        card_id = p.card_id.strip()
        action = p.action.strip() or fallback.action(card_id)
        paragraphs.append(CardParagraph(card_id=card_id, text=p.text.strip(), action=action))
    # As an action: a plan the model did not word gets the rules' sentence. A sentence for a
    # plan the payload does not have is kept, for the grounding check to refuse.
    plan = output.plan.strip() or fallback.plan
    return Narrative(
        headline=output.headline.strip(),
        paragraphs=tuple(paragraphs),
        plan=plan,
        source="llm",
        model=draft.model,
    )


def _judge(
    payload: BriefingPayload, draft: LLMAnswer, known_names: Sequence[str], fallback: Narrative
) -> tuple[Narrative | None, tuple[str, ...]]:
    """The draft as a narrative, and the problems that keep it from being used."""
    if draft.output is None:
        why = draft.error or "there was no answer"
        return None, (f"the answer is not JSON of the required shape ({why})",)
    narrative = _as_narrative(draft, draft.output, fallback)
    return narrative, check_narrative(payload, narrative, known_names)


def write_narrative(
    payload: BriefingPayload, llm: NarrativeLLM | None, known_names: Iterable[str] = ()
) -> WrittenNarrative:
    """The narrative for ``payload``: the LLM's if it is grounded, else the deterministic one.

    ``known_names`` are the organisation's service and team names, so that naming
    one outside this payload counts as a fabrication.
    """
    fallback = write_deterministic(payload)
    # With no data there is nothing to narrate: the one line says what to run.
    if llm is None or payload.no_data:
        return WrittenNarrative(fallback, "no_llm")
    names = tuple(known_names)
    usage = NarrativeUsage()
    problems: tuple[str, ...] = ()
    turns = first_turns(payload)
    for attempt in (1, 2):
        try:
            draft = llm.draft(SYSTEM_PROMPT, turns)
        except LLMUnavailable as exc:
            log.warning("narrative.llm_unavailable", reason=str(exc), attempt=attempt)
            used = fallback.model_copy(update={"usage": _priced(usage)})
            return WrittenNarrative(used, "unavailable", problems)
        except Exception:
            # A narrator's bug must not cost anyone their briefing: fall back, keep the trace.
            log.exception("narrative.llm_crashed", attempt=attempt)
            used = fallback.model_copy(update={"usage": _priced(usage)})
            return WrittenNarrative(used, "unavailable", problems)
        usage = usage + draft.usage
        narrative, problems = _judge(payload, draft, names, fallback)
        if narrative is not None and not problems:
            used = narrative.model_copy(update={"usage": _priced(usage)})
            return WrittenNarrative(used, "llm" if attempt == 1 else "repaired")
        log.info("narrative.refused", attempt=attempt, problems=len(problems))
        turns = repair_turns(payload, draft.text, problems)
    log.warning("narrative.ungrounded", problems=len(problems))
    used = fallback.model_copy(update={"usage": _priced(usage)})
    return WrittenNarrative(used, "ungrounded", problems)
