"""A deploy, the commits it named and the changes it shipped."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from data.store.tables.columns import utc_column

__all__ = ["Deploy", "DeployChange", "DeployCommit"]


class Deploy(SQLModel, table=True):
    """A deploy of a service to an environment; ``status`` is ``success`` or ``failure``."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True)
    service_id: int = Field(foreign_key="service.id", index=True)
    environment: str = "production"
    sha: str | None = None
    started_at: datetime | None = utc_column(nullable=True)
    finished_at: datetime = utc_column(index=True)
    status: str = "success"
    source: str = "manual"
    # The rule that found it, as ``data.deploy_rule.FoundBy.encode`` wrote it; None for a
    # deploy stored before riskbrief kept it.
    found_by: str | None = None


class DeployCommit(SQLModel, table=True):
    """A commit a deploy shipped, when its source knows them (a release tag: ``prev..tag``).

    A deploy with such rows ships exactly the changes landed by these commits;
    one without is linked by the rule (what merged since the previous deploy).
    """

    __tablename__ = "deploy_commit"

    deploy_id: int = Field(foreign_key="deploy.id", primary_key=True, ondelete="CASCADE")
    sha: str = Field(primary_key=True)


class DeployChange(SQLModel, table=True):
    """Which changes a deploy shipped."""

    __tablename__ = "deploy_change"

    deploy_id: int = Field(foreign_key="deploy.id", primary_key=True, ondelete="CASCADE")
    # Indexed on its own: the key leads with the deploy, and a change's page asks by change.
    change_id: int = Field(
        foreign_key="change.id", primary_key=True, ondelete="CASCADE", index=True
    )
