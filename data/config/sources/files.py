"""The ``[[sources.files]]`` settings: a CSV or JSON file of incidents, deploys or error budgets.

Importing nothing of the project, so ``data.config`` reads it alone.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["FileImportConfig"]


class FileImportConfig(BaseModel):
    """Incidents, deploys or spent error budgets kept in a CSV or JSON file, re-read every sync."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str = Field(
        min_length=1,
        description="the file, `.csv` or `.json`; a relative path is read from the folder of "
        "riskbrief.toml",
    )
    kind: str = Field(
        default="incidents",
        pattern=r"^(incidents|deploys|error_budgets)$",
        description="what its rows are: `incidents`, `deploys` or `error_budgets`",
    )

    def reports_incidents(self) -> bool:
        """Whether its rows are incidents."""
        return self.kind == "incidents"
