"""Build output is never a service's code, a JavaScript client beside another build is a
service of its source, and a clone whose build is not understood gets its code folders."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.quickstart.build_output import is_build_output
from bot.quickstart.draft import plan_clone, toml_for
from data.config import parse_org_config
from tests.clock import THURSDAY
from tests.data.sources.gitrepo import GitRepo

pytestmark = pytest.mark.usefixtures("clean_git_env")

PACKAGE = (
    '{"name": "phoenix", "main": "./priv/static/phoenix.cjs.js",'
    ' "module": "./priv/static/phoenix.mjs", "files": ["README.md", "priv/static/*"%s]}'
)
BUNDLES = {
    "priv/static/phoenix.js": "var a=1;\n",
    "priv/static/phoenix.js.map": "{}\n",
    "priv/static/phoenix.cjs.js": "module.exports=1;\n",
    "priv/static/phoenix.mjs": "export default 1;\n",
    "priv/static/phoenix.min.js": "var a=1\n",
}


def _drafted(
    path: Path, files: dict[str, str | bytes | None]
) -> tuple[str, Callable[[str], str | None]]:
    """Commit ``files`` to a new repository at ``path`` and draft it: the repository's name and
    the service the drafted config gives each path."""
    repo = GitRepo(path)
    repo.commit(files, "Start", THURSDAY - timedelta(days=3))
    plan = plan_clone(repo.path)
    org = parse_org_config(toml_for(plan, "UTC"))
    return plan.repository, lambda p: org.service_for_path(plan.repository, p)


def _framework(repo: GitRepo, source_listed: bool) -> None:
    """An Elixir framework: mix.exs, its code in lib/, its JavaScript client's source in
    assets/js/phoenix/ and the client's bundles committed in priv/static/, which its
    package.json publishes (and names the source too when ``source_listed``); a year of
    changes to lib/ and the client, and an "Update assets" commit of the bundles."""
    listed = ', "assets/js/phoenix/*"' if source_listed else ""
    start = THURSDAY - timedelta(days=60)
    repo.commit(
        {
            "mix.exs": "defmodule Phoenix.MixProject do\n  def project, do: [app: :phoenix]\nend\n",
            "package.json": PACKAGE % listed,
            "lib/phoenix.ex": "defmodule Phoenix do end\n",
            "lib/phoenix/router.ex": "defmodule Phoenix.Router do end\n",
            "assets/js/phoenix/index.js": "export * from './socket';\n",
            "assets/js/phoenix/socket.js": "export class Socket {}\n",
            "test/phoenix_test.exs": "defmodule PhoenixTest do end\n",
            "README.md": "# Phoenix\n",
            **BUNDLES,
        },
        "Start",
        start,
    )
    for day in range(1, 6):
        repo.commit(
            {"lib/phoenix/router.ex": f"defmodule Phoenix.Router do # {day}\nend\n"},
            f"Route {day}",
            start + timedelta(days=day),
        )
    repo.commit(
        {"assets/js/phoenix/socket.js": "export class Socket { x() {} }\n"},
        "Grow the socket",
        start + timedelta(days=7),
    )
    repo.commit(
        {name: text + "// rebuilt\n" for name, text in BUNDLES.items()},
        "Update assets",
        start + timedelta(days=8),
    )


def test_bundles_maps_and_output_folders_are_build_output() -> None:
    """Output folders, bundles by their names, a ``.js`` beside its map and an ``.mjs`` in a
    static folder are build output; a hand-written ``.js``, a Java package named ``build``
    and a ``.mjs`` module outside a static folder are not."""
    tracked = {"priv/static/app.js", "priv/static/app.js.map", "web/static/app.js", "a.js.map"}
    assert is_build_output("priv/static/app.js", tracked)
    assert is_build_output("web/static/app.mjs", tracked)
    assert is_build_output("packages/x/dist/index.js")
    assert is_build_output("_build/dev/lib/x.beam")
    assert is_build_output("build/classes/A.class")
    assert is_build_output("src/vendor/jquery.min.js")
    assert is_build_output("a.js", tracked)
    assert not is_build_output("web/static/app.js", tracked)
    assert not is_build_output("src/main/java/org/acme/build/Builder.java")
    assert not is_build_output("src/module.mjs")


def test_an_elixir_framework_is_its_mix_project_and_its_clients_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """quickstart on the Elixir shape drafts the Mix project (lib/) and the JavaScript
    client's source (assets/js/phoenix), never the bundles in priv/static its package.json
    publishes; all of the year's code changes are in a service."""
    repo = GitRepo(tmp_path / "phoenix")
    _framework(repo, source_listed=True)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("TZ", "UTC")
    for key in ("RISKBRIEF_CONFIG", "RISKBRIEF_DATABASE_URL"):
        monkeypatch.delenv(key, raising=False)
    result = CliRunner().invoke(main, ["quickstart", str(repo.path)])
    assert result.exit_code == 0, result.output
    config = tomllib.loads((work / "riskbrief.toml").read_text(encoding="utf-8"))
    services = {s["key"]: s["paths"] for s in config["services"]}
    assert list(services) == ["phoenix", "phoenix-js"]
    assert services["phoenix"][0] == "lib/**"
    assert services["phoenix-js"][0] == "assets/js/phoenix/**"
    assert "from Mix projects (mix.exs) and the npm package (package.json)" in result.output
    # 5 router edits, the socket's growth, and the start's code files (bundles are not code).
    assert "Code in no service: 0% of the last year's code changes (0 of " in result.output
    assert "Warning:" not in result.output
    org = parse_org_config((work / "riskbrief.toml").read_text(encoding="utf-8"))
    name = config["repositories"][0]["name"]
    for bundle in BUNDLES:
        assert org.service_for_path(name, bundle) is None
    # The Mix project holds its own build file and assets, less the client's source.
    assert org.service_for_path(name, "mix.exs") == "phoenix"
    assert org.service_for_path(name, "assets/js/phoenix/socket.js") == "phoenix-js"
    assert org.service_for_path(name, "lib/phoenix/router.ex") == "phoenix"


def test_a_client_publishing_only_its_build_is_the_folder_of_its_scripts(tmp_path: Path) -> None:
    """A package.json that publishes only priv/static/ (and names it as main and module) is
    the folder holding its hand-written scripts, followed down while they share one."""
    repo = GitRepo(tmp_path / "phoenix")
    _framework(repo, source_listed=False)
    plan = plan_clone(repo.path)
    assert dict(plan.services)["phoenix-js"] == "assets/js/phoenix/**"


def test_output_folders_inside_a_service_are_taken_out_of_it(tmp_path: Path) -> None:
    """A workspace member's committed ``dist/`` and a bundle beside its map are ``!`` globs of
    its service; its source stays in it."""
    repo = GitRepo(tmp_path / "mono")
    repo.commit(
        {
            "package.json": '{"private": true, "workspaces": ["packages/*"]}',
            "packages/ui/package.json": '{"name": "@acme/ui", "main": "dist/index.js"}',
            "packages/ui/src/index.ts": "export const a = 1;\n",
            "packages/ui/dist/index.js": "exports.a=1;\n",
            "packages/ui/vendor.js": "var v=1;\n",
            "packages/ui/vendor.js.map": "{}\n",
        },
        "Start",
        THURSDAY - timedelta(days=3),
    )
    plan = plan_clone(repo.path)
    org = parse_org_config(toml_for(plan, "UTC"))
    assert plan.paths("ui")[0] == "packages/ui/**"
    assert org.service_for_path(plan.repository, "packages/ui/src/index.ts") == "ui"
    assert org.service_for_path(plan.repository, "packages/ui/dist/index.js") is None
    assert org.service_for_path(plan.repository, "packages/ui/vendor.js") is None


def test_without_a_build_the_services_are_the_folders_holding_code(tmp_path: Path) -> None:
    """With no build file understood, the services are the top-level folders holding
    hand-written code: a folder of notes or images, and the build's output, are none."""
    repo = GitRepo(tmp_path / "plain")
    repo.commit(
        {
            "engine/core.c": "int main(void) { return 0; }\n",
            "ui/app.ts": "export const a = 1;\n",
            "notes/plan.txt": "plan\n",
            "art/logo.png": b"\x89PNG\r\n",
            "out/app.js": "var a=1;\n",
            "Makefile": "all:\n",
        },
        "Start",
        THURSDAY - timedelta(days=3),
    )
    plan = plan_clone(repo.path)
    assert plan.services == (("engine", "engine/**"), ("ui", "ui/**"))
    assert plan.found_by == "top-level code folders"


def test_code_folders_a_build_leaves_out_are_services_after_its_own(tmp_path: Path) -> None:
    """A build whose modules hold less than half of the clone's code (a Julia package whose
    engine is C in a folder of its own) gets the folders holding the rest as services, after
    its modules."""
    repo = GitRepo(tmp_path / "jl")
    repo.commit(
        {
            "Project.toml": 'name = "Fast"\n',
            "src/Fast.jl": "module Fast end\n",
            "engine/a.c": "int a;\n",
            "engine/b.c": "int b;\n",
            "engine/c.c": "int c;\n",
            "test/runtests.jl": "using Test\n",
        },
        "Start",
        THURSDAY - timedelta(days=3),
    )
    plan = plan_clone(repo.path)
    assert plan.services == (("fast", "src/**"), ("engine", "engine/**"))
    assert plan.found_by == "Julia packages (Project.toml), and the code folders it leaves out"


def test_a_package_of_another_language_beside_workspaces_is_a_service(tmp_path: Path) -> None:
    """npm workspaces that hold most of the code leave out a Python package that the root's uv
    workspace names (a full-stack template's back end): it is a service after them, while a
    left-out package no workspace names (a playground app) stays the warning's."""
    repo = GitRepo(tmp_path / "stack")
    repo.commit(
        {
            "package.json": '{"private": true, "workspaces": ["frontend"]}\n',
            "pyproject.toml": '[tool.uv.workspace]\nmembers = ["backend"]\n',
            "frontend/package.json": '{"name": "frontend"}\n',
            **{f"frontend/src/c{i}.ts": f"export const c{i} = {i};\n" for i in range(8)},
            "backend/pyproject.toml": '[project]\nname = "app"\n',
            "backend/app/main.py": "app = 1\n",
            "backend/app/models.py": "x = 1\n",
            "app/package.json": '{"name": "app", "private": true}\n',
            "app/pages/index.ts": "export const page = 1;\n",
        },
        "Start",
        THURSDAY - timedelta(days=3),
    )
    plan = plan_clone(repo.path)
    assert plan.services == (("frontend", "frontend/**"), ("backend", "backend/**"))
    assert plan.found_by == "package.json/pnpm workspaces, and the code folders it leaves out"


def test_a_published_folder_of_compiled_scripts_is_not_the_packages_code(tmp_path: Path) -> None:
    """A package whose ``files`` publish a committed ``lib/`` of scripts each beside its
    source map is the folder of its hand-written TypeScript, not that ``lib/``."""
    repo = GitRepo(tmp_path / "pkg")
    repo.commit(
        {
            "package.json": '{"name": "tiny", "main": "lib/index.js", "files": ["lib"]}',
            "lib/index.js": "exports.a=1;\n",
            "lib/index.js.map": "{}\n",
            "src/index.ts": "export const a = 1;\n",
        },
        "Start",
        THURSDAY - timedelta(days=3),
    )
    assert plan_clone(repo.path).services == (("tiny", "src/**"),)


def test_a_root_build_folder_of_go_source_is_the_modules_code(tmp_path: Path) -> None:
    """A Go module's root ``build/`` of Go packages (a plugin's build tools, with their tests)
    is the module's code, as ``go build ./...`` compiles it; its make files are not output
    folders' either, and a root ``build/`` of classes stays output."""
    assert not is_build_output("build/pluginctl/main.go")
    assert is_build_output("build/classes/A.class")
    _, service = _drafted(
        tmp_path / "plugin",
        {
            "go.mod": "module github.com/acme/plugin\n\ngo 1.22\n",
            "server/plugin.go": "package main\n",
            "server/plugin_test.go": "package main\n",
            "build/pluginctl/main.go": "package main\n",
            "build/pluginctl/logs.go": "package main\n",
            "build/pluginctl/logs_test.go": "package main\n",
            "build/setup.mk": "GO ?= go\n",
        },
    )
    (key,) = {service(p) for p in ("server/plugin.go", "build/pluginctl/main.go")}
    assert key is not None
    assert service("build/pluginctl/logs.go") == key
    assert service("build/pluginctl/logs_test.go") is None


def test_a_root_build_folder_of_rust_is_the_crates_code(tmp_path: Path) -> None:
    """A crate whose build script is ``build/main.rs`` (scryer-prolog's), with the modules it
    includes beside it, keeps them in its service: Cargo writes only into ``target/``, where
    Rust a build script generated is still output."""
    assert not is_build_output("build/main.rs")
    assert is_build_output("target/debug/build/x-1/out/bindings.rs")
    _, service = _drafted(
        tmp_path / "prolog",
        {
            "Cargo.toml": '[package]\nname = "prolog"\nbuild = "build/main.rs"\n',
            "src/lib.rs": "pub mod machine;\n",
            "src/machine.rs": "pub fn run() {}\n",
            "build/main.rs": "mod instructions_template;\nfn main() {}\n",
            "build/instructions_template.rs": "pub fn generate() {}\n",
        },
    )
    (key,) = {
        service(p) for p in ("src/machine.rs", "build/main.rs", "build/instructions_template.rs")
    }
    assert key is not None


def test_a_package_publishing_its_build_of_no_scripts_folder_is_the_clone(
    tmp_path: Path,
) -> None:
    """A package.json that publishes its build (``main`` in an untracked ``dist/``), names no
    ``files`` and has no folder of scripts its build read (lygia bundles the shaders of its
    topic folders) is one service of the clone's code, its tests left out; one naming its
    ``files`` is not read so."""
    package = (
        '{"name": "lygia", "version": "1.4.1", "main": "dist/umd/lygia.main.js",'
        ' "scripts": {"build": "webpack"}}'
    )
    shaders = {
        "color/luma.glsl": "float luma(vec3 c) { return dot(c, vec3(0.3)); }\n",
        "math/const.glsl": "#define PI 3.1415926535\n",
        "sdf/circleSDF.wgsl": "fn circleSDF(v: vec2f) -> f32 { return length(v); }\n",
        "webpack.config.js": "module.exports = {};\n",
        "test/luma.test.ts": "import { test } from 'vitest';\n",
    }
    _, service = _drafted(tmp_path / "lygia", {"package.json": package, **shaders})
    for code in ("color/luma.glsl", "math/const.glsl", "sdf/circleSDF.wgsl"):
        assert service(code) == "lygia"
    assert service("test/luma.test.ts") is None
    named = package.replace('"main"', '"files": ["dist"], "main"')
    _, other = _drafted(tmp_path / "named", {"package.json": named, **shaders})
    assert other("color/luma.glsl") != other("math/const.glsl")


def test_a_flat_npm_package_is_the_clone_less_its_tests(tmp_path: Path) -> None:
    """A package.json whose ``main`` is a code file at the root (lodash's ``lodash.js``) and
    which names no folder is one service of the clone's code, its build scripts and mappings
    in ``lib/`` and ``fp/`` included, its tests and docs left out."""
    repo = GitRepo(tmp_path / "lodash")
    repo.commit(
        {
            "package.json": '{"name": "lodash", "version": "4.18.1", "private": true,'
            ' "main": "lodash.js"}',
            "lodash.js": "var _ = {};\nmodule.exports = _;\n",
            "fp/_baseConvert.js": "module.exports = function () {};\n",
            "lib/main/build-dist.js": "require('fs');\n",
            "test/test.js": "require('../lodash');\n",
            "doc/README.md": "# lodash\n",
        },
        "Start",
        THURSDAY - timedelta(days=3),
    )
    plan = plan_clone(repo.path)
    org = parse_org_config(toml_for(plan, "UTC"))
    assert [k for k, _ in plan.services] == ["lodash"]
    for code in ("lodash.js", "fp/_baseConvert.js", "lib/main/build-dist.js"):
        assert org.service_for_path(plan.repository, code) == "lodash"
    assert org.service_for_path(plan.repository, "test/test.js") is None
