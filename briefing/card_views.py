"""A card in the payload (``CardView``) and the facts it stands on (``FactView``)."""

from __future__ import annotations

from typing import Any

from pydantic import field_serializer, model_validator

from briefing.stored_facts import current_fact
from briefing.views import View
from scoring.card_terms import (
    CardCulprit,
    CardKind,
    Evidence,
    EvidenceKind,
    FactKey,
    Severity,
    stored_evidence,
)
from scoring.risk import Band

__all__ = ["CardView", "FactView"]


class FactView(View):
    """A number a card stands on: what it measures, the value and its unit.

    ``signal`` names the signal whose high-risk changes a driver fact counts. The
    words a reader sees are the briefing's (``briefing.fact_words.fact_label``).
    """

    key: FactKey
    value: float
    unit: str = ""
    signal: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _stored(cls, data: Any) -> Any:
        """Briefings stored earlier named their facts by words, not by key."""
        return current_fact(data) if isinstance(data, dict) else data


class CardView(View):
    """A card; its severity was decided by the scoring rules, its title by the briefing's
    words for its kind (``briefing.card_words.card_title``)."""

    id: str
    kind: CardKind
    severity: Severity
    title: str
    subject: str | None
    facts: tuple[FactView, ...]
    evidence: tuple[Evidence, ...] = ()
    # Kinds of cards folded into this one because they told the same story.
    folded: tuple[CardKind, ...] = ()
    # The band of the deploy an incident card's incident followed.
    deploy_band: Band | None = None
    # The gate every change on a gated card hit, when it was each one's only gate.
    gate: str | None = None
    # An incident card's likeliest culprits, confirmed ones first (none on a stored briefing
    # from before they were carried).
    culprits: tuple[CardCulprit, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _stored(cls, data: Any) -> Any:
        """Stored briefings (and the payload's JSON) carry evidence as ids: read them back."""
        if not isinstance(data, dict):
            return data
        ids = data.get("evidence", ())
        if not any(isinstance(i, str) for i in ids):
            return data
        kind = CardKind(data["kind"])
        typed = stored_evidence(kind, tuple(i if isinstance(i, str) else str(i) for i in ids))
        return {**data, "evidence": typed}

    @field_serializer("evidence")
    def _ids(self, evidence: tuple[Evidence, ...]) -> list[str]:
        """Evidence is stored and shown to the LLM as ids, the same strings as ever."""
        return [str(e) for e in evidence]

    @property
    def driver(self) -> str | None:
        """The signal the card counts high-risk changes of, when it names one."""
        return next((f.signal for f in self.facts if f.signal is not None), None)

    def evidence_of(self, *kinds: EvidenceKind) -> tuple[Evidence, ...]:
        """The card's evidence of ``kinds``, in its order."""
        return tuple(e for e in self.evidence if e.kind in kinds)
