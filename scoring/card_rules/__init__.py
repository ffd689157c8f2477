"""The card rules: each turns this week against last week into cards, or none.

A rule is a function of both weeks, the thresholds and the cards earlier rules
made (``measure.CardRule``); ``RULES`` runs them in order. The severity of every card
is decided here and nowhere else; the narrative only words it. A rule that does
not fire makes no card, so a quiet week has none. A new rule is a function in
the module of its family and a place in that module's ``RULES``.
"""

from __future__ import annotations

from scoring.card_rules import coverage, gates, incidents, oversight, risk
from scoring.card_rules.measure import CardRule

__all__ = ["RULES", "CardRule", "coverage", "gates", "incidents", "oversight", "risk"]

# Risk first: the shift defers to concentration cards and the driver repeats neither;
# the others stand alone, but for the gated changes, which are told on a card of
# their own only when no other card shows them, so they come last.
RULES: tuple[CardRule, ...] = (
    *risk.RULES,
    gates.spent_budget,
    *incidents.RULES,
    *oversight.RULES,
    *coverage.RULES,
    gates.gated,
)
