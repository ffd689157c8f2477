"""The organisation's tables: repositories, teams, services and people."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from data.store.tables.columns import json_column

__all__ = ["Person", "Repository", "Service", "Team"]


class Repository(SQLModel, table=True):
    """A code repository riskbrief reads changes from."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    url: str | None = None
    default_branch: str = "main"


class Team(SQLModel, table=True):
    """A team that owns services."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True)
    name: str


class Service(SQLModel, table=True):
    """A deployable service, found in a repository by path globs."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True)
    name: str
    repository_id: int | None = Field(default=None, foreign_key="repository.id")
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    path_globs: list[str] = json_column(list, nullable=False)


class Person(SQLModel, table=True):
    """A code author or reviewer; ``kind`` is ``human``, ``agent`` (an AI coding agent) or ``bot``.

    A bot (Dependabot, Renovate, CI) has no team and no experience: see ``scoring.authorship``.
    """

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(unique=True, index=True)
    display_name: str | None = None
    kind: str = Field(default="human", sa_column_kwargs={"server_default": "human"})
    team_id: int | None = Field(default=None, foreign_key="team.id")
