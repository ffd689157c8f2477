"""The ``check_*`` settings every code host's table shares: whether its `riskbrief` check may fail.

``[sources.github]``, ``[sources.gitlab]``, ``[sources.bitbucket]`` and
``[sources.bitbucket_dc]`` each take ``check_enforce`` and ``check_threshold`` with one
meaning, so they are written here once and each table's model derives from
``CheckSettings``. Like a source's ``settings`` module, this imports nothing of the
project: ``data.config`` reads it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["CheckSettings"]


class CheckSettings(BaseModel):
    """A code host's `riskbrief` check on changes (docs/pr-check.md): it passes (GitHub:
    neutral) unless the organisation enforces, then fails at or above ``check_threshold``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    check_enforce: bool = Field(
        default=False,
        description="whether the `riskbrief` check on pull or merge requests may fail",
    )
    check_threshold: int = Field(
        default=80,
        ge=0,
        le=100,
        description="the score at or above which an enforcing check fails",
    )
