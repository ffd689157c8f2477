"""`riskbrief ask` on a synced clone: every change askable by what a user knows, in their zone."""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlmodel import Session, select

from bot.answers.access import Access
from bot.answers.records.change import change_risk
from bot.cli import main
from data.config import load_org_config
from data.store.engine import make_engine
from data.store.tables import Change, merged_time
from tests.bot.shop import cli_workspace, merge_pr
from tests.data.sources.gitrepo import GitRepo, git_env
from tests.stores import checkpoint

# A Monday: the week 2026-W47, when Berlin is UTC+1 and New York UTC-5.
T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
ADA = "Ada Lovelace <ada@example.com>"

pytestmark = pytest.mark.usefixtures("clean_git_env")


@dataclass(frozen=True)
class Clone:
    """A synced, scored clone: the name riskbrief.toml gives it and the shas of its changes."""

    workspace: Path
    name: str
    merge_sha: str
    commit_sha: str


def _toml(clone: Path, name: str) -> str:
    return f"""
[organisation]
name = "Acme"
timezone = "America/New_York"

[[repositories]]
name = "{name}"
path = "{clone}"

[[services]]
key = "api"
repository = "{name}"
paths = ["api/**"]

[[services]]
key = "ops"
name = "Operations"
repository = "{name}"
paths = ["ops/**"]

[[subscribers]]
key = "berlin"
email = "lead@acme.example"
timezone = "Europe/Berlin"

[sources.git]
deploy_tags = "^v\\\\d+$"
"""


def _ask(*text: str, as_key: str | None = None) -> Result:
    args = ["ask", *(["--as", as_key] if as_key else []), *text]
    return CliRunner().invoke(main, args, prog_name="riskbrief")


def _build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> Clone:
    repo = GitRepo(tmp_path / "shop")
    repo.commit({"api/app.py": "a\n"}, "Initial", T0, ADA)
    merge_pr(
        repo, 7, "feature", {"api/app.py": "a\nb\n"}, "Grow the API", T0, T0 + timedelta(hours=2)
    )
    repo.commit(
        {"api/app.py": "a\nb\nc\n"}, "Tidy the API", T0 + timedelta(hours=2, minutes=30), ADA
    )
    repo.tag("v1", T0 + timedelta(hours=3))
    merge_sha = repo.git("rev-parse", "HEAD~1").strip()
    commit_sha = repo.git("rev-parse", "HEAD").strip()
    cli_workspace(tmp_path, _toml(repo.path, name), monkeypatch)
    for command in (["sync"], ["score"]):
        done = CliRunner().invoke(main, command)
        assert done.exit_code == 0, done.output
    return Clone(tmp_path, name, merge_sha, commit_sha)


@pytest.fixture(scope="module", params=["acme/shop", "shop"], ids=["owner-name", "folder-name"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Clone:
    """The clone synced and scored once per module and name: the tests only read the clone,
    and each gets its own copy of the store, as syncing and scoring took most of a test."""
    with pytest.MonkeyPatch.context() as patch:
        # What ``clean_git_env`` does for a test, for the sync run before any test's fixtures.
        for key in [k for k in os.environ if k.startswith("GIT_")]:
            patch.delenv(key)
        for key, value in git_env().items():
            patch.setenv(key, value)
        clone = _build(tmp_path_factory.mktemp("ask-clone"), patch, str(request.param))
    engine = make_engine(f"sqlite:///{clone.workspace / 'rb.db'}")
    checkpoint(engine)
    engine.dispose()
    return clone


@pytest.fixture
def clone(built: Clone, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Clone:
    """The clone stored as `acme/shop` (an origin remote) or as `shop` (its folder's name)."""
    shutil.copyfile(built.workspace / "rb.db", tmp_path / "rb.db")
    monkeypatch.setenv("RISKBRIEF_DATABASE_URL", f"sqlite:///{tmp_path / 'rb.db'}")
    monkeypatch.setenv("RISKBRIEF_CONFIG", str(built.workspace / "riskbrief.toml"))
    return replace(built, workspace=tmp_path)


def test_a_pull_request_is_found_by_every_form_a_user_knows(clone: Clone) -> None:
    """PR #7 answers to owner/repo#N, its URL, name#N, #N, and its merge commit's shas."""
    key = f"{clone.name}#7"
    sha = clone.merge_sha
    for ref in (
        "acme/shop#7",
        "https://github.com/acme/shop/pull/7",
        "<https://github.com/acme/shop/pull/7/files>",
        "shop#7",
        "#7",
        sha,
        sha[:7],
        f"shop@{sha[:12]}",
        f"acme/shop@{sha}",
        f"https://github.com/acme/shop/commit/{sha}",
    ):
        result = _ask("pr", ref)
        assert result.exit_code == 0, (ref, result.output)
        assert f"`{key}`" in result.stdout, ref
        assert "Grow the API" in result.stdout


def test_a_commit_without_a_pull_request_is_found_by_its_sha(clone: Clone) -> None:
    """A commit stored as `repo@sha12` answers to its key, owner/repo@sha, name@sha, any sha."""
    sha = clone.commit_sha
    key = f"{clone.name}@{sha[:12]}"
    for ref in (key, f"acme/shop@{sha[:9]}", f"shop@{sha}", sha, sha[:7], sha.upper()[:10]):
        result = _ask("pr", ref)
        assert result.exit_code == 0, (ref, result.output)
        assert f"`{key}`" in result.stdout, ref
        assert "Tidy the API" in result.stdout


def test_a_commit_a_pull_request_brought_in_answers_with_that_request(clone: Clone) -> None:
    """A commit of PR #7's branch is no change of its own: its sha answers PR #7, saying the
    request landed it, as the clone's git shows."""
    branch_sha = GitRepo(Path(_clone_path())).git("rev-parse", f"{clone.merge_sha}^2").strip()
    for ref in (branch_sha, branch_sha[:8], f"acme/shop@{branch_sha[:10]}", f"shop@{branch_sha}"):
        result = _ask("pr", ref)
        assert result.exit_code == 0, (ref, result.output)
        assert f"landed in `{clone.name}#7`" in result.stdout, (ref, result.stdout)
        assert "Grow the API" in result.stdout
    other = _ask("pr", f"acme/other@{branch_sha[:10]}")
    assert other.exit_code == 1
    assert "No change" in other.stderr
    # The record MCP and the web view read tells the same pull request.
    org = load_org_config(Path(os.environ["RISKBRIEF_CONFIG"]))
    engine = make_engine(os.environ["RISKBRIEF_DATABASE_URL"])
    with Session(engine) as session:
        risk = change_risk(session, org, Access.organisation(org), branch_sha[:9])
    engine.dispose()
    assert (risk.key, risk.title) == (f"{clone.name}#7", "Grow the API")


def _clone_path() -> str:
    """The clone's folder, as riskbrief.toml names it."""
    toml = Path(os.environ["RISKBRIEF_CONFIG"]).read_text(encoding="utf-8")
    found = re.search(r'path = "([^"]+)"', toml)
    assert found is not None
    return found.group(1)


def test_every_id_a_deploy_answer_prints_can_be_asked(clone: Clone) -> None:
    """The deploy id and each change key `ask deploy latest` prints are answered, exit 0."""
    shown = _ask("deploy", "latest", "api")
    assert shown.exit_code == 0, shown.output
    # The found-by line's pattern is code too, but no id: it says which rule found the deploy.
    found_by = [line for line in shown.stdout.splitlines() if line.startswith("found by: ")]
    assert found_by == ["found by: tag v1 matching `^v\\d+$`"]
    ids = re.findall(r"`([^`\s]+)`", shown.stdout.replace(found_by[0], ""))
    deploy_id, *change_keys = ids
    assert deploy_id.startswith("git-tag:")
    assert {f"{clone.name}#7", f"{clone.name}@{clone.commit_sha[:12]}"} <= set(change_keys)
    for key in change_keys:
        asked = _ask("pr", key)
        assert asked.exit_code == 0, (key, asked.output)
        assert "Shipped in api deploy of " in asked.stdout
        assert f"(`{deploy_id}`)" in asked.stdout
    for ref in (deploy_id, "v1"):
        again = _ask("deploy", ref)
        assert again.exit_code == 0, (ref, again.output)
        assert f"`{deploy_id}`" in again.stdout


def test_not_found_answers_exit_1_with_one_message(clone: Clone) -> None:
    """An unknown PR, sha or deploy, a service without deploys, an unknown service: exit 1."""
    for text, needle in (
        (("pr", f"{clone.name}#99"), f"No change `{clone.name}#99` is in the store"),
        (("pr", "acme/other#7"), "No change `acme/other#7` is in the store"),
        (("pr", "0000000"), "No change `0000000` is in the store"),
        (("deploy", "v9"), "No deploy `v9` is in the store"),
        (("deploy", "latest", "ops"), "Operations has no deploys in the store yet"),
        (("service", "nowhere"), "There is no service called “nowhere”"),
    ):
        result = _ask(*text)
        assert result.exit_code == 1, (text, result.output)
        assert result.stdout == ""
        assert needle in result.stderr, (text, result.stderr)
        assert "Traceback" not in result.output


def test_an_ambiguous_short_sha_answers_with_the_candidates(clone: Clone) -> None:
    """Two changes whose shas share 7 digits: the short sha lists both and exits 1."""
    engine = make_engine(f"sqlite:///{clone.workspace / 'rb.db'}")
    with Session(engine) as session:
        first = session.exec(select(Change).where(Change.sha == clone.commit_sha)).one()
        twin = clone.commit_sha[:7] + "f" * 33
        session.add(
            Change(
                key=f"{clone.name}@{twin[:12]}",
                repository_id=first.repository_id,
                sha=twin,
                title="A twin commit",
                author_id=first.author_id,
                merged_at=merged_time(first.merged_at, first.key) + timedelta(minutes=1),
            )
        )
        session.commit()
    engine.dispose()
    result = _ask("pr", clone.commit_sha[:7])
    assert result.exit_code == 1, result.output
    assert f"`{clone.commit_sha[:7]}` names 2 changes" in result.stderr
    assert f"`{clone.name}@{clone.commit_sha[:12]}`" in result.stderr
    assert f"`{clone.name}@{twin[:12]}`" in result.stderr
    longer = _ask("pr", clone.commit_sha[:12])
    assert longer.exit_code == 0, longer.output


@pytest.mark.parametrize("built", ["acme/shop"], indirect=True)
def test_text_pasted_from_slack_is_understood(clone: Clone) -> None:
    """`ask /risk help` and `ask "/risk pr …"` read the command after the pasted `/risk`."""
    assert clone.name == "acme/shop"
    helped = _ask("/risk", "help")
    assert helped.exit_code == 0, helped.output
    assert "/risk pr" in helped.stdout
    asked = _ask("/risk pr acme/shop#7")
    assert asked.exit_code == 0, asked.output
    assert "`acme/shop#7`" in asked.stdout


@pytest.mark.parametrize("built", ["acme/shop"], indirect=True)
def test_times_are_in_the_readers_zone_and_named(clone: Clone) -> None:
    """--as a Berlin subscriber shows Berlin times; otherwise the organisation's New York."""
    assert clone.name == "acme/shop"
    berlin = _ask("pr", "acme/shop#7", as_key="berlin")
    assert berlin.exit_code == 0, berlin.output
    assert "merged Mon 2026-11-16 12:00 Europe/Berlin" in berlin.stdout
    assert "api deploy of Mon 2026-11-16 13:00 Europe/Berlin" in berlin.stdout
    org = _ask("pr", "acme/shop#7")
    assert "merged Mon 2026-11-16 06:00 America/New_York" in org.stdout
    deploy = _ask("deploy", "v1", as_key="berlin")
    assert deploy.stdout.startswith(
        "*api deploy of Mon 2026-11-16 13:00 Europe/Berlin* · `git-tag:"
    )
    assert " UTC" not in deploy.stdout
    service = _ask("service", "api", as_key="berlin")
    assert service.exit_code == 0, service.output
    # The week asked by default is the running one while it holds data, else the last that
    # does (briefing.default_week): either way its times are named in the reader's zone.
    assert "(Europe/Berlin" in service.stdout


def test_a_clone_folder_named_owner_plus_name_is_askable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A clone stored as `acme+shop` (its folder's name) answers `acme+shop#7`, `#7` and its
    `acme+shop@sha` key with the stored score, not a refusal or "not scored yet"."""
    clone = _build(tmp_path, monkeypatch, "acme+shop")
    for ref in ("acme+shop#7", "#7", f"acme+shop@{clone.merge_sha[:12]}"):
        result = _ask("pr", ref)
        assert result.exit_code == 0, (ref, result.output)
        assert "`acme+shop#7`" in result.stdout, (ref, result.stdout)
        assert "Risk " in result.stdout
        assert "not been scored" not in result.output
    commit = _ask("pr", f"acme+shop@{clone.commit_sha[:12]}")
    assert commit.exit_code == 0, commit.output
    assert "Tidy the API" in commit.stdout
