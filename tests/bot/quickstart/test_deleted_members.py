"""A workspace member the last year changed and then deleted is the service it was while it
stood; other code the year deleted outside the members makes none."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.bot.quickstart.plans import owners
from tests.data.sources.gitrepo import GitRepo

pytestmark = pytest.mark.usefixtures("clean_git_env")

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _member(name: str) -> dict[str, str]:
    """A published npm member ``packages/<name>`` of one source file."""
    return {
        f"packages/{name}/package.json": f'{{"name": "@acme/{name}", "version": "1.0.0"}}',
        f"packages/{name}/src/index.ts": f"export const {name.replace('-', '_')} = 1;\n",
    }


def test_a_deleted_workspace_member_is_still_a_service(tmp_path: Path) -> None:
    """vite-plugin-react's shape: ``packages/plugin-oxc`` of a pnpm workspace, changed in the
    year then deleted, is service ``plugin-oxc`` beside the members HEAD holds; a deleted
    ``scripts/old-release.ts`` is no member and makes no service."""
    repo = GitRepo(tmp_path / "plugins")
    repo.commit(
        {
            "package.json": '{"name": "monorepo", "private": true}',
            "pnpm-workspace.yaml": "packages:\n  - packages/*\n",
            **_member("plugin-react"),
            **_member("plugin-oxc"),
            "scripts/old-release.ts": "export {};\n",
        },
        "Start",
        T0,
    )
    repo.commit({"packages/plugin-oxc/src/index.ts": "export const x = 2;\n"}, "Grow", T0)
    later = T0 + timedelta(days=30)
    repo.commit(
        {
            "packages/plugin-oxc/package.json": None,
            "packages/plugin-oxc/src/index.ts": None,
            "scripts/old-release.ts": None,
        },
        "Remove the oxc plugin",
        later,
    )
    repo.commit({"packages/plugin-react/src/index.ts": "export const y = 3;\n"}, "Tune", later)
    plan, _ = owners(repo)
    services = dict(plan.services)
    assert services["plugin-oxc"] == "packages/plugin-oxc/**"
    assert services["plugin-react"] == "packages/plugin-react/**"
    assert not any(glob.startswith("scripts/") for glob in services.values())
