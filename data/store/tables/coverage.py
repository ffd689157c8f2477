"""Line coverage reports of a repository's commits."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from data.store.tables.columns import json_column, utc_column

__all__ = ["CoverageReportRow"]


class CoverageReportRow(SQLModel, table=True):
    """Line coverage of one commit of a repository, from CI (``ci``) or Codecov (``codecov``).

    ``files`` maps each repository path to ``[coverable, covered]`` line numbers as
    compact ranges (``"1-4,7"``, ``data.coverage_report.encode_lines``). Codecov's
    commit totals without lines keep ``files`` empty.
    """

    __tablename__ = "coverage_report"
    __table_args__ = (
        sa.UniqueConstraint("repository_id", "sha", "origin", name="uq_coverage_report"),
    )

    id: int | None = Field(default=None, primary_key=True)
    repository_id: int = Field(foreign_key="repository.id", index=True)
    sha: str = Field(index=True)
    origin: str = "ci"
    format: str
    recorded_at: datetime = utc_column()
    coverable: int = 0
    covered: int = 0
    files: dict[str, list[str]] = json_column(dict, nullable=False)
