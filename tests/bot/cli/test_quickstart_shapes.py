"""quickstart's services are the modules a build declares; its deploy pattern the clone's tags."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.quickstart.draft import draft_deploy_tags, plan_clone
from tests.data.sources.gitrepo import GitRepo

pytestmark = pytest.mark.usefixtures("clean_git_env")

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _repo(tmp_path: Path, files: dict[str, str | bytes | None]) -> GitRepo:
    repo = GitRepo(tmp_path / "clone")
    repo.commit(files, "Start", T0)
    return repo


def _services(repo: GitRepo) -> list[str]:
    return [key for key, _ in plan_clone(repo.path).services]


def test_maven_modules(tmp_path: Path) -> None:
    """Maven <modules> are the services; -it, -tests, -website, specs, conf and dev are not."""
    pom = (
        '<project xmlns="http://maven.apache.org/POM/4.0.0"><modules>'
        + "".join(
            f"<module>{m}</module>"
            for m in (
                "zookeeper-server",
                "zookeeper-jute",
                "zookeeper-it",
                "zookeeper-compatibility-tests",
                "zookeeper-website",
                "zookeeper-specifications",
                "zookeeper-recipes",
            )
        )
        + "</modules></project>"
    )
    recipes = "<project><modules><module>zookeeper-recipes-lock</module></modules></project>"
    repo = _repo(
        tmp_path,
        {
            "pom.xml": pom,
            "zookeeper-recipes/pom.xml": recipes,
            "conf/zoo.cfg": "x\n",
            "dev/run.sh": "x\n",
            "zookeeper-server/src/Main.java": "class Main {}\n",
        },
    )
    assert _services(repo) == ["zookeeper-server", "zookeeper-jute", "zookeeper-recipes-lock"]


def test_gradle_includes(tmp_path: Path) -> None:
    """Gradle's settings include names the modules; test and sample modules are left out."""
    settings = (
        'include(":okhttp")\ninclude(":okhttp-sse", ":okhttp-osgi-tests")\n'
        'include(":samples:guide")\ninclude(":android-test-app")\ninclude(":okhttp-bom")\n'
    )
    repo = _repo(tmp_path, {"settings.gradle.kts": settings, "okhttp/src/A.kt": "x\n"})
    plan = plan_clone(repo.path)
    assert [k for k, _ in plan.services] == ["okhttp", "okhttp-sse"]
    assert plan.found_by == "Gradle settings.gradle.kts include"


def test_pnpm_workspace(tmp_path: Path) -> None:
    """pnpm's workspace packages are the services, not playgrounds, docs or nested fixtures."""
    repo = _repo(
        tmp_path,
        {
            "pnpm-workspace.yaml": "packages:\n  - 'packages/*'\n  - playground/**\n  - docs\n",
            "package.json": '{"name": "root"}',
            "packages/vite/package.json": "{}",
            "packages/vite/src/a/fixtures/package.json": "{}",
            "packages/create-vite/package.json": "{}",
            "packages/create-vite/template-vue/package.json": "{}",
            "playground/css/package.json": "{}",
            "docs/package.json": "{}",
        },
    )
    assert _services(repo) == ["create-vite", "vite"]


def test_pnpm_workspace_is_read_as_yaml(tmp_path: Path) -> None:
    """A flow-style packages list beside other keys, with comments and a `!` glob, is read as
    pnpm reads it: the members it names, less those the `!` glob takes out."""
    text = (
        "# the workspace\ncatalog:\n  react: ^19\n"
        'packages: ["apps/*", "libs/*", "!libs/legacy"]  # members\n'
        "onlyBuiltDependencies:\n  - esbuild\n"
    )
    repo = _repo(
        tmp_path,
        {
            "pnpm-workspace.yaml": text,
            "package.json": '{"name": "root"}',
            "apps/web/package.json": "{}",
            "libs/ui/package.json": "{}",
            "libs/legacy/package.json": "{}",
            "tools/package.json": "{}",
        },
    )
    plan = plan_clone(repo.path)
    assert [key for key, _ in plan.services] == ["web", "ui"]
    assert plan.found_by == "package.json/pnpm workspaces"


def test_a_malformed_pnpm_workspace_declares_nothing_and_the_draft_goes_on(
    tmp_path: Path,
) -> None:
    """A pnpm-workspace.yaml that is not YAML names no member, as a broken package.json: the
    draft raises nothing, and says its services come from the clone's folders."""
    repo = _repo(
        tmp_path,
        {
            "pnpm-workspace.yaml": "packages: ['apps/*'\n  - oops: [\n",
            "package.json": '{"name": "root"}',
            "apps/web/package.json": "{}",
            "apps/web/index.js": "export {}\n",
        },
    )
    plan = plan_clone(repo.path)
    assert plan.found_by == "top-level code folders"
    assert [key for key, _ in plan.services] == ["web"]


def test_npm_workspaces_and_go_modules(tmp_path: Path) -> None:
    """package.json workspaces, and go.mod folders, declare modules; e2e is none; a root Go
    module is named by its module path."""
    npm = _repo(
        tmp_path / "npm",
        {
            "package.json": '{"workspaces": ["apps/*", "e2e"]}',
            "apps/web/package.json": "{}",
            "e2e/package.json": "{}",
        },
    )
    assert _services(npm) == ["web"]
    go = _repo(
        tmp_path / "go",
        {"api/go.mod": "module a\n", "worker/go.mod": "module w\n", "docs/x.md": "d\n"},
    )
    assert _services(go) == ["api", "worker"]
    single = _repo(tmp_path / "one", {"go.mod": "module x\n", "cmd/x/main.go": "package main\n"})
    assert plan_clone(single.path).services == (("x", "**"),)


def test_python_src_layout(tmp_path: Path) -> None:
    """Packages under src/ are the services; tests and docs are not."""
    repo = _repo(
        tmp_path,
        {
            "src/flask/__init__.py": "",
            "src/flask/app.py": "x\n",
            "tests/test_app.py": "x\n",
            "docs/index.rst": "x\n",
            "pyproject.toml": "[project]\n",
        },
    )
    assert plan_clone(repo.path).services == (("flask", "src/flask/**"),)


def test_the_deploy_pattern_follows_the_tags() -> None:
    """The drafted pattern matches the clone's release tags, not its release candidates."""
    pattern, matched = draft_deploy_tags(
        ["release-3.9.4", "release-3.9.3", "release-3.9.4-rc1", "list"], []
    )
    assert matched == ("release-3.9.4", "release-3.9.3")
    assert "release" in pattern
    _, monorepo = draft_deploy_tags(
        ["v8.2.2", "plugin-legacy@8.2.3", "v8.2.0-beta.0", "v8.1.0", "plugin-vue@5.0.0"],
        ["vite", "plugin-legacy"],
    )
    assert monorepo == ("v8.2.2", "plugin-legacy@8.2.3", "v8.1.0")


def test_quickstart_names_a_deploy_pattern_that_matches_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """quickstart drafts a pattern matching the release tags; sync names a pattern matching none."""
    repo = _repo(tmp_path / "zk", {"src/zk/__init__.py": "", "src/zk/a.py": "a\n"})
    repo.tag("release-3.9.4", T0 + timedelta(hours=1))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    done = CliRunner().invoke(main, ["quickstart", str(repo.path)])
    assert done.exit_code == 0, done.output
    assert "Deploys: tags matching" in done.output
    assert "1 deploy added" in done.output
    toml = (work / "riskbrief.toml").read_text(encoding="utf-8")
    (work / "riskbrief.toml").write_text(
        toml.replace("deploy_tags = ", 'deploy_tags = "^v[0-9]" # was '), encoding="utf-8"
    )
    synced = CliRunner().invoke(main, ["sync"])
    assert "matches none of the clone's tags; its newest tag is `release-3.9.4`" in synced.output
    doctor = CliRunner().invoke(main, ["doctor"])
    assert "matches none of the clone's tags; its newest tag is `release-3.9.4`" in doctor.output
