"""Doctor's check of the services themselves: how much of each clone's code they hold."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from bot.doctor.check import Check, passed, skipped, warned
from bot.quickstart.unowned_code import UNOWNED_WARNING, UnownedCode, unowned_code
from bot.settings import Settings
from data.config import OrgConfig

__all__ = ["check_service_coverage"]


def check_service_coverage(
    settings: Settings, org: OrgConfig | None, org_error: str | None
) -> Check:
    """The share of each configured clone's last year of code changes that no service holds;
    a warning above a tenth, naming the biggest folders and how to add them."""
    name = "services"
    if org_error is not None or org is None:
        return skipped(name, "riskbrief.toml does not read.")
    clones = [r for r in org.repositories if r.path and Path(r.path).expanduser().is_dir()]
    if not clones:
        return skipped(name, "no [[repositories]] entry has the path of a local clone.")
    found: list[tuple[str, UnownedCode]] = []
    for repo in clones:
        assert repo.path is not None
        owner = partial(org.service_for_path, repo.name)
        found.append((repo.name, unowned_code(Path(repo.path).expanduser(), owner)))
    worst_name, worst = max(found, key=lambda f: f[1].share)
    if worst.warns:
        return warned(
            name,
            f"{worst_name}: {worst.line().removesuffix('.')}, above {UNOWNED_WARNING:.0%}, so "
            "its risk is read as no service's",
            worst.fix(str(settings.config), worst_name),
        )
    if len(found) == 1:
        return passed(name, worst.line())
    return passed(
        name,
        f"at most {worst.share:.0%} of a clone's last year of code changes is in no service "
        f"({worst_name}).",
    )
