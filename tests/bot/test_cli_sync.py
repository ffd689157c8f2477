"""`riskbrief sync` and `riskbrief deploy record` from the command line, on a real clone."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from bot.cli import main
from data.engine import make_engine
from data.tables import Change, Deploy
from tests.data.sources.gitrepo import GitRepo

T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.usefixtures("clean_git_env")


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clone with two commits and a migrated store; riskbrief.toml names the clone."""
    repo = GitRepo(tmp_path / "shop")
    repo.commit({"api/app.py": "a\n"}, "Add the API", T0)
    repo.commit({"api/app.py": "a\nb\n"}, "Grow the API", T0 + timedelta(hours=1))
    repo.tag("v1", T0 + timedelta(hours=2))
    toml = tmp_path / "riskbrief.toml"
    toml.write_text(
        f"""
[[repositories]]
name = "acme/shop"
path = "{repo.path}"
[[services]]
key = "api"
repository = "acme/shop"
paths = ["api/**"]
""",
        encoding="utf-8",
    )
    monkeypatch.setenv("RISKBRIEF_DATABASE_URL", f"sqlite:///{tmp_path / 'rb.db'}")
    monkeypatch.setenv("RISKBRIEF_CONFIG", str(toml))
    assert CliRunner().invoke(main, ["db", "upgrade"]).exit_code == 0
    return tmp_path


def _rows(workspace: Path) -> tuple[int, list[Deploy]]:
    engine = make_engine(f"sqlite:///{workspace / 'rb.db'}")
    with Session(engine) as session:
        changes = len(session.exec(select(Change)).all())
        deploys = list(session.exec(select(Deploy)))
    engine.dispose()
    return changes, deploys


def test_sync_prints_one_summary_line_per_source_and_is_idempotent(workspace: Path) -> None:
    """The first sync adds the clone's rows; the second adds nothing; each ends in summary lines."""
    first = CliRunner().invoke(main, ["sync"])
    second = CliRunner().invoke(main, ["sync"])
    assert first.exit_code == 0, first.output
    assert first.output.splitlines() == [
        "git acme/shop: 2 changes and 1 deploy added, 0 updated",
        "reverts: 0 added, 0 updated",
    ]
    assert second.output.splitlines()[0] == "git acme/shop: 0 added, 0 updated"
    changes, deploys = _rows(workspace)
    assert changes == 2
    assert [d.key for d in deploys] == ["git-tag:acme/shop:v1:api"]


def test_sync_of_a_path_that_is_no_clone_fails_that_source_in_one_line(workspace: Path) -> None:
    """`--git` with a plain folder ends in a summary line saying so, and exit status 1."""
    result = CliRunner().invoke(main, ["sync", "--git", str(workspace)])
    assert result.exit_code == 1
    assert "is not a git repository" in result.output
    assert "Traceback" not in result.output


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
    _, deploys = _rows(workspace)
    assert [(d.key, d.status) for d in deploys] == [("ci:api:production:run-42", "failure")]


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
    assert _rows(workspace)[1] == []


def test_sync_of_a_clone_no_service_maps_says_so(workspace: Path) -> None:
    """`sync --git` of a clone whose files no service covers ends with a line saying what to add."""
    other = GitRepo(workspace / "billing")
    other.commit({"src/pay.py": "a\n"}, "Add payments", T0)
    result = CliRunner().invoke(main, ["sync", "--git", str(other.path)])
    assert result.exit_code == 0, result.output
    assert "billing: 1 change added, 0 updated" in result.output
    assert (
        "billing: none of its changed files is in a service of "
        f"{workspace / 'riskbrief.toml'}, so briefings count none of its changes"
    ) in result.output
    mapped = CliRunner().invoke(main, ["sync"])
    assert "none of its changed files" not in mapped.output
