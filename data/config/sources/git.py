"""The ``[sources.git]`` settings: how local clones (``[[repositories]]`` with a path) are read.

Importing nothing of the project but the other settings modules, so ``data.config``
reads it alone.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from data.config.sources.patterns import check_pattern

__all__ = ["GitSourceConfig"]


class GitSourceConfig(BaseModel):
    """Local clones (``[[repositories]]`` with a ``path``): commits as changes, tags as deploys.

    A tag matching ``deploy_tags`` is a successful production deploy of every
    service whose files changed since the previous such tag; ``branch`` is the
    branch mined (default: the repository's ``default_branch``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    deploy_tags: str | None = Field(
        default=r"^v?\d+(\.\d+)*$",
        description="tags matching this are successful production deploys of what changed "
        "since the previous one",
    )
    branch: str | None = Field(
        default=None, description="the branch mined; unset: each repository's `default_branch`"
    )

    _patterns = field_validator("deploy_tags")(check_pattern)
