"""doctor's services check: the share of each clone's last year of code changes in no
service, warned above a tenth with the folders to add."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.doctor import check_service_coverage
from bot.settings import Settings
from data.config import parse_org_config
from tests.clock import THURSDAY
from tests.data.sources.gitrepo import GitRepo

pytestmark = pytest.mark.usefixtures("clean_git_env")


def _clone(path: Path) -> GitRepo:
    """A clone whose year holds 2 changes to api/ and 3 to worker/."""
    repo = GitRepo(path)
    start = THURSDAY - timedelta(days=40)
    repo.commit({"api/app.py": "a = 1\n", "worker/job.py": "j = 1\n"}, "Start", start)
    for day in (1, 2):
        repo.commit(
            {"worker/job.py": f"j = {day + 1}\n"}, f"Job {day}", start + timedelta(days=day)
        )
    repo.commit({"api/app.py": "a = 2\n"}, "API", start + timedelta(days=3))
    return repo


def _toml(clone: Path, paths: str) -> str:
    return (
        f'[[repositories]]\nname = "acme/shop"\npath = "{clone}"\n\n'
        f'[[services]]\nkey = "api"\nrepository = "acme/shop"\npaths = [{paths}]\n'
    )


def test_code_in_no_service_above_a_tenth_is_warned_with_the_folder_to_add(
    tmp_path: Path,
) -> None:
    """With worker/ in no service, 3 of 5 code changes are outside: a warning naming worker/
    and the [[services]] paths that add it; with it added, the check passes at 0%."""
    repo = _clone(tmp_path / "shop")
    settings = Settings(config=tmp_path / "riskbrief.toml")
    left = check_service_coverage(
        settings, parse_org_config(_toml(repo.path, '"api/**"'), source="t"), None
    )
    assert left.status == "warn"
    assert left.detail.startswith("acme/shop: Code in no service: 60% of the last year's code")
    assert left.fix is not None
    assert "worker/ (3)" in left.fix
    assert 'paths = ["worker/**"]' in left.fix
    assert str(tmp_path / "riskbrief.toml") in left.fix
    whole = check_service_coverage(
        settings, parse_org_config(_toml(repo.path, '"api/**", "worker/**"'), source="t"), None
    )
    assert whole.status == "pass"
    assert whole.detail.startswith("Code in no service: 0% of the last year's code changes")


def test_without_a_clone_or_a_config_the_check_skips(tmp_path: Path) -> None:
    """No riskbrief.toml, or no repository with a clone's path: nothing to measure."""
    settings = Settings(config=tmp_path / "riskbrief.toml")
    assert check_service_coverage(settings, None, "bad").status == "skip"
    org = parse_org_config('[[repositories]]\nname = "acme/shop"\n', source="t")
    assert check_service_coverage(settings, org, None).status == "skip"
