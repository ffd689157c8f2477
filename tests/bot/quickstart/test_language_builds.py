"""Services drafted from the builds of Elixir, Erlang, Scala, Haskell, Swift, Dart, Clojure,
OCaml, Julia, R, Zig, D (dub), PlatformIO and Perl on small clones: each file's service as the
drafted riskbrief.toml reads it, tests, docs and build output in none."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.bot.quickstart.plans import drafted as _plan

pytestmark = pytest.mark.usefixtures("clean_git_env")

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_a_mix_project_is_its_lib_and_a_nested_mix_project_its_own(tmp_path: Path) -> None:
    """A root mix.exs is one service named by its ``app:``, its ``lib/``; a nested Mix project
    naming its app (an installer) is another; a generator's template and tests are none."""
    plan, owner = _plan(
        tmp_path / "fw",
        {
            "mix.exs": "defmodule Fw.MixProject do\n  def project, do: [app: :fw]\nend\n",
            "lib/fw.ex": "defmodule Fw do end\n",
            "lib/fw/router.ex": "defmodule Fw.Router do end\n",
            "test/fw_test.exs": "defmodule FwTest do end\n",
            "installer/mix.exs": "def project, do: [app: :fw_new]\n",
            "installer/lib/fw_new.ex": "defmodule FwNew do end\n",
            "installer/templates/app/mix.exs": "[app: :<%= @app_name %>]\n",
            "installer/templates/app/lib/app.ex": "defmodule App do end\n",
        },
    )
    assert plan.services == (("fw", "lib/**"), ("fw_new", "installer/lib/**"))
    assert plan.found_by == "Mix projects (mix.exs)"
    assert owner["lib/fw/router.ex"] == "fw"
    assert owner["installer/lib/fw_new.ex"] == "fw_new"
    assert owner["test/fw_test.exs"] == owner["installer/templates/app/lib/app.ex"] == "-"


def test_a_phoenix_app_s_priv_ships_with_it_but_its_static_files(tmp_path: Path) -> None:
    """An OTP application's ``priv/`` ships in its release: a Phoenix app's Ecto migrations,
    seeds and scripts are its service's; ``priv/static`` (bundles, images) and tests are not;
    an umbrella app's own ``priv/`` is that app's."""
    plan, owner = _plan(
        tmp_path / "shop",
        {
            "mix.exs": "def project, do: [app: :shop]\n",
            "lib/shop/orders.ex": "defmodule Shop.Orders do end\n",
            "priv/repo/migrations/20240101_create_orders.exs": "defmodule M do end\n",
            "priv/repo/seeds.exs": "Shop.Repo.insert!(%{})\n",
            "priv/static/assets/app.js": "console.log(1)\n",
            "priv/static/images/logo.svg": "<svg/>\n",
            "test/shop/orders_test.exs": "defmodule OrdersTest do end\n",
        },
    )
    assert plan.services == (("shop", "lib/**"),)
    assert owner["priv/repo/migrations/20240101_create_orders.exs"] == "shop"
    assert owner["priv/repo/seeds.exs"] == "shop"
    assert owner["priv/static/assets/app.js"] == owner["priv/static/images/logo.svg"] == "-"
    assert owner["test/shop/orders_test.exs"] == "-"
    _, umbrella = _plan(
        tmp_path / "umbrella",
        {
            "mix.exs": 'def project, do: [apps_path: "apps"]\n',
            "apps/store/mix.exs": "def project, do: [app: :store]\n",
            "apps/store/lib/store.ex": "defmodule Store do end\n",
            "apps/store/priv/repo/migrations/1_init.exs": "defmodule Init do end\n",
        },
    )
    assert umbrella["apps/store/priv/repo/migrations/1_init.exs"] == "store"


def test_a_mix_umbrella_is_one_service_per_app(tmp_path: Path) -> None:
    """An umbrella's ``apps_path`` apps are the services, each its ``lib/`` by its app name."""
    plan, owner = _plan(
        tmp_path / "umbrella",
        {
            "mix.exs": 'def project, do: [apps_path: "apps"]\n',
            "apps/core/mix.exs": "def project, do: [app: :shop_core]\n",
            "apps/core/lib/core.ex": "defmodule Core do end\n",
            "apps/web/mix.exs": "def project, do: [app: :shop_web]\n",
            "apps/web/lib/web.ex": "defmodule Web do end\n",
            "apps/web/test/web_test.exs": "defmodule WebTest do end\n",
        },
    )
    assert dict(plan.services) == {"shop_core": "apps/core/lib/**", "shop_web": "apps/web/lib/**"}
    assert plan.found_by == "the Mix umbrella's apps (mix.exs)"
    assert owner["apps/web/test/web_test.exs"] == "-"


def test_rebar3_applications_are_their_src_named_by_app_src(tmp_path: Path) -> None:
    """A rebar.config project's ``apps/*`` are services named by their ``.app.src``."""
    plan, owner = _plan(
        tmp_path / "otp",
        {
            "rebar.config": "{deps, []}.\n",
            "apps/store/src/store.app.src": "{application, kv_store, []}.\n",
            "apps/store/src/store.erl": "-module(store).\n",
            "apps/store/include/store.hrl": "-record(r, {}).\n",
            "apps/store/test/store_SUITE.erl": "-module(store_SUITE).\n",
        },
    )
    assert plan.services == (("kv_store", "apps/store/src/**"),)
    assert plan.found_by == "OTP applications (rebar.config)"
    assert owner["apps/store/include/store.hrl"] == "kv_store"
    assert owner["apps/store/test/store_SUITE.erl"] == "-"


def test_sbt_projects_are_their_folders_and_docs_projects_are_none(tmp_path: Path) -> None:
    """``lazy val x = project.in(file(...))`` and a bare ``project`` (its own folder's name)
    are services; the root aggregate and a docs project are none, nor is ``src/test``."""
    build = (
        'lazy val root = (project in file(".")).aggregate(core, http)\n'
        'lazy val core = project.in(file("modules/core")).settings(name := "acme-core")\n'
        "lazy val http = project\n"
        'lazy val docs = project.in(file("docs"))\n'
    )
    plan, owner = _plan(
        tmp_path / "scala",
        {
            "build.sbt": build,
            "modules/core/src/main/scala/Core.scala": "object Core\n",
            "modules/core/src/test/scala/CoreSpec.scala": "class CoreSpec\n",
            "http/src/main/scala/Http.scala": "object Http\n",
            "docs/index.md": "# docs\n",
        },
    )
    assert plan.services == (("acme-core", "modules/core/**"), ("http", "http/**"))
    assert plan.found_by == "sbt projects (build.sbt)"
    assert owner["modules/core/src/test/scala/CoreSpec.scala"] == "-"
    assert owner["http/src/main/scala/Http.scala"] == "http"


def test_a_cabal_package_is_its_library_and_executable_source_dirs(tmp_path: Path) -> None:
    """A root .cabal file is one service named by ``name:``: its library's and executables'
    ``hs-source-dirs``, never its test suite's."""
    cabal = (
        "cabal-version: 2.4\nname: pandoc-lite\n\n"
        "library\n  hs-source-dirs: src\n  exposed-modules: Lite\n\n"
        "executable lite\n  hs-source-dirs: app\n  main-is: Main.hs\n\n"
        "test-suite spec\n  hs-source-dirs: test\n  main-is: Spec.hs\n"
    )
    plan, owner = _plan(
        tmp_path / "hs",
        {
            "pandoc-lite.cabal": cabal,
            "src/Lite.hs": "module Lite where\n",
            "app/Main.hs": "main = pure ()\n",
            "test/Spec.hs": "main = pure ()\n",
        },
    )
    assert plan.services == (("pandoc-lite", "src/**"),)
    assert plan.found_by == "the Cabal package (pandoc-lite.cabal)"
    assert owner["app/Main.hs"] == owner["src/Lite.hs"] == "pandoc-lite"
    assert owner["test/Spec.hs"] == "-"


def test_swift_targets_are_their_sources_and_test_targets_none(tmp_path: Path) -> None:
    """Each target of Package.swift is a service, ``Sources/<name>`` or its ``path:``; a
    ``.target`` named among another's dependencies is no second declaration."""
    package = (
        'let package = Package(name: "Kit", targets: [\n'
        '  .target(name: "Kit"),\n'
        '  .executableTarget(name: "kit-cli", dependencies: [.target(name: "Kit")],'
        ' path: "Apps/CLI"),\n'
        '  .testTarget(name: "KitTests", dependencies: ["Kit"]),\n'
        "])\n"
    )
    plan, owner = _plan(
        tmp_path / "swift",
        {
            "Package.swift": package,
            "Sources/Kit/Kit.swift": "public struct Kit {}\n",
            "Apps/CLI/main.swift": "print(1)\n",
            "Tests/KitTests/KitTests.swift": "import XCTest\n",
            "Kit.xcodeproj/project.pbxproj": "// !$*UTF8*$!\n",
        },
    )
    assert plan.services == (("kit", "Sources/Kit/**"), ("kit-cli", "Apps/CLI/**"))
    assert plan.found_by == "Swift package targets (Package.swift)"
    assert owner["Tests/KitTests/KitTests.swift"] == "-"
    assert owner["Package.swift"] == owner["Kit.xcodeproj/project.pbxproj"] == "kit"


def test_dart_packages_of_a_melos_workspace_are_their_lib(tmp_path: Path) -> None:
    """melos.yaml's packages are services named by their pubspec, each its ``lib/``; an
    example app inside a package is none."""
    plan, owner = _plan(
        tmp_path / "dart",
        {
            "melos.yaml": "name: mono\npackages:\n  - packages/**\n",
            "pubspec.yaml": "name: mono_workspace\n",
            "packages/http_core/pubspec.yaml": "name: http_core\n",
            "packages/http_core/lib/http_core.dart": "class Core {}\n",
            "packages/http_core/test/core_test.dart": "void main() {}\n",
            "packages/http_core/example/pubspec.yaml": "name: demo\n",
            "packages/http_core/example/lib/main.dart": "void main() {}\n",
        },
    )
    assert plan.services == (("http_core", "packages/http_core/lib/**"),)
    assert plan.found_by == "Dart packages (pubspec.yaml)"
    assert owner["packages/http_core/example/lib/main.dart"] == "-"


def test_a_clojure_project_is_its_source_paths(tmp_path: Path) -> None:
    """project.clj's ``:source-paths`` (and Java sources) are one service named by
    ``defproject``; deps.edn's ``:paths`` less resources likewise."""
    plan, owner = _plan(
        tmp_path / "clj",
        {
            "project.clj": '(defproject acme/ring-lite "1.0"\n  :source-paths ["src/clj"]\n'
            '  :java-source-paths ["src/java"])\n',
            "src/clj/ring/lite.clj": "(ns ring.lite)\n",
            "src/java/ring/Lite.java": "class Lite {}\n",
            "test/ring/lite_test.clj": "(ns ring.lite-test)\n",
        },
    )
    assert plan.services == (("ring-lite", "src/clj/**"),)
    assert plan.found_by == "the Clojure project (project.clj)"
    assert owner["src/java/ring/Lite.java"] == "ring-lite"
    assert owner["test/ring/lite_test.clj"] == "-"
    edn, owned = _plan(
        tmp_path / "edn",
        {
            "deps.edn": '{:paths ["src" "resources"] :aliases {:test {:extra-paths ["test"]}}}\n',
            "src/a/core.clj": "(ns a.core)\n",
            "resources/config.edn": "{}\n",
        },
    )
    assert edn.services == (("edn", "src/**"),)
    assert owned["resources/config.edn"] == "-"


def test_a_dune_project_is_its_library_and_executable_folders(tmp_path: Path) -> None:
    """dune-project's ``(name …)`` names one service of the folders whose ``dune`` file
    declares a library or executables; test/ is none."""
    plan, owner = _plan(
        tmp_path / "ml",
        {
            "dune-project": "(lang dune 3.0)\n(name yaml_lite)\n",
            "lib/dune": "(library (name yaml_lite))\n",
            "lib/yaml_lite.ml": "let x = 1\n",
            "bin/dune": "(executable (name main))\n",
            "bin/main.ml": "let () = ()\n",
            "test/dune": "(test (name t))\n",
            "test/t.ml": "let () = ()\n",
        },
    )
    assert plan.services == (("yaml_lite", "lib/**"),)
    assert plan.found_by == "the dune project (dune-project)"
    assert owner["lib/yaml_lite.ml"] == owner["bin/main.ml"] == "yaml_lite"
    assert owner["test/t.ml"] == "-"


def test_julia_packages_are_their_src_named_by_project_toml(tmp_path: Path) -> None:
    """Every Project.toml with a ``name`` is a service of its ``src/`` (and ``ext/``); the
    docs' and tests' environments are none."""
    plan, owner = _plan(
        tmp_path / "jl",
        {
            "Project.toml": 'name = "Plots"\nuuid = "x"\n',
            "src/Plots.jl": "module Plots end\n",
            "ext/PlotsUnitful.jl": "module PlotsUnitful end\n",
            "lib/PlotsBase/Project.toml": 'name = "PlotsBase"\n',
            "lib/PlotsBase/src/PlotsBase.jl": "module PlotsBase end\n",
            "docs/Project.toml": "[deps]\n",
            "docs/make.jl": "using Documenter\n",
            "test/runtests.jl": "using Test\n",
        },
    )
    assert plan.services == (("plots", "src/**"), ("plotsbase", "lib/PlotsBase/src/**"))
    assert plan.found_by == "Julia packages (Project.toml)"
    assert owner["ext/PlotsUnitful.jl"] == "plots"
    assert owner["docs/make.jl"] == owner["test/runtests.jl"] == "-"


def test_an_r_package_is_its_r_and_src_folders(tmp_path: Path) -> None:
    """A DESCRIPTION naming its ``Package:`` is one service of ``R/`` and ``src/``."""
    plan, owner = _plan(
        tmp_path / "r",
        {
            "DESCRIPTION": "Package: dplyr\nVersion: 1.0\n",
            "R/mutate.R": "mutate <- function() 1\n",
            "src/filter.cpp": "int f() { return 1; }\n",
            "tests/testthat/test-mutate.R": "test_that()\n",
            "vignettes/intro.Rmd": "# intro\n",
        },
    )
    assert plan.services == (("dplyr", "R/**"),)
    assert plan.found_by == "the R package (DESCRIPTION)"
    assert owner["src/filter.cpp"] == "dplyr"
    assert owner["tests/testthat/test-mutate.R"] == "-"


def test_a_zig_build_is_its_src_named_by_build_zig_zon(tmp_path: Path) -> None:
    """build.zig with its build.zig.zon is one service of ``src/`` named by ``.name``."""
    plan, owner = _plan(
        tmp_path / "zig",
        {
            "build.zig": "pub fn build(b: *std.Build) void {}\n",
            "build.zig.zon": '.{ .name = .ziglings, .version = "0.1.0" }\n',
            "src/main.zig": "pub fn main() void {}\n",
            "test/tests.zig": "test {}\n",
        },
    )
    assert plan.services == (("ziglings", "src/**"),)
    assert plan.found_by == "the Zig build (build.zig)"
    assert owner["test/tests.zig"] == "-"


def test_a_module_its_build_names_not_is_named_after_its_folder_or_the_clone(
    tmp_path: Path,
) -> None:
    """A Zig build without build.zig.zon and an umbrella app whose mix.exs names its app
    through ``@app`` are keyed by the clone and by the app's folder, never ``src`` or
    ``lib``; a C++ project's root CMakeLists.txt is its build, a Package.swift beside it no
    second reading."""
    zig, _ = _plan(tmp_path / "ziglings", {"build.zig": "\n", "src/main.zig": "\n"})
    assert zig.services == (("ziglings", "src/**"),)
    mix, _ = _plan(
        tmp_path / "mix",
        {"mix.exs": "@app :shop\ndef project, do: [app: @app]\n", "lib/shop.ex": "\n"},
    )
    assert mix.services == (("shop", "lib/**"),)
    both, _ = _plan(
        tmp_path / "json",
        {
            "CMakeLists.txt": "project(nlohmann_json CXX)\n",
            "Package.swift": 'let p = Package(targets: [.target(name: "json", path: "src")])\n',
            "include/json.hpp": "#pragma once\n",
            "src/modules.cpp": "int a;\n",
        },
    )
    assert both.found_by == "the CMake project (CMakeLists.txt)"


def test_an_erlang_mk_project_is_its_src_named_by_the_makefile(tmp_path: Path) -> None:
    """An erlang.mk project (no rebar.config) is one OTP application named by the Makefile's
    ``PROJECT``, its ``src/``."""
    plan, owner = _plan(
        tmp_path / "web",
        {
            "erlang.mk": "# erlang.mk\n",
            "Makefile": "PROJECT = cowboy\ninclude erlang.mk\n",
            "src/cowboy.erl": "-module(cowboy).\n",
            "test/cowboy_SUITE.erl": "-module(cowboy_SUITE).\n",
            "ebin/cowboy.app": "{application, 'cowboy', [{vsn, \"2.18.0\"}]}.\n",
            "ebin/cowboy.beam": "",
        },
    )
    assert plan.services == (("cowboy", "src/**"),)
    assert plan.found_by == "OTP applications (erlang.mk)"
    assert owner["test/cowboy_SUITE.erl"] == owner["ebin/cowboy.beam"] == "-"
    # The application's committed resource file, which its releases bump, is its own.
    assert owner["ebin/cowboy.app"] == "cowboy"


def test_a_perl_distribution_is_its_lib_and_the_programs_it_installs(tmp_path: Path) -> None:
    """A Makefile.PL is one service named by the distribution (``Image-ExifTool``): its
    ``lib/``, the program its ``EXE_FILES`` names at the root, and its build files; its ``t/``
    tests are none."""
    plan, owner = _plan(
        tmp_path / "exiftool",
        {
            "Makefile.PL": "WriteMakefile(\n    NAME => 'Image::ExifTool',\n"
            "    EXE_FILES => [ 'exiftool' ],\n);\n",
            "exiftool": "#!/usr/bin/env perl\nuse Image::ExifTool;\n",
            "lib/Image/ExifTool.pm": "package Image::ExifTool;\n1;\n",
            "lib/Image/ExifTool/GPS.pm": "package Image::ExifTool::GPS;\n1;\n",
            "t/GPS.t": "use Test::More;\n",
            "t/TestLib.pm": "package t::TestLib;\n1;\n",
        },
    )
    assert plan.services == (("image-exiftool", "lib/**"),)
    assert plan.found_by == "the Perl distribution (Makefile.PL)"
    for code in ("lib/Image/ExifTool/GPS.pm", "exiftool", "Makefile.PL"):
        assert owner[code] == "image-exiftool"
    assert owner["t/GPS.t"] == owner["t/TestLib.pm"] == "-"


def test_an_old_style_perl_distribution_is_the_clone(tmp_path: Path) -> None:
    """A Build.PL beside its one module at the root (``Foo.pm``, ``Foo.xs``) and a ``bin/``
    program is one service of the clone, named by ``META.json``."""
    plan, owner = _plan(
        tmp_path / "foo",
        {
            "Build.PL": "Module::Build->new(module_name => 'Foo::Bar')->create_build_script;\n",
            "META.json": '{"name": "Foo-Bar", "version": "1.0"}',
            "Bar.pm": "package Foo::Bar;\n1;\n",
            "Bar.xs": "#include <EXTERN.h>\n",
            "bin/foo": "#!/usr/bin/perl\n",
            "t/basic.t": "use Test::More;\n",
        },
    )
    assert [k for k, _ in plan.services] == ["foo-bar"]
    assert owner["Bar.pm"] == owner["Bar.xs"] == "foo-bar"
    assert owner["t/basic.t"] == "-"


def test_an_hpack_package_is_its_library_and_executable_source_dirs(tmp_path: Path) -> None:
    """A Haskell package with only hpack's package.yaml is its library's and executables'
    ``source-dirs``, never its tests'."""
    spec = (
        "name: shellcheck-lite\nlibrary:\n  source-dirs: src\n"
        "executables:\n  lite:\n    source-dirs: app\n"
        "tests:\n  spec:\n    source-dirs: test\n"
    )
    plan, owner = _plan(
        tmp_path / "hpack",
        {"package.yaml": spec, "src/A.hs": "\n", "app/Main.hs": "\n", "test/Spec.hs": "\n"},
    )
    assert plan.services == (("shellcheck-lite", "src/**"),)
    assert owner["app/Main.hs"] == "shellcheck-lite"
    assert owner["test/Spec.hs"] == "-"


def test_clojure_subprojects_are_each_a_service(tmp_path: Path) -> None:
    """A root project.clj holding no code of its own, with subprojects in folders, is one
    service per subproject, named by its ``defproject``."""
    plan, _ = _plan(
        tmp_path / "ring",
        {
            "project.clj": '(defproject ring "1.0" :plugins [[lein-sub "0.3.0"]])\n',
            "ring-core/project.clj": '(defproject ring/ring-core "1.0")\n',
            "ring-core/src/ring/core.clj": "(ns ring.core)\n",
            "ring-devel/project.clj": '(defproject ring/ring-devel "1.0")\n',
            "ring-devel/src/ring/devel.clj": "(ns ring.devel)\n",
        },
    )
    assert plan.services == (("ring-core", "ring-core/src/**"), ("ring-devel", "ring-devel/src/**"))
    assert plan.found_by == "Clojure projects (project.clj)"


def test_build_files_of_unexpected_shape_are_read_as_no_build(tmp_path: Path) -> None:
    """A melos glob that is no glob, a Project.toml that is not TOML, a package.yaml that is
    not YAML and a Package.swift with no target end in the clone's code folders, not an
    error."""
    plan, _ = _plan(
        tmp_path / "odd",
        {
            "melos.yaml": "packages:\n  - '[oops'\n",
            "Project.toml": "name = \n",
            "package.yaml": "name: [\n",
            "Package.swift": 'let package = Package(name: "x")\n',
            "core/a.c": "int a;\n",
        },
    )
    assert plan.services == (("core", "core/**"),)
    assert plan.found_by == "top-level code folders"


def test_a_builds_own_files_are_its_modules(tmp_path: Path) -> None:
    """What a build is written in (build.sbt and project/, a subproject's project.clj, a
    flat Zig library's build.zig) is in the service it builds: the first module for the
    clone's root build, each subproject for its own."""
    _, owner = _plan(
        tmp_path / "sbt",
        {
            "build.sbt": 'lazy val core = project.in(file("core"))\nlazy val http = project\n',
            "project/Deps.scala": "object Deps\n",
            "core/src/main/scala/A.scala": "object A\n",
            "http/src/main/scala/B.scala": "object B\n",
        },
    )
    assert owner["build.sbt"] == owner["project/Deps.scala"] == "core"
    ring, owner = _plan(
        tmp_path / "ring",
        {
            "project.clj": '(defproject ring "1.0" :source-paths ["ring-core/src"])\n',
            "ring-core/project.clj": '(defproject ring/ring-core "1.0")\n',
            "ring-core/src/ring/core.clj": "(ns ring.core)\n",
        },
    )
    assert ring.services == (("ring-core", "ring-core/src/**"),)
    assert owner["ring-core/project.clj"] == "ring-core"
    zig, owner = _plan(
        tmp_path / "clap", {"build.zig": "\n", "clap.zig": "\n", "example/simple.zig": "\n"}
    )
    assert zig.services == (("clap", "**"),)
    assert owner["clap.zig"] == owner["build.zig"] == "clap"
    assert owner["example/simple.zig"] == "-"


def test_a_dub_package_is_one_service_named_by_its_recipe(tmp_path: Path) -> None:
    """A root dub.sdl is one service named by its ``name``, of dub's default ``source/``, with
    the recipe and its selections; its tests, examples and build scripts are in none, and a
    configuration's own settings (indented) name nothing."""
    plan, owner = _plan(
        tmp_path / "dub-clone",
        {
            "dub.sdl": 'name "dub"\ndescription "Package manager"\nconfiguration "library" {\n'
            '\tname "ignored"\n}\n',
            "dub.selections.json": '{"fileVersion": 1, "versions": {}}\n',
            "source/app.d": "void main() {}\n",
            "source/dub/package_.d": "module dub.package_;\n",
            "test/issue-1.d": "void main() {}\n",
            "examples/app/source/app.d": "void main() {}\n",
            "build.d": "void main() {}\n",
        },
    )
    assert plan.found_by == "the dub package (dub.sdl)"
    assert [key for key, _ in plan.services] == ["dub"]
    for path in ("source/dub/package_.d", "dub.sdl", "dub.selections.json"):
        assert owner[path] == "dub", path
    for path in ("test/issue-1.d", "examples/app/source/app.d"):
        assert owner[path] == "-", path


def test_a_dub_json_names_its_source_paths(tmp_path: Path) -> None:
    """A root dub.json's ``sourcePaths`` are the package's code, named by its ``name``."""
    plan, owner = _plan(
        tmp_path / "vibe",
        {
            "dub.json": '{"name": "vibe-core", "sourcePaths": ["lib"]}',
            "lib/vibe/core/task.d": "module vibe.core.task;\n",
        },
    )
    assert [key for key, _ in plan.services] == ["vibe-core"]
    assert owner["lib/vibe/core/task.d"] == owner["dub.json"] == "vibe-core"


def test_a_platformio_project_is_one_firmware_of_its_sources_and_boards(tmp_path: Path) -> None:
    """A root platformio.ini is one service of ``src/``, its boards and the folders of the
    board configurations it reads (``variants/``), with the file itself; its build scripts,
    monitor filters, as the clone's one service's code left out of it, are its too
    (``lone_service``); its tests are in none."""
    plan, owner = _plan(
        tmp_path / "firmware",
        {
            "platformio.ini": "; PlatformIO Project Configuration File\n[platformio]\n"
            "default_envs = heltec-v3\nextra_configs =\n\tvariants/*/*.ini\n"
            "\tvariants/*/*/platformio.ini\n\n[env]\nextra_scripts =\n"
            "\tpre:bin/platformio-pre.py\n\textra_scripts/esp32_extra.py\n",
            "src/main.cpp": "int main() { return 0; }\n",
            "src/mesh/Router.cpp": "void route() {}\n",
            "variants/esp32/heltec_v3/variant.h": "#define LED 35\n",
            "variants/esp32/heltec_v3/platformio.ini": "[env:heltec-v3]\nboard = heltec\n",
            "boards/heltec.json": '{"name": "heltec"}\n',
            "extra_scripts/esp32_extra.py": "Import('env')\n",
            "bin/platformio-pre.py": "Import('env')\n",
            "monitor/filter_exception_decoder.py": "class Filter: pass\n",
            "test/test_mesh/test_main.cpp": "void test() {}\n",
        },
    )
    assert plan.found_by == "the PlatformIO project (platformio.ini)"
    assert [key for key, _ in plan.services] == ["firmware"]
    for path in (
        "src/mesh/Router.cpp",
        "variants/esp32/heltec_v3/variant.h",
        "boards/heltec.json",
        "platformio.ini",
        "extra_scripts/esp32_extra.py",
        "bin/platformio-pre.py",
        "monitor/filter_exception_decoder.py",
    ):
        assert owner[path] == "firmware", path
    assert owner["test/test_mesh/test_main.cpp"] == "-"


def test_a_platformio_src_dir_names_the_firmwares_code(tmp_path: Path) -> None:
    """``src_dir`` under ``[platformio]`` (Marlin's ``Marlin/``) is the firmware's code."""
    plan, owner = _plan(
        tmp_path / "marlin",
        {
            "platformio.ini": "[platformio]\nsrc_dir = Marlin\nboards_dir = buildroot/boards\n",
            "Marlin/src/MarlinCore.cpp": "void setup() {}\n",
            "Marlin/Configuration.h": "#define X 1\n",
        },
    )
    assert [key for key, _ in plan.services] == ["marlin"]
    assert owner["Marlin/src/MarlinCore.cpp"] == owner["platformio.ini"] == "marlin"
