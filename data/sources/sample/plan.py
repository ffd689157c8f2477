"""The plan: what happens when, in minutes relative to each week's Monday (see ``clock``)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ChangePlan", "DeployPlan", "FilePlan", "IncidentPlan", "Plan", "ReviewPlan"]


@dataclass(frozen=True, slots=True)
class FilePlan:
    path: str
    added: int
    deleted: int
    change_type: str = "modified"


@dataclass(frozen=True, slots=True)
class ReviewPlan:
    reviewer: str
    state: str
    minute: int
    comments: int = 0


@dataclass(frozen=True, slots=True)
class ChangePlan:
    week: int
    opened: int
    merged: int
    author: str
    merged_by: str
    title: str
    files: tuple[FilePlan, ...]
    reviews: tuple[ReviewPlan, ...]
    labels: tuple[str, ...]
    sha: str
    is_revert: bool = False
    is_hotfix: bool = False
    tag: str | None = None  # lets a later plan (a revert) refer to this one
    reverts_tag: str | None = None


@dataclass(frozen=True, slots=True)
class DeployPlan:
    week: int
    service: str
    finished: int
    status: str
    sha: str
    minutes: int  # how long the deploy ran


@dataclass(frozen=True, slots=True)
class IncidentPlan:
    week: int
    service: str
    opened: int
    minutes: int  # open to resolved
    title: str
    severity: str
    lead: int  # minutes from the deploy that preceded it to its opening


@dataclass(frozen=True, slots=True)
class Plan:
    changes: tuple[ChangePlan, ...]
    deploys: tuple[DeployPlan, ...]
    incidents: tuple[IncidentPlan, ...]
