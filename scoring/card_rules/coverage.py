"""What the tests run: a service whose line coverage fell week over week."""

from __future__ import annotations

from collections.abc import Iterator

from scoring.card_rules.measure import CardRule, severity_for, tenth
from scoring.card_terms import Card, CardFact, CardKind, Evidence, EvidenceKind, FactKey
from scoring.card_thresholds import CardRules
from scoring.weekly import WeekAggregate

__all__ = ["RULES", "coverage_fell"]

# The changes a card names as having lowered coverage, most lowering first.
_MOST_LOWERING = 10


def coverage_fell(
    this: WeekAggregate, last: WeekAggregate, r: CardRules, _earlier: tuple[Card, ...]
) -> Iterator[Card]:
    """A service's line coverage fell materially against last week; its evidence is the
    week's changes of the service that lowered their files' coverage."""
    for service, now in sorted(this.line_coverage_by_service.items()):
        before = last.line_coverage_by_service.get(service)
        if before is None:
            continue
        sev = severity_for(before - now, r.coverage_warning_drop_pp, r.coverage_critical_drop_pp)
        if sev is None:
            continue
        lowering = sorted(
            (
                c
                for c in this.changes
                if c.service == service
                and c.line_coverage_delta is not None
                and c.line_coverage_delta < 0
            ),
            key=lambda c: (c.line_coverage_delta, c.key),
        )
        yield Card(
            f"coverage:{service}",
            CardKind.COVERAGE,
            sev,
            service,
            (
                CardFact(FactKey.SERVICE_LINE_COVERAGE_THIS_WEEK, tenth(now), "%"),
                CardFact(FactKey.SERVICE_LINE_COVERAGE_LAST_WEEK, tenth(before), "%"),
                CardFact(FactKey.COVERAGE_LOWERING_CHANGES, len(lowering)),
            ),
            tuple(Evidence(EvidenceKind.CHANGE, c.key) for c in lowering[:_MOST_LOWERING]),
        )


# In the order they run.
RULES: tuple[CardRule, ...] = (coverage_fell,)
