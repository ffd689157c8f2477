"""`riskbrief deploy record` from the command line: a CI pipeline's deploy, keyed and checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from data.deploy_rule import DeployRule, FoundBy
from tests.bot.cli.conftest import store_rows

pytestmark = pytest.mark.usefixtures("clean_git_env")


def test_deploy_record_is_keyed_so_a_retry_is_one_deploy(workspace: Path) -> None:
    """Recording the same pipeline run twice keeps one deploy and says it was updated."""
    args = ["deploy", "record", "--service", "api", "--sha", "abc1234", "--id", "run-42"]
    first = CliRunner().invoke(main, [*args, "--finished-at", "2026-11-16T12:00:00Z", "--json"])
    again = CliRunner().invoke(
        main, [*args, "--finished-at", "2026-11-16T12:00:00Z", "--status", "failure"]
    )
    assert first.exit_code == 0, first.output
    assert json.loads(first.output) == {
        "key": "ci:api:production:run-42",
        "service": "api",
        "environment": "production",
        "status": "success",
        "finished_at": "2026-11-16T12:00:00+00:00",
        "new": True,
    }
    assert again.output.startswith("Updated failure deploy ci:api:production:run-42")
    _, deploys = store_rows(workspace)
    assert [(d.key, d.status) for d in deploys] == [("ci:api:production:run-42", "failure")]
    found = FoundBy(DeployRule.CI_REPORT, "run-42", "riskbrief deploy record")
    assert [FoundBy.decode(d.found_by) for d in deploys] == [found]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        pytest.param(["--service", "nope", "--sha", "abc1234"], "service 'nope' is not", id="svc"),
        pytest.param(["--service", "api", "--sha", "xyz"], "sha must be a commit sha", id="sha"),
        pytest.param(["--service", "api"], "needs its sha or the pipeline's run id", id="none"),
        pytest.param(
            ["--service", "api", "--sha", "abc1234", "--finished-at", "2026-11-16T12:00"],
            "has no time zone; add one",
            id="naive",
        ),
    ],
)
def test_deploy_record_mistakes_are_one_sentence(
    workspace: Path, args: list[str], needle: str
) -> None:
    """A bad deploy report ends in one line saying what to fix, exit status 1, no row."""
    result = CliRunner().invoke(main, ["deploy", "record", *args])
    assert result.exit_code == 1
    assert needle in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert store_rows(workspace)[1] == []
