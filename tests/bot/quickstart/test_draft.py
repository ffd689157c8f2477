"""The draft of ``bot.quickstart.draft``: services from the build, less what never counts, and a
deploy pattern covering every naming the project's releases had."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.quickstart.draft import draft_deploy_tags, plan_clone, toml_for
from data.config import parse_org_config
from tests.data.sources.gitrepo import GitRepo

pytestmark = pytest.mark.usefixtures("clean_git_env")

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _repo(path: Path, files: dict[str, str | bytes | None]) -> GitRepo:
    repo = GitRepo(path)
    repo.commit(files, "Start", T0)
    return repo


def test_renamed_tag_schemes_are_all_drafted() -> None:
    """``PROJ_3_8_1``, then ``proj-3.9``, then ``rel/proj-3.10``: the pattern matches them all."""
    tags = [
        "rel/proj-3.10.1", "rel/proj-3.10", "rel/proj-3.10-RC1", "proj-3.9", "proj-3.9-RC2",
        "PROJ_3_8_1", "PROJ_3_8_0", "PROJ_3_8_RC1", "nightly",
    ]  # fmt: skip
    pattern, matched = draft_deploy_tags(tags, ["proj"], "acme/proj")
    assert matched == ("rel/proj-3.10.1", "rel/proj-3.10", "proj-3.9", "PROJ_3_8_1", "PROJ_3_8_0")
    assert "RC" not in pattern


def test_an_app_s_release_tags_with_build_numbers_are_drafted_and_its_test_builds_are_not() -> None:
    """An app store's ``release/<version>/<build>`` tags are its releases, and its
    ``testflight/`` builds (the most tags) are a line of pre-releases, left out."""
    tags = [
        "release/2026.7.3/2026.2546", "testflight/2026.7.3/2544", "release/2025.11.2/1537",
        "testflight/2025.11.2/1530", "testflight/2025.11.1/1520", "release/2024.9/2024.9",
        "testflight/2024.9/7", "2019.1",
    ]  # fmt: skip
    pattern, matched = draft_deploy_tags(tags, ["app"], "acme/app")
    assert matched == (
        "release/2026.7.3/2026.2546", "release/2025.11.2/1537", "release/2024.9/2024.9", "2019.1"
    )  # fmt: skip
    assert "testflight" not in pattern
    # Without a build number anywhere, the pattern stays as plain as it was.
    assert draft_deploy_tags(["v1.2.0", "v1.1.0"], ["app"], "acme/app")[0] == r"^v?\d+(\.\d+)+$"


def test_the_share_of_release_looking_tags_is_reported(tmp_path: Path) -> None:
    """The plan says how many of the clone's release-looking tags the pattern covers."""
    repo = _repo(tmp_path / "proj", {"src/proj/__init__.py": "", "src/proj/a.py": "a\n"})
    for i, name in enumerate(["PROJ_1_0", "proj-1.1", "rel/proj-1.2", "other-2.0", "1.3-rc1"]):
        repo.tag(name, T0 + timedelta(hours=i + 1))
    plan = plan_clone(repo.path)
    assert plan.release_tags == ("rel/proj-1.2", "proj-1.1", "PROJ_1_0")
    assert plan.release_looking == 4
    line = plan.deploys_line()
    assert line is not None
    assert "3 of 4 release-looking tags, 75%" in line


def test_a_single_module_maven_build_is_one_service(tmp_path: Path) -> None:
    """A pom.xml without <modules> is one service, its src/main, named by its artifactId."""
    pom = (
        '<project xmlns="http://maven.apache.org/POM/4.0.0"><parent><artifactId>commons-parent'
        "</artifactId></parent><artifactId>commons-cli</artifactId></project>"
    )
    repo = _repo(
        tmp_path / "cli",
        {
            "pom.xml": pom,
            "src/main/java/org/apache/cli/Parser.java": "class Parser {}\n",
            "src/test/java/org/apache/cli/ParserTest.java": "class ParserTest {}\n",
            "src/site/index.xml": "<x/>\n",
            "src/changes/changes.xml": "<x/>\n",
            "src/assembly/bin.xml": "<x/>\n",
            "src/media/logo.png": b"\x89PNG",
        },
    )
    plan = plan_clone(repo.path)
    assert plan.services == (("commons-cli", "src/main/**"),)
    assert plan.found_by == "one Maven module (pom.xml)"


def test_a_root_go_module_leaves_out_docs_examples_test_data_and_tests(tmp_path: Path) -> None:
    """The drafted service of a root Go module holds its code (a ``doc`` package too), not
    docs/, examples/, testdata/, tests or CI files, read as riskbrief.toml reads them."""
    repo = _repo(
        tmp_path / "cobra",
        {
            "go.mod": "module github.com/acme/cobra\n",
            "command.go": "package cobra\n",
            "command_test.go": "package cobra\n",
            "doc/md_docs.go": "package doc\n",
            "doc/README.md": "# Generating docs\n",
            "docs/index.md": "# Docs\n",
            "site/content/_index.md": "# Site\n",
            "examples/hello/main.go": "package main\n",
            "internal/parse/testdata/args.txt": "x\n",
            "internal/parse/parse.go": "package parse\n",
            ".github/workflows/ci.yml": "on: push\n",
        },
    )
    plan = plan_clone(repo.path)
    org = parse_org_config(toml_for(plan, "UTC"))
    owner = {p: org.service_for_path(plan.repository, p) for p in repo.git("ls-files").split()}
    assert owner == {
        "go.mod": "cobra",
        "command.go": "cobra",
        "internal/parse/parse.go": "cobra",
        "command_test.go": None,
        "doc/md_docs.go": "cobra",
        "doc/README.md": "cobra",
        "docs/index.md": None,
        "site/content/_index.md": None,
        "examples/hello/main.go": None,
        "internal/parse/testdata/args.txt": None,
        ".github/workflows/ci.yml": None,
    }


def test_a_clone_checked_out_on_another_branch_than_main_is_mined_there(tmp_path: Path) -> None:
    """A clone whose checked-out default branch is ``3.0.x`` beside a ``main`` of another layout
    (playframework/play-samples) drafts ``default_branch = "3.0.x"``, so the sync mines the
    branch its services were read from; a clone on ``main`` drafts no branch."""
    repo = GitRepo(tmp_path / "samples")
    repo.commit({"play-chat-example/app/Home.scala": "class Home\n"}, "Start", T0)
    repo.git("branch", "-M", "main")
    repo.git("checkout", "-q", "-b", "3.0.x")
    repo.commit(
        {"play-chat-example/app/Api.scala": "class Api\n"}, "Maintain", T0 + timedelta(days=1)
    )
    plan = plan_clone(repo.path)
    org = parse_org_config(toml_for(plan, "UTC"))
    assert plan.branch == "3.0.x"
    assert org.repositories[0].default_branch == "3.0.x"
    repo.git("checkout", "-q", "main")
    plain = plan_clone(repo.path)
    assert "default_branch" not in toml_for(plain, "UTC")
    assert parse_org_config(toml_for(plain, "UTC")).repositories[0].default_branch == "main"


def test_a_detached_clone_drafts_no_branch(tmp_path: Path) -> None:
    """A clone on a detached HEAD (a CI checkout of a sha) drafts no branch and no error."""
    repo = GitRepo(tmp_path / "ci")
    repo.commit({"src/app.py": "x = 1\n"}, "Start", T0)
    repo.git("checkout", "-q", "--detach")
    assert plan_clone(repo.path).branch is None
