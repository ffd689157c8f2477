"""What went wrong in production: incidents, spent error budgets and samples of the budget
left, the word on culprits."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from data.store.tables.columns import utc_column

__all__ = ["BudgetSampleRow", "CulpritConfirmation", "ErrorBudget", "Incident"]


class Incident(SQLModel, table=True):
    """A production incident, linked to the deploy that most likely caused it."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True)
    service_id: int = Field(foreign_key="service.id", index=True)
    title: str = ""
    opened_at: datetime = utc_column(index=True)
    resolved_at: datetime | None = utc_column(nullable=True)
    severity: str | None = None
    source: str = "manual"
    deploy_id: int | None = Field(default=None, foreign_key="deploy.id", index=True)


class ErrorBudget(SQLModel, table=True):
    """A span in which a service had spent its error budget: from ``exhausted_at`` until restored.

    ``restored_at`` is ``None`` while the budget is still spent. A change merged in
    the span (``exhausted_at`` ≤ merged < ``restored_at``) is gated to critical.
    """

    __tablename__ = "error_budget"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True)
    service_id: int = Field(foreign_key="service.id", index=True)
    exhausted_at: datetime = utc_column(index=True)
    restored_at: datetime | None = utc_column(nullable=True)
    source: str = "manual"


class BudgetSampleRow(SQLModel, table=True):
    """The fraction of a service's error budget left at ``at``, as a budget source sampled it.

    ``remaining`` is a ratio (1: untouched, 0 or below: spent) over the SLO's rolling
    window of ``window_days``. One row per (source, service, time): a sync that reads the
    same time again updates it. The briefing reads a week of them for each service's burn
    rate (``scoring.budget_burn``); rows older than the store keeps are pruned as new ones
    come (``data.store.budget_samples``).
    """

    __tablename__ = "budget_sample"
    __table_args__ = (sa.UniqueConstraint("source", "service_id", "at", name="uq_budget_sample"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str
    service_id: int = Field(foreign_key="service.id", index=True)
    at: datetime = utc_column(index=True)
    remaining: float
    window_days: int = 30


class CulpritConfirmation(SQLModel, table=True):
    """Someone's word on whether a change caused an incident, with who said it and when.

    One row per (incident, change, Slack member): the same button clicked again changes
    nothing, the other button changes their word. It never changes a past briefing.
    """

    __tablename__ = "culprit_confirmation"
    __table_args__ = (
        sa.UniqueConstraint(
            "incident_key", "change_key", "slack_user_id", name="uq_culprit_confirmation_who"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    incident_key: str = Field(index=True)
    change_key: str = Field(index=True)
    confirmed: bool
    slack_user_id: str
    # The member's subscriber, when they are one: who they are in riskbrief.toml.
    subscriber_key: str | None = None
    said_at: datetime = utc_column()
