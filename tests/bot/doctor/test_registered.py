"""`riskbrief doctor`'s lines for a source declared through the seam: GitLab against its fake."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result

from fakes.gitlab_server import FakeGitLab
from tests.bot.doctor.conftest import doctor

GOOD = "glpat-doctorGOOD0123456789"
NARROW = "glpat-doctorNARROW0123456789"
PROJECT = "acme/platform/shop"


@pytest.fixture
def gitlab(store: Path) -> Iterator[FakeGitLab]:
    """A self-managed fake GitLab at /gitlab, and [sources.gitlab] pointing at it."""
    with FakeGitLab(
        base_path="/gitlab", tokens={GOOD: ("read_api",), NARROW: ("read_repository",)}
    ) as fake:
        fake.project(PROJECT)
        toml = store.parent / "riskbrief.toml"
        toml.write_text(
            toml.read_text(encoding="utf-8") + f'\n[sources.gitlab]\nbase_url = "{fake.base_url}"\n'
            f'projects = ["{PROJECT}", "acme/gone"]\ntoken_env = "ACME_GITLAB"\n',
            encoding="utf-8",
        )
        yield fake


def _gitlab_lines(result: Result) -> list[str]:
    return [line for line in result.stdout.splitlines() if " gitlab: " in line]


def test_each_gitlab_check_is_one_line_and_a_missing_project_says_what_to_do(
    gitlab: FakeGitLab, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Address, token, scopes, then one line per project; the unknown project fails with a fix."""
    monkeypatch.setenv("ACME_GITLAB", GOOD)
    result = doctor()
    lines = _gitlab_lines(result)
    assert [line.split()[0] for line in lines] == ["pass", "pass", "pass", "pass", "fail"]
    assert gitlab.base_url in lines[0]
    assert "read_api" in lines[2]
    assert PROJECT in lines[3]
    assert "acme/gone" in lines[4]
    assert "Fix: check 'acme/gone' is the project's full path" in lines[4]
    assert result.exit_code == 1
    assert GOOD not in result.output


def test_a_token_without_read_api_fails_the_scope_line(
    gitlab: FakeGitLab, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read_repository token stops at the scope line; its fix names read_api and the variable."""
    monkeypatch.setenv("ACME_GITLAB", NARROW)
    result = doctor("--json")
    assert result.exit_code == 1
    assert NARROW not in result.output
    lines = _gitlab_lines(doctor())
    assert [line.split()[0] for line in lines] == ["pass", "pass", "fail"]
    assert "read_api" in lines[2]
    assert "ACME_GITLAB" in lines[2]
    assert gitlab.requests_to("/api/v4/projects/.*") == []


@pytest.mark.usefixtures("gitlab")
def test_an_unset_token_is_one_line_naming_its_variable() -> None:
    """Without the variable token_env names, the address is checked and the token line fails."""
    lines = _gitlab_lines(doctor())
    assert [line.split()[0] for line in lines] == ["pass", "fail"]
    assert "ACME_GITLAB is not set" in lines[1]
    assert "read_api" in lines[1]
