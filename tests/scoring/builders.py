"""Builders of scored weeks for card-rule and narrative tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from scoring.risk import Band
from scoring.weekly import WeekChange

MONDAY = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
_SCORES = {Band.SAFE: 10, Band.MODERATE: 40, Band.HIGH: 70, Band.CRITICAL: 85}


def scored(n: int, service: str, team: str, band: Band, week: int, **kw: object) -> WeekChange:
    """Change ``n`` of ``service`` in the week ``week`` weeks after MONDAY's.

    High-risk changes default to being driven by CODEOWNERS gaps and size.
    """
    fields: dict[str, object] = {
        "drivers": ("codeowners", "size") if band.high_risk else (),
        "files_with_owner_data": 2,
        "files_with_owner": 0 if band.high_risk else 2,
    }
    fields.update(kw)
    return WeekChange(
        key=f"acme/shop#{week + 10}{n:03d}",
        title=f"Change {n}",
        service=service,
        team=team,
        score=_SCORES[band],
        band=band,
        merged_at=MONDAY + timedelta(weeks=week, hours=n),
        **fields,  # type: ignore[arg-type]
    )
