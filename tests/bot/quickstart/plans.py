"""A drafted plan of a one-commit clone, and each file's service as its riskbrief.toml reads it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.quickstart.draft import ClonePlan, plan_clone, toml_for
from data.config import parse_org_config
from tests.data.sources.gitrepo import GitRepo

__all__ = ["drafted", "owners"]

_T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def drafted(path: Path, files: dict[str, str | bytes | None]) -> tuple[ClonePlan, dict[str, str]]:
    """The plan of a one-commit clone of ``files`` and each file's service ("-" for none)."""
    repo = GitRepo(path)
    repo.commit(files, "Start", _T0)
    return owners(repo)


def owners(repo: GitRepo) -> tuple[ClonePlan, dict[str, str]]:
    """The plan of ``repo`` as it stands and each tracked file's service ("-" for none)."""
    plan = plan_clone(repo.path)
    org = parse_org_config(toml_for(plan, "UTC"))
    names = repo.git("-c", "core.quotePath=false", "ls-files").splitlines()
    return plan, {p: org.service_for_path(plan.repository, p) or "-" for p in names}
