"""A stored score of a change or a deploy."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from data.store.tables.columns import json_column, new_list, utc_column

__all__ = ["RiskScoreRow"]


class RiskScoreRow(SQLModel, table=True):
    """A score of a change or deploy, with its signal breakdown and the scorer version."""

    __tablename__ = "risk_score"
    __table_args__ = (
        sa.UniqueConstraint(
            "subject_kind", "subject_key", "scorer_version", name="uq_risk_score_subject_version"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    subject_kind: str  # "change" or "deploy"
    subject_key: str = Field(index=True)
    score: int
    band: str
    signals: list[dict[str, Any]] = json_column(list, nullable=False)
    gates: list[dict[str, Any]] = json_column(list, nullable=False)
    scorer_version: str
    computed_at: datetime = utc_column()
    # What a change was scored as, kept so that weekly briefings read one row per change.
    # Indexed: a service's page reads a year of its own scores, not the organisation's.
    service: str | None = Field(default=None, index=True)
    # The names of the top signals, most points first.
    top_signals: list[str] = Field(
        default_factory=new_list,
        sa_column=sa.Column(sa.JSON, nullable=False, server_default="[]"),
    )
    owner_files_known: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    owner_files_covered: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    agent_involved: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # None when no source could see the review (a git history): unknown, never "not reviewed".
    human_reviewed: bool | None = Field(default=None)
    # A change's kind of work (a ``WorkKind`` value) and lines of hand-written code added and
    # deleted, as scored: a week's readers take them from here. None for a deploy, and for a
    # change scored before they were kept (its readers classify it again).
    work_kind: str | None = Field(default=None)
    source_lines: int | None = Field(default=None)
    # A change's points from signals that read what it lands in, not the change (a service's
    # recent incidents, ``scoring.signals.exposure.CONTEXT_SIGNALS``): the risk cards judge
    # whether the changes themselves got riskier without them. None for a deploy, and for a
    # change scored before they were kept (its readers add them up from ``signals``).
    context_points: float | None = Field(default=None)
