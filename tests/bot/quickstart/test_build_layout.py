"""Services drafted from each kind of build, on small clones: each file's service as the drafted
riskbrief.toml reads it, with docs, tests, examples and test data in none."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.quickstart.clone_files import index_paths
from bot.quickstart.draft import toml_for
from data.config import parse_org_config
from tests.bot.quickstart.plans import drafted as _plan
from tests.bot.quickstart.plans import owners
from tests.data.sources.gitrepo import GitRepo

pytestmark = pytest.mark.usefixtures("clean_git_env")

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_a_cargo_workspace_is_one_service_per_member_crate_named_by_its_package(
    tmp_path: Path,
) -> None:
    """Workspace members (globs, less ``exclude``) are services keyed by their package names;
    test and xtask crates are none; the root package is its bin's folder and build script."""
    plan, owner = _plan(
        tmp_path / "rg",
        {
            "Cargo.toml": (
                '[package]\nname = "ripgrep"\nbuild = "build.rs"\n\n'
                '[[bin]]\nname = "rg"\npath = "crates/core/main.rs"\n\n'
                '[workspace]\nmembers = ["crates/*", "xtask", "test_suite"]\n'
                'exclude = ["crates/fuzz"]\n'
            ),
            "build.rs": "fn main() {}\n",
            "crates/core/main.rs": "fn main() {}\n",
            "crates/cli/Cargo.toml": '[package]\nname = "grep-cli"\n',
            "crates/cli/src/lib.rs": "pub fn a() {}\n",
            "crates/cli/tests/it.rs": "#[test] fn t() {}\n",
            "crates/cli/benches/b.rs": "fn b() {}\n",
            "crates/fuzz/Cargo.toml": '[package]\nname = "fuzz"\n',
            "crates/fuzz/src/lib.rs": "\n",
            "xtask/Cargo.toml": '[package]\nname = "xtask"\n',
            "xtask/src/main.rs": "fn main() {}\n",
            "test_suite/Cargo.toml": '[package]\nname = "test_suite"\n',
            "test_suite/tests/t.rs": "\n",
        },
    )
    assert [k for k, _ in plan.services] == ["grep-cli", "ripgrep"]
    assert plan.found_by == "Cargo workspace members (Cargo.toml)"
    assert owner == {
        "Cargo.toml": "-",
        "build.rs": "ripgrep",
        "crates/core/main.rs": "ripgrep",
        "crates/cli/Cargo.toml": "grep-cli",
        "crates/cli/src/lib.rs": "grep-cli",
        "crates/cli/tests/it.rs": "-",
        "crates/cli/benches/b.rs": "-",
        "crates/fuzz/Cargo.toml": "-",
        "crates/fuzz/src/lib.rs": "-",
        "xtask/Cargo.toml": "-",
        "xtask/src/main.rs": "-",
        "test_suite/Cargo.toml": "-",
        "test_suite/tests/t.rs": "-",
    }


def test_a_single_cargo_crate_is_its_src_and_build_script(tmp_path: Path) -> None:
    """A root Cargo.toml with only ``[package]`` is one service: src/, build.rs and the
    Cargo.toml itself, not tests/, benches/ or examples/."""
    plan, owner = _plan(
        tmp_path / "clone",
        {
            "Cargo.toml": '[package]\nname = "memchr"\n',
            "build.rs": "fn main() {}\n",
            "src/lib.rs": "pub fn a() {}\n",
            "tests/t.rs": "\n",
            "benches/b.rs": "\n",
            "examples/e.rs": "\n",
        },
    )
    assert plan.services == (("memchr", "src/**"),)
    assert plan.found_by == "one Cargo crate (Cargo.toml)"
    assert {p for p, k in owner.items() if k == "memchr"} == {
        "src/lib.rs",
        "build.rs",
        "Cargo.toml",
    }


def test_a_cmake_project_is_one_service_named_by_project(tmp_path: Path) -> None:
    """A root CMakeLists.txt is one service named after ``project()``: its C++ code folders and
    the CMakeLists.txt itself, never test/, doc/ or bench/; the one service's build helpers
    (support/, cmake/) are its too (``lone_service``)."""
    plan, owner = _plan(
        tmp_path / "clone",
        {
            "CMakeLists.txt": "cmake_minimum_required(VERSION 3.8)\nproject(FMT CXX)\n",
            "include/fmt/core.h": "#pragma once\n",
            "src/format.cc": "int a;\n",
            "test/format-test.cc": "int t;\n",
            "doc/api.md": "# API\n",
            "support/build.py": "x = 1\n",
            "bench/bench.cpp": "int b;\n",
            "cmake/config.h.in": "#define X\n",
        },
    )
    assert plan.services == (("fmt", "include/**"),)
    assert plan.found_by == "the CMake project (CMakeLists.txt)"
    assert {p for p, k in owner.items() if k == "fmt"} == {
        "include/fmt/core.h",
        "src/format.cc",
        "CMakeLists.txt",
        "support/build.py",
        "cmake/config.h.in",
    }


def test_a_root_cmake_project_wins_over_a_contributed_dotnet_binding(tmp_path: Path) -> None:
    """zlib's C sources and CMakeLists.txt at the root, with a C# binding someone contributed
    (``contrib/dotzlib``, a .csproj and no solution): the CMake project is the clone's build,
    its code at the root in it, not a service of the binding alone; its tests, by folder or by
    name in C++ or C#, stay out of it."""
    plan, owner = _plan(
        tmp_path / "zlib",
        {
            "CMakeLists.txt": "cmake_minimum_required(VERSION 3.5)\nproject(zlib C)\n",
            "deflate.c": "int deflate;\n",
            "zlib.h": "int z;\n",
            "contrib/dotzlib/DotZLib/DotZLib.csproj": '<Project Sdk="Microsoft.NET.Sdk" />\n',
            "contrib/dotzlib/DotZLib/Deflater.cs": "namespace DotZLib { }\n",
            "contrib/dotzlib/DotZLib/UnitTests.cs": "namespace DotZLibTests { }\n",
            "contrib/iostream2/zstream_test.cpp": "int main() { return 0; }\n",
            "test/example.c": "int t;\n",
        },
    )
    assert plan.found_by == "the CMake project (CMakeLists.txt)"
    assert owner["deflate.c"] == owner["zlib.h"] == "zlib"
    assert owner["contrib/dotzlib/DotZLib/Deflater.cs"] == "zlib"
    # Tests by their names in any of the scorer's languages stay out of the service.
    for test in ("test/example.c", "contrib/dotzlib/DotZLib/UnitTests.cs",
                 "contrib/iostream2/zstream_test.cpp"):  # fmt: skip
        assert owner[test] == "-", test


def test_a_gem_is_its_lib_and_the_executables_its_gemspec_ships(tmp_path: Path) -> None:
    """A root gemspec is one service named after the gem: lib/, exe/ when it is the bindir, and
    the gemspec itself, and, as the clone's one service, bin/'s development scripts; test/ is
    not in it."""
    plan, owner = _plan(
        tmp_path / "clone",
        {
            "rack.gemspec": 'Gem::Specification.new do |s|\n  s.name = "rack"\n'
            '  s.bindir = "exe"\nend\n',
            "lib/rack.rb": "module Rack; end\n",
            "exe/rackup": "#!/usr/bin/env ruby\n",
            "bin/setup": "#!/bin/sh\n",
            "test/spec_rack.rb": "\n",
        },
    )
    assert plan.services == (("rack", "lib/**"),)
    assert {p for p, k in owner.items() if k == "rack"} == {
        "lib/rack.rb",
        "exe/rackup",
        "rack.gemspec",
        "bin/setup",
    }


def test_each_gem_of_a_repository_is_a_service(tmp_path: Path) -> None:
    """A main gem beside two sub-gems in their own folders drafts three services, each its
    gem's ``lib/`` (and executables); a gemspec among test fixtures is none."""
    spec = 'Gem::Specification.new do |s|\n  s.name = "{}"\nend\n'
    plan, owner = _plan(
        tmp_path / "clone",
        {
            "sass.gemspec": spec.format("sass"),
            "lib/sass.rb": "module Sass; end\n",
            "sass-rails/sass-rails.gemspec": spec.format("sass-rails").replace(
                "end", 's.bindir = "exe"\nend'
            ),
            "sass-rails/lib/sass/rails.rb": "module Sass::Rails; end\n",
            "sass-rails/exe/sass-rails": "#!/usr/bin/env ruby\n",
            "sass-rails/spec/rails_spec.rb": "\n",
            "sass-embedded/sass-embedded.gemspec": spec.format("sass-embedded"),
            "sass-embedded/lib/sass/embedded.rb": "module Sass::Embedded; end\n",
            "spec/fixtures/fake/fake.gemspec": spec.format("fake"),
            "spec/fixtures/fake/lib/fake.rb": "\n",
        },
    )
    assert plan.services == (
        ("sass", "lib/**"),
        ("sass-embedded", "sass-embedded/lib/**"),
        ("sass-rails", "sass-rails/lib/**"),
    )
    assert (
        owner["sass-rails/lib/sass/rails.rb"] == owner["sass-rails/exe/sass-rails"] == "sass-rails"
    )
    assert owner["sass-embedded/lib/sass/embedded.rb"] == "sass-embedded"
    assert owner["sass-rails/spec/rails_spec.rb"] == owner["spec/fixtures/fake/lib/fake.rb"] == "-"


def test_composer_autoload_paths_are_the_service(tmp_path: Path) -> None:
    """composer.json's autoload psr-4 folder is one service named after the package's name
    part; autoload-dev's tests are not in it."""
    plan, owner = _plan(
        tmp_path / "clone",
        {
            "composer.json": '{"name": "guzzlehttp/guzzle", "autoload": {"psr-4": '
            '{"GuzzleHttp\\\\": "src/"}}, "autoload-dev": {"psr-4": {"T\\\\": "tests/"}}}',
            "src/Client.php": "<?php\n",
            "tests/ClientTest.php": "<?php\n",
            "docs/index.rst": "x\n",
        },
    )
    assert plan.services == (("guzzle", "src/**"),)
    assert owner["src/Client.php"] == "guzzle"
    assert owner["tests/ClientTest.php"] == owner["docs/index.rst"] == "-"


def test_phpunit_tests_beside_their_classes_are_out_of_the_service(tmp_path: Path) -> None:
    """PHPUnit's ``*Test.php`` kept beside the classes they test in the autoloaded folder
    (thephpleague/flysystem's ``src/ConfigTest.php``, ``src/AwsS3V3/AwsS3V3AdapterTest.php``)
    are in no service; the classes, ``Latest.php`` too, are the package's."""
    plan, owner = _plan(
        tmp_path / "clone",
        {
            "composer.json": '{"name": "league/flysystem", "autoload": {"psr-4": '
            '{"League\\\\Flysystem\\\\": "src/"}}}',
            "src/Config.php": "<?php\n",
            "src/ConfigTest.php": "<?php\n",
            "src/AwsS3V3/AwsS3V3Adapter.php": "<?php\n",
            "src/AwsS3V3/AwsS3V3AdapterTest.php": "<?php\n",
            "src/Latest.php": "<?php\n",
        },
    )
    assert plan.services == (("flysystem", "src/**"),)
    assert owner["src/Config.php"] == owner["src/AwsS3V3/AwsS3V3Adapter.php"] == "flysystem"
    assert owner["src/Latest.php"] == "flysystem"
    assert owner["src/ConfigTest.php"] == owner["src/AwsS3V3/AwsS3V3AdapterTest.php"] == "-"


@pytest.mark.parametrize(
    ("kind", "services"),
    [
        ("wordpress-plugin", (("action-scheduler", "**"),)),
        ("drupal-module", (("action-scheduler", "**"),)),
        ("magento2-theme", (("action-scheduler", "**"),)),
        # A Composer plugin is a library Composer autoloads.
        ("composer-plugin", (("action-scheduler", "src/**"),)),
    ],
)
def test_a_package_a_cms_installs_is_the_whole_clone(
    tmp_path: Path, kind: str, services: tuple[tuple[str, str], ...]
) -> None:
    """A composer.json of a type composer/installers puts whole into a CMS (a WordPress plugin,
    woocommerce/action-scheduler, with no autoload: its classes/, lib/ and root plugin file)
    is one service of the whole clone; a Composer plugin is its autoloaded code."""
    plan, owner = _plan(
        tmp_path / "clone",
        {
            "composer.json": '{"name": "woocommerce/action-scheduler", "type": "'
            + kind
            + '", "autoload": {"psr-4": {"A\\\\": "src/"}}}',
            "action-scheduler.php": "<?php\n",
            "classes/ActionScheduler.php": "<?php\n",
            "lib/cron-expression/CronExpression.php": "<?php\n",
            "src/Plugin.php": "<?php\n",
            "tests/ActionTest.php": "<?php\n",
        },
    )
    assert plan.services[: len(services)] == services
    assert owner["src/Plugin.php"] == "action-scheduler"
    assert owner["tests/ActionTest.php"] == "-"


def test_a_composer_project_is_the_whole_application(tmp_path: Path) -> None:
    """A composer.json of type project (a Laravel app) ships its routes, config and front end
    beside the autoloaded app/: one service of the whole clone, named after the package, with
    tests and docs in none."""
    plan, owner = _plan(
        tmp_path / "clone",
        {
            "composer.json": '{"name": "koel/koel", "type": "project", "autoload": {"psr-4": '
            '{"App\\\\": "app/"}}}',
            "package.json": '{"name": "koel", "private": true}',
            "app/Models/Song.php": "<?php\n",
            "routes/api.base.php": "<?php\n",
            "config/koel.php": "<?php\n",
            "resources/assets/js/stores/playableStore.ts": "export {}\n",
            "resources/assets/js/composables/__mocks__/useContextMenu.ts": "export {}\n",
            "tests/Feature/SongTest.php": "<?php\n",
            "docs/index.md": "x\n",
        },
    )
    assert plan.services == (("koel", "**"),)
    assert plan.found_by == "Composer project (composer.json)"
    for path in (
        "app/Models/Song.php",
        "routes/api.base.php",
        "config/koel.php",
        "resources/assets/js/stores/playableStore.ts",
    ):
        assert owner[path] == "koel", path
    assert owner["tests/Feature/SongTest.php"] == owner["docs/index.md"] == "-"
    assert owner["resources/assets/js/composables/__mocks__/useContextMenu.ts"] == "-"


def test_a_rack_application_is_the_whole_clone(tmp_path: Path) -> None:
    """A Rails app (config.ru beside a Gemfile, no gemspec) ships its config/ routes, db/
    migrations and lib/ beside app/: one service of the whole clone, named after the clone,
    with its tests and docs in none."""
    plan, owner = _plan(
        tmp_path / "shop",
        {
            "Gemfile": 'source "https://rubygems.org"\ngem "rails"\n',
            "config.ru": "run Rails.application\n",
            "app/models/order.rb": "class Order; end\n",
            "config/routes.rb": "Rails.application.routes.draw {}\n",
            "db/migrate/20240101000000_create_orders.rb": "class CreateOrders; end\n",
            "lib/tasks/orders.rake": "task :orders\n",
            "test/models/order_test.rb": "class OrderTest; end\n",
            "doc/setup.md": "x\n",
        },
    )
    assert plan.services == (("shop", "**"),)
    assert plan.found_by == "the Rack application (config.ru)"
    for path in (
        "app/models/order.rb",
        "config/routes.rb",
        "db/migrate/20240101000000_create_orders.rb",
        "lib/tasks/orders.rake",
    ):
        assert owner[path] == "shop", path
    assert owner["test/models/order_test.rb"] == owner["doc/setup.md"] == "-"


def test_a_gem_with_a_rack_file_is_still_its_gem(tmp_path: Path) -> None:
    """A gem that keeps a config.ru to try itself out is read as its gem's lib/, not as an
    application of the whole clone."""
    plan, _ = _plan(
        tmp_path / "clone",
        {
            "rack-attack.gemspec": 'Gem::Specification.new { |s| s.name = "rack-attack" }\n',
            "Gemfile": 'source "https://rubygems.org"\ngemspec\n',
            "config.ru": "run Rack::Attack\n",
            "lib/rack/attack.rb": "module Rack; end\n",
            "spec/attack_spec.rb": "\n",
        },
    )
    assert plan.services == (("rack-attack", "lib/**"),)


def test_a_single_npm_package_is_the_code_its_files_publish(tmp_path: Path) -> None:
    """A root package.json without workspaces is one service named after the package: the
    folders and code files its ``files`` publish, not its tests, examples or docs."""
    plan, owner = _plan(
        tmp_path / "clone",
        {
            "package.json": '{"name": "express", "files": ["LICENSE", "History.md", '
            '"index.js", "lib/"]}',
            "index.js": "module.exports = require('./lib/express');\n",
            "lib/express.js": "exports.a = 1;\n",
            "test/app.js": "it('works');\n",
            "examples/hello/index.js": "app.listen();\n",
            "History.md": "1.0\n",
        },
    )
    assert plan.services == (("express", "lib/**"),)
    assert owner["lib/express.js"] == owner["index.js"] == "express"
    assert owner["test/app.js"] == owner["examples/hello/index.js"] == "-"
    assert owner["History.md"] == "-"


def test_workspace_packages_are_named_by_package_json_and_nested_globs_count(
    tmp_path: Path,
) -> None:
    """``packages/*`` and ``packages/labs/*`` both name members (``packages/labs`` holds no
    package of its own); each is keyed by its package name without the scope, and a second
    package of the same own name by its whole name."""
    plan, owner = _plan(
        tmp_path / "clone",
        {
            "package.json": '{"private": true, "workspaces": ["packages/*", "packages/labs/*"]}',
            "packages/context/package.json": '{"name": "@lit/context"}',
            "packages/context/src/index.ts": "export const a = 1;\n",
            "packages/labs/context/package.json": '{"name": "@lit-labs/context"}',
            "packages/labs/context/src/index.ts": "export const b = 1;\n",
            "packages/labs/ssr/package.json": '{"name": "@lit-labs/ssr"}',
            "packages/labs/ssr/src/index.ts": "export const c = 1;\n",
        },
    )
    assert dict(plan.services) == {
        "context": "packages/context/**",
        "lit-labs-context": "packages/labs/context/**",
        "ssr": "packages/labs/ssr/**",
    }
    assert owner["packages/labs/ssr/src/index.ts"] == "ssr"


def test_workspace_globs_read_as_riskbrief_toml_globs_from_the_root(tmp_path: Path) -> None:
    """npm's workspace globs name folders from the root as riskbrief.toml's do: ``./`` and a
    trailing ``/`` are dropped, a bare name is the root's folder only (not ``site/api``), a
    ``!`` glob takes its folder out wherever it stands, and one that is no glob is skipped."""
    plan, _owner = _plan(
        tmp_path / "clone",
        {
            "package.json": (
                '{"private": true, "workspaces": ["!packages/old", "./packages/*/", "api", "["]}'
            ),
            "packages/web/package.json": '{"name": "web"}',
            "packages/web/src/index.ts": "export const a = 1;\n",
            "packages/old/package.json": '{"name": "old"}',
            "packages/old/src/index.ts": "export const b = 1;\n",
            "api/package.json": '{"name": "api"}',
            "api/src/index.ts": "export const c = 1;\n",
            "site/api/package.json": '{"name": "site-api"}',
            "site/api/src/index.ts": "export const d = 1;\n",
        },
    )
    assert dict(plan.services) == {"api": "api/**", "web": "packages/web/**"}


def test_a_folder_of_packages_each_built_on_its_own_is_one_service_per_package(
    tmp_path: Path,
) -> None:
    """Without a root build, a top folder whose code all sits in packages with a manifest of
    their own (tokenizers' ``bindings/python`` and ``bindings/node``, langchain's
    ``libs/partners/*`` a level deeper) is a service per package, named with the folder's name
    unless it only wraps them; one holding code outside its packages stays whole."""
    plan, owner = _plan(
        tmp_path / "clone",
        {
            "tokenizers/Cargo.toml": '[package]\nname = "tokenizers"\n',
            "tokenizers/src/lib.rs": "pub fn a() {}\n",
            "bindings/python/pyproject.toml": '[project]\nname = "tokenizers"\n',
            "bindings/python/Cargo.toml": '[package]\nname = "tokenizers-python"\n',
            "bindings/python/src/lib.rs": "pub fn b() {}\n",
            "bindings/node/package.json": '{"name": "tokenizers"}',
            "bindings/node/index.js": "module.exports = 1;\n",
            "plugins/a/package.json": '{"name": "a"}',
            "plugins/a/index.js": "module.exports = 1;\n",
            "plugins/b/index.js": "module.exports = 2;\n",
            "plugins/c/index.js": "module.exports = 3;\n",
            # Python's packages, some a level deeper (langchain's libs/partners/*).
            "libs/core/pyproject.toml": '[project]\nname = "core"\n',
            "libs/core/core/__init__.py": "C = 1\n",
            "libs/partners/openai/pyproject.toml": '[project]\nname = "openai"\n',
            "libs/partners/openai/openai_x/__init__.py": "O = 1\n",
            "libs/partners/anthropic/pyproject.toml": '[project]\nname = "anthropic"\n',
            "libs/partners/anthropic/anthropic_x/__init__.py": "A = 1\n",
            # Swift's local packages of an Xcode app: ``Packages/`` only wraps them.
            "Packages/Account/Package.swift": "// swift-tools-version:5.9\n",
            "Packages/Account/Sources/Account/View.swift": "struct V {}\n",
            "Packages/Timeline/Package.swift": "// swift-tools-version:5.9\n",
            "Packages/Timeline/Sources/Timeline/List.swift": "struct L {}\n",
        },
    )
    assert dict(plan.services) == {
        "account": "Packages/Account/**",
        "timeline": "Packages/Timeline/**",
        "bindings-node": "bindings/node/**",
        "bindings-python": "bindings/python/**",
        "core": "libs/core/**",
        "partners-anthropic": "libs/partners/anthropic/**",
        "partners-openai": "libs/partners/openai/**",
        "plugins": "plugins/**",
        "tokenizers": "tokenizers/**",
    }
    assert owner["bindings/python/src/lib.rs"] == "bindings-python"


def test_a_package_whose_name_is_no_service_name_opens_its_folder_too(tmp_path: Path) -> None:
    """A folder of packages holding a package private to the repository (dart-lang/shelf's
    ``pkgs/_shelf_compliance``, named with a leading ``_``) is one service per package, that
    one too, named without its mark; a package named for tooling is left out, and a folder
    holding a test-named folder with no manifest of its own stays whole."""
    pubspec = "name: {0}\nenvironment:\n  sdk: ^3.0.0\n"
    plan, owner = _plan(
        tmp_path / "clone",
        {
            "mono_repo.yaml": "merge_stages:\n  - unit_test\n",
            "pkgs/shelf/pubspec.yaml": pubspec.format("shelf"),
            "pkgs/shelf/lib/shelf.dart": "void serve() {}\n",
            "pkgs/shelf_router/pubspec.yaml": pubspec.format("shelf_router"),
            "pkgs/shelf_router/lib/router.dart": "class Router {}\n",
            "pkgs/_shelf_compliance/pubspec.yaml": pubspec.format("_shelf_compliance"),
            "pkgs/_shelf_compliance/lib/compliance.dart": "void check() {}\n",
            "pkgs/tools/pubspec.yaml": pubspec.format("tools"),
            "pkgs/tools/lib/release.dart": "void release() {}\n",
            "plugins/a/package.json": '{"name": "a"}',
            "plugins/a/index.js": "module.exports = 1;\n",
            "plugins/b/package.json": '{"name": "b"}',
            "plugins/b/index.js": "module.exports = 2;\n",
            "plugins/scripts/run.js": "module.exports = 3;\n",
        },
    )
    assert dict(plan.services) == {
        "plugins": "plugins/**",
        "shelf": "pkgs/shelf/**",
        "shelf_compliance": "pkgs/_shelf_compliance/**",
        "shelf_router": "pkgs/shelf_router/**",
    }
    assert owner["pkgs/_shelf_compliance/lib/compliance.dart"] == "shelf_compliance"
    assert owner["pkgs/tools/lib/release.dart"] == "-"


def test_deployment_code_the_year_deleted_is_still_a_service(tmp_path: Path) -> None:
    """An ``infra/`` of Bicep beside a .NET solution, changed in the last year and then
    deleted (CleanArchitecture's, 48 of its year's 284 code changes), is the service it was
    while it stood; other code the year deleted (``legacy/``) makes none."""
    project = 'Project("{{FAE04EC0}}") = "{0}", "src\\{0}\\{0}.csproj", "{{1}}"\nEndProject\n'
    repo = GitRepo(tmp_path / "shop")
    repo.commit(
        {
            "Shop.sln": project.format("Web") + project.format("Core"),
            "src/Web/Web.csproj": "<Project/>\n",
            "src/Core/Core.csproj": "<Project/>\n",
            **{f"src/Web/Page{i}.cs": f"class Page{i} {{}}\n" for i in range(4)},
            **{f"src/Core/Order{i}.cs": f"class Order{i} {{}}\n" for i in range(4)},
            "infra/main.bicep": "param location string\n",
            "infra/core/host/appservice.bicep": "param name string\n",
            "legacy/Old.cs": "class Old {}\n",
        },
        "Start",
        T0,
    )
    repo.commit({"infra/main.bicep": "param location string = 'westeurope'\n"}, "Deploy", T0)
    later = T0 + timedelta(days=30)
    repo.commit(
        {"infra/main.bicep": None, "infra/core/host/appservice.bicep": None, "legacy/Old.cs": None},
        "Remove the hard-coded deployment",
        later,
    )
    repo.commit({"src/Web/Page0.cs": "class Page0 { int x; }\n"}, "Tune", later)
    plan, _ = owners(repo)
    assert ("infra", "infra/**") in plan.services
    assert not any(glob.startswith("legacy/") for _, glob in plan.services)


def test_a_folder_of_submodules_is_no_service_and_no_code_in_none(tmp_path: Path) -> None:
    """A submodule's path (OpenZeppelin's ``lib/forge-std``) is another repository's commit:
    ``lib/`` drafts no service, and a bump of it is no code left in none."""
    repo = GitRepo(tmp_path / "clone")
    repo.commit(
        {"contracts/Token.sol": "contract Token {}\n", "scripts/gen.js": "module.exports = 1;\n"},
        "Start",
        T0,
    )
    for name, sha in [("lib/forge-std", "1" * 40), ("lib/erc4626-tests", "2" * 40)]:
        repo.git("update-index", "--add", "--cacheinfo", f"160000,{sha},{name}")
    repo.commit({}, "Add the submodules", T0 + timedelta(days=1))
    plan, owner = owners(repo)
    assert dict(plan.services) == {"contracts": "contracts/**"}
    assert owner["contracts/Token.sol"] == "contracts"
    assert index_paths(repo.path)[1] == ["lib/erc4626-tests", "lib/forge-std"]


def test_an_npm_application_is_one_service_of_the_whole_clone(tmp_path: Path) -> None:
    """A root package.json that publishes nothing and installs runtime dependencies (a
    Next.js app) is one application: one service of the whole clone, its tests in none."""
    plan, owner = _plan(
        tmp_path / "clone",
        {
            "package.json": '{"private": true, "dependencies": {"next": "15", "react": "19"}}',
            "app/page.tsx": "export default function Page() { return null; }\n",
            "components/cart.tsx": "export const Cart = 1;\n",
            "lib/shopify.ts": "export const shop = 1;\n",
            "next.config.ts": "export default {};\n",
            "e2e/cart.spec.ts": "test('a', () => {});\n",
        },
    )
    assert plan.found_by == "an npm application (package.json)"
    assert dict(plan.services) == {"clone": "**"}
    assert owner["lib/shopify.ts"] == owner["app/page.tsx"] == "clone"
    assert owner["e2e/cart.spec.ts"] == "-"


def test_a_private_package_bundling_its_dev_dependencies_is_an_application(
    tmp_path: Path,
) -> None:
    """A private package.json with only devDependencies and a build script (a SvelteKit app
    bundles its packages: sveltejs/realworld) is one application of the whole clone, its
    svelte.config.js and vite.config.js too."""
    plan, owner = _plan(
        tmp_path / "clone",
        {
            "package.json": '{"private": true, "scripts": {"dev": "vite dev", "build": '
            '"vite build"}, "devDependencies": {"@sveltejs/kit": "2", "vite": "7"}}',
            "src/routes/+page.svelte": "<h1>Home</h1>\n",
            "src/lib/api.js": "export const get = 1;\n",
            "svelte.config.js": "export default {};\n",
            "vite.config.js": "export default {};\n",
        },
    )
    assert plan.found_by == "an npm application (package.json)"
    assert dict(plan.services) == {"clone": "**"}
    assert owner["src/lib/api.js"] == owner["vite.config.js"] == "clone"


@pytest.mark.parametrize(
    "more",
    [
        {"nx.json": "{}"},
        {"apps/admin/package.json": '{"name": "admin"}'},
        {"package.json": '{"private": true, "devDependencies": {"eslint": "9"}}'},
        {
            "package.json": '{"private": true, "scripts": {"lint": "eslint ."}, '
            '"devDependencies": {"eslint": "9"}}'
        },
    ],
)
def test_a_monorepo_or_a_tooling_package_json_is_no_application(
    tmp_path: Path, more: dict[str, str]
) -> None:
    """A monorepo tool's file, another package in a folder, or only development dependencies
    and no script that builds or serves keep the clone's top-level folders as its services."""
    plan, _owner = _plan(
        tmp_path / "clone",
        {
            "package.json": '{"private": true, "dependencies": {"react": "19"}}',
            "apps/web/page.tsx": "export const a = 1;\n",
            "libs/ui/button.tsx": "export const b = 1;\n",
            **more,
        },
    )
    assert plan.found_by != "an npm application (package.json)"
    assert len(plan.services) > 1


def test_a_uv_workspace_is_one_service_per_member_named_by_its_project(tmp_path: Path) -> None:
    """A root pyproject.toml's ``[tool.uv.workspace]`` names its members: each is keyed by its
    ``[project]`` name, an excluded member and an examples member are none."""
    plan, owner = _plan(
        tmp_path / "clone",
        {
            "pyproject.toml": '[project]\nname = "agent"\n[tool.uv.workspace]\n'
            'members = ["agent_slim", "libs/*", "examples"]\nexclude = ["libs/old"]\n',
            "agent_slim/pyproject.toml": '[project]\nname = "agent-slim"\n',
            "agent_slim/agent/__init__.py": "A = 1\n",
            "libs/graph/pyproject.toml": '[project]\nname = "agent-graph"\n',
            "libs/graph/graph/__init__.py": "G = 1\n",
            "libs/old/pyproject.toml": '[project]\nname = "old"\n',
            "libs/old/old/__init__.py": "O = 1\n",
            "examples/pyproject.toml": '[project]\nname = "examples"\n',
            "examples/demo.py": "print(1)\n",
        },
    )
    assert plan.found_by == "uv workspace (pyproject.toml)"
    assert dict(plan.services) == {"agent-slim": "agent_slim/**", "agent-graph": "libs/graph/**"}
    assert owner["libs/graph/graph/__init__.py"] == "agent-graph"


def test_a_deno_workspace_is_one_service_per_member_named_by_its_deno_json(
    tmp_path: Path,
) -> None:
    """A deno.jsonc ``workspace`` (comments and trailing commas as Deno writes them) names its
    members: each is keyed by its ``deno.json`` (or ``jsr.json``, or ``package.json``) name
    without the scope, a website member is none, and the root's tools are no member."""
    plan, owner = _plan(
        tmp_path / "clone",
        {
            "deno.jsonc": '// the workspace\n{"workspace": ["./packages/*", "./www",],}\n',
            "packages/fresh/deno.json": '{"name": "@fresh/core", "exports": "./src/mod.ts"}',
            "packages/fresh/src/mod.ts": "export const a = 1;\n",
            "packages/init/jsr.json": '{"name": "@fresh/init"}',
            "packages/init/src/init.ts": "export const b = 1;\n",
            "packages/plain/package.json": '{"name": "plain"}',
            "packages/plain/index.ts": "export const c = 1;\n",
            "www/deno.json": '{"name": "@fresh/www"}',
            "www/main.ts": "export const d = 1;\n",
            "tools/release.ts": "export const e = 1;\n",
        },
    )
    assert dict(plan.services) == {
        "core": "packages/fresh/**",
        "init": "packages/init/**",
        "plain": "packages/plain/**",
    }
    assert owner["packages/fresh/src/mod.ts"] == "core"
    assert owner["www/main.ts"] == "-"


def test_a_deno_json_that_is_no_workspace_declares_no_member(tmp_path: Path) -> None:
    """A deno.json without a ``workspace``, or whose text is no JSON at all, names no member:
    the clone's folders name the services instead."""
    for text in ('{"tasks": {"dev": "deno run main.ts"}}', "{not json"):
        plan, _owner = _plan(
            tmp_path / f"clone{len(text)}",
            {
                "deno.json": text,
                "api/deno.json": '{"name": "@x/api"}',
                "api/main.ts": "export const a = 1;\n",
            },
        )
        assert "deno.json workspace" not in plan.found_by


def test_a_dotnet_solution_is_one_service_per_project_not_tests_or_benchmarks(
    tmp_path: Path,
) -> None:
    """A .sln's (or .slnx's) projects are services keyed by project name; test, benchmark and
    sample projects, the helpers tests share (``UITests.Shared``) and solution folders are
    none; a library for testing is one."""
    project = 'Project("{{FAE04EC0}}") = "{0}", "{1}", "{{1}}"\nEndProject\n'
    sln = "".join(
        project.format(name, where)
        for name, where in [
            ("Polly.Core", r"src\Polly.Core\Polly.Core.csproj"),
            ("Polly.Testing", r"src\Polly.Testing\Polly.Testing.csproj"),
            ("Polly.Core.Tests", r"test\Polly.Core.Tests\Polly.Core.Tests.csproj"),
            ("UITests.Shared", r"src\UITests.Shared\UITests.Shared.csproj"),
            ("Polly.Benchmarks", r"bench\Polly.Benchmarks\Polly.Benchmarks.csproj"),
            ("Intro", r"samples\Intro\Intro.csproj"),
            ("src", "src"),
        ]
    )
    plan, owner = _plan(
        tmp_path / "clone",
        {
            "Polly.sln": sln,
            "src/Polly.Core/Polly.Core.csproj": "<Project/>\n",
            "src/Polly.Core/Retry.cs": "class Retry {}\n",
            "src/Polly.Testing/Polly.Testing.csproj": "<Project/>\n",
            "test/Polly.Core.Tests/Polly.Core.Tests.csproj": "<Project/>\n",
            "src/UITests.Shared/UITests.Shared.csproj": "<Project/>\n",
            "src/UITests.Shared/BaseTest.cs": "class BaseTest {}\n",
            "bench/Polly.Benchmarks/Polly.Benchmarks.csproj": "<Project/>\n",
            "samples/Intro/Intro.csproj": "<Project/>\n",
        },
    )
    assert plan.services == (
        ("polly.core", "src/Polly.Core/**"),
        ("polly.testing", "src/Polly.Testing/**"),
    )
    assert owner["src/Polly.Core/Retry.cs"] == "polly.core"
    bare, _ = _plan(tmp_path / "bare", {"Lib/Lib.csproj": "<P/>", "Lib.Tests/Lib.Tests.csproj": ""})
    assert bare.services == (("lib", "Lib/**"),)
    slnx = '<Solution><Folder Name="/src/"><Project Path="src/Lib/Lib.csproj"/></Folder></Solution>'
    xml, _ = _plan(tmp_path / "xml", {"Lib.slnx": slnx, "src/Lib/Lib.csproj": "<P/>"})
    assert xml.services == (("lib", "src/Lib/**"),)
    assert xml.found_by == "the .NET solution (Lib.slnx)"


def test_deployment_code_a_build_leaves_out_is_a_service_of_its_own(tmp_path: Path) -> None:
    """A solution's ``infra/`` of Bicep (what deploys its projects, eShopOnWeb's) is a service
    though it holds less than half the code; a build helper folder it leaves out is not."""
    project = 'Project("{{FAE04EC0}}") = "{0}", "src\\{0}\\{0}.csproj", "{{1}}"\nEndProject\n'
    files: dict[str, str | bytes | None] = {
        "Shop.sln": project.format("Web") + project.format("Core"),
        "src/Web/Web.csproj": "<Project/>\n",
        "src/Core/Core.csproj": "<Project/>\n",
        **{f"src/Web/Page{i}.cs": f"class Page{i} {{}}\n" for i in range(4)},
        **{f"src/Core/Order{i}.cs": f"class Order{i} {{}}\n" for i in range(4)},
        "infra/main.bicep": "param location string\n",
        "infra/core/host/appservice.bicep": "param name string\n",
        "infra/main.parameters.json": "{}\n",
        "build/pack.sh": "#!/bin/sh\ndotnet pack\n",
    }
    plan, owner = _plan(tmp_path / "shop", files)
    assert ("infra", "infra/**") in plan.services
    assert owner["infra/core/host/appservice.bicep"] == "infra"
    assert owner["build/pack.sh"] == "-"
    assert plan.found_by.endswith("and the code folders it leaves out")


def test_container_images_a_build_leaves_out_are_a_service_of_their_own(tmp_path: Path) -> None:
    """A folder of images' build contexts (jupyter/docker-stacks' ``images/<name>/``, each a
    Dockerfile and the scripts it copies in) is a service though it holds less than half the
    code beside Python packages; a folder of scripts with no Dockerfile is not."""
    files: dict[str, str | bytes | None] = {
        "tagging/__init__.py": "",
        **{f"tagging/{n}/__init__.py": "" for n in ("apps", "hooks", "utils")},
        **{f"tagging/{n}/run{i}.py": f"X = {i}\n" for n in ("apps", "hooks") for i in range(3)},
        "images/base/Dockerfile": "FROM ubuntu:24.04\nCOPY start.sh /usr/local/bin/\n",
        "images/base/start.sh": "#!/bin/bash\nexec jupyter lab\n",
        "images/spark/Dockerfile": "FROM base\nCOPY setup_spark.py /opt/\n",
        "images/spark/setup_spark.py": "import os\n",
        "helpers/lint.sh": "#!/bin/sh\nruff check\n",
    }
    plan, owner = _plan(tmp_path / "stacks", files)
    assert ("images", "images/**") in plan.services
    assert owner["images/spark/setup_spark.py"] == "images"
    assert owner["helpers/lint.sh"] == "-"
    assert plan.found_by.endswith("and the code folders it leaves out")


def test_services_beside_the_builds_modules_made_by_other_builds_are_services(
    tmp_path: Path,
) -> None:
    """In ``src/`` beside Go modules, a folder with a Gradle, .NET, npm or pip manifest is a
    service (microservices-demo's twelve); a Go folder no go.mod names and a test folder are
    left out on purpose, and a Flutter app's CMake runner beside its ``lib/`` is the app's
    own part."""
    go = "module example.com/{0}\n\ngo 1.22\n"
    files: dict[str, str | bytes | None] = {
        "src/checkout/go.mod": go.format("checkout"),
        "src/checkout/main.go": "package main\n",
        "src/frontend/go.mod": go.format("frontend"),
        "src/frontend/main.go": "package main\n",
        "src/frontend/handlers.go": "package main\n",
        "src/ads/build.gradle": "plugins { id 'java' }\n",
        "src/ads/src/main/java/Ads.java": "class Ads {}\n",
        "src/cart/cart.sln": "\n",
        "src/cart/src/Cart.cs": "class Cart {}\n",
        "src/payment/package.json": '{"name": "payment"}\n',
        "src/payment/index.js": "module.exports = {};\n",
        "src/email/requirements.txt": "grpcio\n",
        "src/email/server.py": "import grpc\n",
        "src/gotool/main.go": "package main\n",
        "src/e2e/package.json": '{"name": "e2e"}\n',
        "src/e2e/run.js": "run();\n",
    }
    plan, owner = _plan(tmp_path / "shop", files)
    keys = {key for key, _ in plan.services}
    assert {"checkout", "frontend", "ads", "cart", "payment", "email"} <= keys
    assert owner["src/ads/src/main/java/Ads.java"] == "ads"
    assert owner["src/cart/src/Cart.cs"] == "cart"
    assert owner["src/email/server.py"] == "email"
    assert owner["src/gotool/main.go"] == "-"
    assert owner["src/e2e/run.js"] == "-"
    flutter, app = _plan(
        tmp_path / "samples",
        {
            "pubspec.yaml": "name: samples\nworkspace:\n  - gallery\n  - maps\n",
            **{
                f"{app}/pubspec.yaml": f"name: {app}\nresolution: workspace\n"
                for app in ("gallery", "maps")
            },
            **{f"{app}/lib/main.dart": "void main() {}\n" for app in ("gallery", "maps")},
            "gallery/linux/CMakeLists.txt": "project(runner)\n",
            "gallery/linux/main.cc": "int main() { return 0; }\n",
        },
    )
    assert {key for key, _ in flutter.services} >= {"gallery", "maps"}
    assert not any("linux" in key for key, _ in flutter.services)
    assert app["gallery/linux/main.cc"] == "gallery"


def test_a_dotnet_test_project_is_no_service_whatever_its_name(tmp_path: Path) -> None:
    """Projects that use a test SDK (``Microsoft.NET.Test.Sdk``, ``MSTest.Sdk``), say they are
    tests, or are not packable and reference a test framework are none; an app that is not
    packable is a service."""
    project = 'Project("{{FAE04EC0}}") = "{0}", "src\\{0}\\{0}.csproj", "{{1}}"\nEndProject\n'
    names = ["Acme.Core", "Acme.Verify", "Acme.Checks", "Acme.Probe", "Acme.Specimen", "Acme.Web"]
    csproj = {
        "Acme.Core": '<Project Sdk="Microsoft.NET.Sdk"/>',
        "Acme.Verify": '<Project><ItemGroup><PackageReference Include="Microsoft.NET.Test.Sdk" '
        'Version="17.0.0" /></ItemGroup></Project>',
        "Acme.Checks": '<Project Sdk="MSTest.Sdk/3.6.0"/>',
        "Acme.Probe": "<Project><PropertyGroup><IsTestProject>true</IsTestProject>"
        "</PropertyGroup></Project>",
        "Acme.Specimen": "<Project><PropertyGroup><IsPackable>false</IsPackable></PropertyGroup>"
        '<ItemGroup><PackageReference Include="xunit" Version="2.9.0"/></ItemGroup></Project>',
        "Acme.Web": '<Project Sdk="Microsoft.NET.Sdk.Web"><PropertyGroup>'
        "<IsPackable>false</IsPackable></PropertyGroup></Project>",
    }
    files: dict[str, str | bytes | None] = {"Acme.sln": "".join(project.format(n) for n in names)}
    for name, text in csproj.items():
        files[f"src/{name}/{name}.csproj"] = text
        files[f"src/{name}/Code.cs"] = "class C {}\n"
    plan, owner = _plan(tmp_path / "clone", files)
    assert plan.services == (("acme.core", "src/Acme.Core/**"), ("acme.web", "src/Acme.Web/**"))
    assert owner["src/Acme.Verify/Code.cs"] == owner["src/Acme.Specimen/Code.cs"] == "-"


def test_a_root_go_module_is_a_service_beside_its_nested_modules(tmp_path: Path) -> None:
    """A root go.mod is a service (named by its module path, after the nested modules) less the
    nested modules' folders; a nested module in examples is none, and testdata is in none."""
    plan, owner = _plan(
        tmp_path / "clone",
        {
            "go.mod": "module github.com/go-chi/chi/v5\n",
            "chi.go": "package chi\n",
            "chi_test.go": "package chi\n",
            "exp/go.mod": "module github.com/go-chi/chi/exp\n",
            "exp/a.go": "package exp\n",
            "tools/go.mod": "module tools\n",
            "tools/tools.go": "package tools\n",
            "_examples/rest/go.mod": "module rest\n",
            "_examples/rest/main.go": "package main\n",
            "testdata/cert.pem": "x\n",
        },
    )
    assert plan.services == (("exp", "exp/**"), ("chi", "**"))
    assert owner == {
        "go.mod": "chi",
        "chi.go": "chi",
        "chi_test.go": "-",
        "exp/go.mod": "exp",
        "exp/a.go": "exp",
        "tools/go.mod": "-",
        "tools/tools.go": "-",
        "_examples/rest/go.mod": "-",
        "_examples/rest/main.go": "-",
        "testdata/cert.pem": "-",
    }


def test_a_nested_module_named_as_tests_is_out_of_the_service_around_it(tmp_path: Path) -> None:
    """retrofit's ``retrofit/android-test`` (a Gradle module inside ``retrofit/``) and a nested
    ``test-helpers`` folder get ``!`` globs: their files are in no service."""
    plan, owner = _plan(
        tmp_path / "clone",
        {
            "settings.gradle": "include ':retrofit'\ninclude ':retrofit:android-test'\n",
            "retrofit/src/main/java/Retrofit.java": "class Retrofit {}\n",
            "retrofit/android-test/src/androidTest/java/BasicCallTest.java": "class T {}\n",
            "retrofit/test-helpers/src/main/java/Helper.java": "class H {}\n",
        },
    )
    assert plan.services == (("retrofit", "retrofit/**"),)
    assert owner["retrofit/src/main/java/Retrofit.java"] == "retrofit"
    assert owner["retrofit/android-test/src/androidTest/java/BasicCallTest.java"] == "-"
    assert owner["retrofit/test-helpers/src/main/java/Helper.java"] == "-"


@pytest.mark.parametrize(
    "settings",
    [
        # The Kotlin DSL's usual call over lines (kotlinpoet's), a module commented out in it.
        'include(\n  ":kotlinpoet",\n  // ":old",\n  ":interop:ksp",\n)\n'
        'includeBuild("build-logic")\n',
        # Groovy's, carried over a line by its trailing comma.
        "include ':kotlinpoet',\n        ':interop:ksp'\n",
    ],
)
def test_a_gradle_include_over_lines_names_every_module(tmp_path: Path, settings: str) -> None:
    """An ``include`` whose modules run over several lines names each of them, and none that
    a comment holds or ``includeBuild`` names."""
    plan, owner = _plan(
        tmp_path / "clone",
        {
            "settings.gradle.kts": settings,
            "kotlinpoet/src/main/kotlin/TypeSpec.kt": "class TypeSpec\n",
            "interop/ksp/src/main/kotlin/Ksp.kt": "class Ksp\n",
            "old/src/main/kotlin/Old.kt": "class Old\n",
            "build-logic/src/main/kotlin/Conventions.kt": "class Conventions\n",
        },
    )
    assert plan.found_by == "Gradle settings.gradle.kts include"
    assert dict(plan.services) == {"kotlinpoet": "kotlinpoet/**", "ksp": "interop/ksp/**"}
    assert owner["interop/ksp/src/main/kotlin/Ksp.kt"] == "ksp"


def test_a_module_named_integration_is_what_it_integrates_with(tmp_path: Path) -> None:
    """A Gradle module under ``integration/`` is an integration library (glide's
    ``integration/okhttp3``, code the scorer reads as code), a service; a module named for
    integration tests (``integration-tests``) is in none."""
    plan, owner = _plan(
        tmp_path / "clone",
        {
            "settings.gradle.kts": (
                'include(":library")\ninclude(":integration:okhttp3")\n'
                'include(":integration-tests")\n'
            ),
            "library/src/main/java/Glide.java": "class Glide {}\n",
            "integration/okhttp3/src/main/java/OkHttpLoader.java": "class OkHttpLoader {}\n",
            "integration-tests/src/main/java/Harness.java": "class Harness {}\n",
        },
    )
    assert dict(plan.services) == {"library": "library/**", "okhttp3": "integration/okhttp3/**"}
    assert owner["integration/okhttp3/src/main/java/OkHttpLoader.java"] == "okhttp3"
    assert owner["integration-tests/src/main/java/Harness.java"] == "-"


def test_gradle_test_source_sets_are_out_of_their_module(tmp_path: Path) -> None:
    """A Gradle module's test source sets (``src/test``, Kotlin Multiplatform's ``jvmTest`` and
    ``commonTest``, Android's ``androidUnitTest``, ``testFixtures``) are in no service; its
    ``main`` and ``commonMain`` are the module's."""
    sets = ["main", "commonMain", "test", "jvmTest", "commonTest", "androidUnitTest"]
    files: dict[str, str | bytes | None] = {"settings.gradle.kts": 'include(":core")\n'}
    files |= {f"core/src/{s}/kotlin/A.kt": "class A\n" for s in sets}
    files["core/src/testFixtures/java/F.java"] = "class F {}\n"
    plan, owner = _plan(tmp_path / "clone", files)
    assert plan.services == (("core", "core/**"),)
    assert {p for p, k in owner.items() if k == "core"} == {
        "core/src/main/kotlin/A.kt",
        "core/src/commonMain/kotlin/A.kt",
    }


def test_a_package_named_samples_keeps_its_module_s_code(tmp_path: Path) -> None:
    """A JVM package's folders are a name: a module whose code is in
    ``com/google/samples/apps`` (and whose protobuf sources follow the package) holds it, and
    only its test source set is out of it."""
    files: dict[str, str | bytes | None] = {"settings.gradle.kts": 'include(":core:data")\n'}
    package = "com/google/samples/apps/nowinandroid/core/data"
    files[f"core/data/src/main/kotlin/{package}/Repo.kt"] = "class Repo\n"
    files[f"core/data/src/main/proto/{package}/prefs.proto"] = 'syntax = "proto3";\n'
    files[f"core/data/src/test/kotlin/{package}/RepoTest.kt"] = "class RepoTest\n"
    # A real folder of samples beside them is still out, where it is.
    files["core/data/samples/Demo.kt"] = "fun main() {}\n"
    plan, owner = _plan(tmp_path / "clone", files)
    assert plan.services == (("data", "core/data/**"),)
    assert owner[f"core/data/src/main/kotlin/{package}/Repo.kt"] == "data"
    assert owner[f"core/data/src/main/proto/{package}/prefs.proto"] == "data"
    assert owner[f"core/data/src/test/kotlin/{package}/RepoTest.kt"] == "-"
    assert owner["core/data/samples/Demo.kt"] == "-"


def test_a_single_maven_module_named_samples_keeps_its_code(tmp_path: Path) -> None:
    """spring-petclinic's one Maven module (its ``src/main``) holds its code in the package
    ``org.springframework.samples.petclinic``: all of it is the service's."""
    code = "src/main/java/org/springframework/samples/petclinic/owner/Owner.java"
    plan, owner = _plan(
        tmp_path / "spring-petclinic",
        {
            "pom.xml": "<project><artifactId>spring-petclinic</artifactId></project>\n",
            code: "class Owner {}\n",
            "src/test/java/org/springframework/samples/petclinic/OwnerTests.java": "class T {}\n",
        },
    )
    assert owner[code] == plan.services[0][0]
    assert owner["src/test/java/org/springframework/samples/petclinic/OwnerTests.java"] == "-"


def test_a_single_gradle_modules_other_source_sets_are_its_code(tmp_path: Path) -> None:
    """A Minecraft mod's one Gradle module with Fabric Loom's split source sets holds its
    client code (``src/client/java``) beside ``src/main``; its tests stay out."""
    client = "src/client/java/com/example/mixin/client/ExampleClientMixin.java"
    plan, owner = _plan(
        tmp_path / "fabric-example-mod",
        {
            "build.gradle": "plugins { id 'fabric-loom' version '1.8-SNAPSHOT' }\n",
            "settings.gradle": "pluginManagement { repositories { gradlePluginPortal() } }\n",
            "src/main/java/com/example/ExampleMod.java": "class ExampleMod {}\n",
            client: "class ExampleClientMixin {}\n",
            "src/test/java/com/example/ExampleModTest.java": "class ExampleModTest {}\n",
        },
    )
    assert owner[client] == owner["src/main/java/com/example/ExampleMod.java"]
    assert owner[client] == plan.services[0][0]
    assert owner["src/test/java/com/example/ExampleModTest.java"] == "-"


def test_a_clone_rake_builds_is_one_service_of_the_whole_clone(tmp_path: Path) -> None:
    """A book Rake builds (progit2's Rakefile and Gemfile beside its AsciiDoc, theme and
    chapters) is one service of the whole clone, its Gemfile included; a Rakefile beside a
    gemspec is the gem's build."""
    book: dict[str, str | bytes | None] = {
        "Gemfile": "source 'https://rubygems.org'\ngem 'asciidoctor'\n",
        "Rakefile": "task :book do\n  sh 'asciidoctor progit.asc'\nend\n",
        "progit.asc": "= Pro Git\n",
        "book/01-introduction/sections/about.asc": "== About\n",
        "theme/epub/layout.html.erb": "<html><%= content %></html>\n",
        "theme/pdf/pdf.rb": "module Pdf; end\n",
    }
    plan, owner = _plan(tmp_path / "progit2", book)
    assert dict(plan.services) == {"progit2": "**"}
    assert owner["theme/pdf/pdf.rb"] == owner["Gemfile"] == "progit2"
    gem: dict[str, str | bytes | None] = {
        **book,
        "shop.gemspec": "Gem::Specification.new { |s| s.name = 'shop' }\n",
    }
    gem["lib/shop.rb"] = "module Shop; end\n"
    plan, _ = _plan(tmp_path / "shop", gem)
    assert dict(plan.services)["shop"] == "lib/**"
    assert "**" not in dict(plan.services).values()


def test_a_gradle_plugins_included_build_is_its_service(tmp_path: Path) -> None:
    """A Gradle plugin's repository whose root build includes only its samples and the plugin
    as an included build (ktlint-gradle's ``pluginManagement { includeBuild("./plugin") }``) has
    the plugin as its service, named as the included build's settings name it, its tests left
    out; a root that builds modules of its own keeps
    them, its build logic included whole no service."""
    settings = (
        'pluginManagement {\n    includeBuild("./plugin")\n}\n'
        'rootProject.name = "ktlint-gradle-samples"\n'
        'include("samples:kotlin-gradle")\n'
    )
    plugin = "plugin/src/main/kotlin/org/jlleitschuh/gradle/ktlint/KtlintPlugin.kt"
    files: dict[str, str | bytes | None] = {
        "settings.gradle.kts": settings,
        "build.gradle.kts": "plugins { base }\n",
        "plugin/settings.gradle.kts": 'rootProject.name = "ktlint-gradle"\n',
        "plugin/build.gradle.kts": "plugins { `java-gradle-plugin` }\n",
        plugin: "class KtlintPlugin\n",
        "plugin/src/test/kotlin/KtlintPluginTest.kt": "class KtlintPluginTest\n",
        "samples/kotlin-gradle/build.gradle.kts": 'plugins { kotlin("jvm") }\n',
        "samples/kotlin-gradle/src/main/kotlin/Main.kt": "fun main() {}\n",
    }
    plan, owner = _plan(tmp_path / "ktlint-gradle", files)
    assert dict(plan.services) == {"ktlint-gradle": "plugin/**"}
    assert owner[plugin] == "ktlint-gradle"
    assert owner["plugin/src/test/kotlin/KtlintPluginTest.kt"] == "-"
    app: dict[str, str | bytes | None] = {
        "settings.gradle.kts": (
            'pluginManagement { includeBuild("build-logic") }\ninclude(":app")\n'
        ),
        "build-logic/settings.gradle.kts": 'rootProject.name = "build-logic"\n',
        "build-logic/src/main/kotlin/Conventions.kt": "class Conventions\n",
        "app/build.gradle.kts": 'plugins { id("conventions") }\n',
        "app/src/main/kotlin/App.kt": "class App\n",
    }
    plan, _ = _plan(tmp_path / "app", app)
    assert dict(plan.services) == {"app": "app/**"}


def test_the_folder_guess_has_no_test_data_service_and_its_own_exclusions(tmp_path: Path) -> None:
    """Without a build, top-level code folders are services with ``!`` globs for their tests;
    testdata/ is no service, and a non-ASCII path does not make a quoted folder one."""
    plan, owner = _plan(
        tmp_path / "clone",
        {
            "lib/router.js": "module.exports = 1\n",
            "lib/__tests__/router.js": "test()\n",
            "testdata/cert.pem": "x\n",
            "examples/files/ünïcode.txt": "x\n",
        },
    )
    assert plan.services == (("clone", "lib/**"),)
    assert plan.found_by == "top-level code folders"
    assert owner == {
        "lib/router.js": "clone",
        "lib/__tests__/router.js": "-",
        "testdata/cert.pem": "-",
        "examples/files/ünïcode.txt": "-",
    }


def test_a_terraform_modules_root_is_a_service_beside_its_modules(tmp_path: Path) -> None:
    """Without a build, the root's own code in the clone's main language (a Terraform module's
    main.tf and variables.tf beside modules/) is a service named after the clone; its
    settings and docs at the root are in none."""
    plan, owner = _plan(
        tmp_path / "terraform-aws-eks",
        {
            "main.tf": 'resource "aws_eks_cluster" "this" {}\n',
            "variables.tf": 'variable "name" {}\n',
            "outputs.tf": 'output "arn" {}\n',
            "modules/node-group/main.tf": 'resource "aws_eks_node_group" "this" {}\n',
            "modules/node-group/variables.tf": 'variable "size" {}\n',
            "modules/fargate/main.tf": 'resource "aws_eks_fargate_profile" "this" {}\n',
            "modules/fargate/variables.tf": 'variable "selectors" {}\n',
            "modules/karpenter/main.tf": 'resource "aws_iam_role" "this" {}\n',
            "modules/karpenter/outputs.tf": 'output "role" {}\n',
            "examples/basic/main.tf": 'module "eks" {}\n',
            ".pre-commit-config.yaml": "repos: []\n",
            "README.md": "# EKS\n",
        },
    )
    assert plan.services == (("terraform-aws-eks", "*.tf"), ("modules", "modules/**"))
    assert owner["main.tf"] == owner["variables.tf"] == "terraform-aws-eks"
    assert owner["modules/fargate/main.tf"] == "modules"
    assert owner["examples/basic/main.tf"] == owner["README.md"] == "-"
    assert owner[".pre-commit-config.yaml"] == "-"


def test_a_wrapper_folder_is_named_after_the_clone(tmp_path: Path) -> None:
    """Of the top-level folders that only wrap code (src/, lib/), the one holding the most is
    named after the clone (crystal-lang/shards' src/ is "shards"); the other keeps its name."""
    plan, owner = _plan(
        tmp_path / "shards",
        {
            **{f"src/commands/c{i}.cr": "def run\nend\n" for i in range(6)},
            "lib/molinillo/src/resolver.cr": "class Resolver\nend\n",
            "spec/unit/lock_spec.cr": "describe Lock\n",
        },
    )
    assert plan.services == (("lib", "lib/**"), ("shards", "src/**"))
    assert owner["src/commands/c0.cr"] == "shards"
    assert owner["spec/unit/lock_spec.cr"] == "-"


def test_a_wrapper_holding_code_of_its_own_is_one_service(tmp_path: Path) -> None:
    """Perl's lib/Mojolicious.pm beside lib/Mojolicious/ and lib/Mojo/: the lone wrapper holds
    code of its own, so it is the service (named after the clone), not its folders; t/ and its
    ``*.t`` scripts are tests."""
    plan, owner = _plan(
        tmp_path / "mojo",
        {
            "lib/Mojolicious.pm": "package Mojolicious;\n1;\n",
            "lib/Mojolicious/Routes.pm": "package Mojolicious::Routes;\n1;\n",
            "lib/Mojo/Base.pm": "package Mojo::Base;\n1;\n",
            "t/mojo/app.t": "use Test::More;\ndone_testing;\n",
            "t/mojo/lib/MojoTest.pm": "package MojoTest;\n1;\n",
        },
    )
    assert plan.services == (("mojo", "lib/**"),)
    assert owner["lib/Mojolicious.pm"] == owner["lib/Mojo/Base.pm"] == "mojo"
    assert owner["t/mojo/app.t"] == owner["t/mojo/lib/MojoTest.pm"] == "-"


def test_settings_or_a_lone_script_at_the_root_make_no_service(tmp_path: Path) -> None:
    """A JavaScript project's tools' settings at its root, or one bootstrap script beside a
    folder of many, make no service of the root: the settings are in none, the script is the
    clone's one service's (``lone_service``)."""
    many = {f"lib/part{i}.js": f"module.exports = {i}\n" for i in range(12)}
    plan, owner = _plan(
        tmp_path / "tool",
        {
            **many,
            "webpack.config.js": "module.exports = {}\n",
            "babel.config.js": "module.exports = {}\n",
            ".eslintrc.js": "module.exports = {}\n",
        },
    )
    assert plan.services == (("tool", "lib/**"),)
    assert owner["webpack.config.js"] == "-"
    plan, owner = _plan(
        tmp_path / "plugin",
        {**{f"lua/plugin/m{i}.lua": "return {}\n" for i in range(12)}, "bootstrap.lua": "x()\n"},
    )
    assert plan.services == (("lua", "lua/**"),)
    assert owner["bootstrap.lua"] == "lua"


def test_a_folder_the_service_was_moved_out_of_is_the_services_too(tmp_path: Path) -> None:
    """flask's ``flask/`` moved to ``src/flask/``: the old folder is the service's, less its
    ``testsuite`` that moved to tests/ (more files than the code moved: they do not count
    against it); a folder still holding files at HEAD is not added."""
    repo = GitRepo(tmp_path / "flask")
    code = {"__init__.py": "", "app.py": "app = 1\n", "cli.py": "cli = 1\n"}
    suite = {f"test_{n}.py": f"def test_{n}(): assert {n}\n" for n in range(5)}
    repo.commit(
        {
            **{f"flask/{n}": t for n, t in code.items()},
            **{f"flask/testsuite/{n}": t for n, t in suite.items()},
        },
        "Start",
        T0,
    )
    _moved(repo, {"flask/testsuite": "tests"}, T0 + timedelta(days=1))
    moved: dict[str, str | bytes | None] = {f"flask/{n}": None for n in code}
    repo.commit(
        {**moved, **{f"src/flask/{n}": t for n, t in code.items()}, "docs/x.md": "x\n"},
        "src layout",
        T0 + timedelta(days=2),
    )
    plan, _owner = owners(repo)
    assert plan.paths("flask") == ("src/flask/**", "flask/**", "!flask/testsuite/**")


def test_a_folder_moved_whole_into_a_code_folder_is_the_services_too(tmp_path: Path) -> None:
    """fmt's ``fmt/format.h`` moved to ``include/fmt/format.h``: ``fmt/`` is the CMake
    project's; a path still at HEAD (a symlink named like the old folder) is not added."""
    repo = GitRepo(tmp_path / "fmt")
    cmake = "project(FMT CXX)\n"
    repo.commit(
        {"CMakeLists.txt": cmake, "fmt/format.h": "int f;\n", "fmt/core.h": "int c;\n"},
        "Start",
        T0,
    )
    repo.commit(
        {
            "fmt/format.h": None,
            "fmt/core.h": None,
            "include/fmt/format.h": "int f;\n",
            "include/fmt/core.h": "int c;\n",
            "src/format.cc": "int g;\n",
        },
        "include/",
        T0 + timedelta(days=1),
    )
    plan, _owner = owners(repo)
    assert plan.paths("fmt") == ("include/**", "src/**", "fmt/**", "CMakeLists.txt")
    repo.commit({"fmt": "include/fmt\n"}, "A file where the folder was", T0 + timedelta(days=2))
    assert owners(repo)[0].paths("fmt") == ("include/**", "src/**", "CMakeLists.txt")


@pytest.mark.parametrize(
    "manifest",
    [
        '{"name": 5, "files": "lib", "workspaces": {"packages": 7}}',
        '{"workspaces": 7}',
        "[]",
        "{",
    ],
)
def test_a_package_json_of_unexpected_shape_is_read_as_no_build(
    tmp_path: Path, manifest: str
) -> None:
    """A hand-edited package.json whose workspaces, name or files are of another type drafts
    the services from the folders instead of failing."""
    plan, owner = _plan(tmp_path / "clone", {"package.json": manifest, "lib/a.js": "x\n"})
    assert plan.found_by == "top-level code folders"
    # The folder guess: lib/ only wraps the clone's code, so its service is named after the clone.
    assert owner["lib/a.js"] == "clone"


def _moved(repo: GitRepo, moves: dict[str, str], when: datetime) -> None:
    """Commit ``git mv`` of each old path to its new one at ``when``."""
    for old, new in moves.items():
        (repo.path / new).parent.mkdir(parents=True, exist_ok=True)
        repo.git("mv", old, new)
    repo.commit({}, "Move", when)


def test_a_maven_src_java_moved_into_src_main_java_is_the_services_too(tmp_path: Path) -> None:
    """A Maven module's ``src/java/`` that became ``src/main/java/`` (``src/`` still at HEAD) is
    the module's, while its old tests moved into ``src/test/java/`` and an example deleted
    before the move stay in no service."""
    repo = GitRepo(tmp_path / "lib")
    old: dict[str, str | bytes | None] = {
        "pom.xml": "<project><artifactId>lib</artifactId></project>\n",
        "src/java/org/acme/A.java": "class A {}\n",
        "src/java/org/acme/B.java": "class B {}\n",
        "src/test/org/acme/ATest.java": "class ATest {}\n",
        "src/java/examples/Demo.java": "class Demo {}\n",
    }
    repo.commit(old, "Start", T0)
    repo.commit({"src/java/examples/Demo.java": None}, "No demo", T0 + timedelta(hours=1))
    _moved(
        repo,
        {
            "src/java/org": "src/main/java/org",
            "src/test/org": "src/test/java/org",
        },
        T0 + timedelta(days=1),
    )
    plan, _owner = owners(repo)
    org = parse_org_config(toml_for(plan, "UTC"))
    assert plan.paths("lib") == (
        "src/main/**",
        "src/java/**",
        "pom.xml",
        "!src/java/**/examples/**",
    )
    assert org.service_for_path(plan.repository, "src/java/org/acme/A.java") == "lib"
    assert org.service_for_path(plan.repository, "src/test/org/acme/ATest.java") is None
    # An example the history shows in the old folder is out of it, as at HEAD.
    assert org.service_for_path(plan.repository, "src/java/examples/Demo.java") is None


def test_a_header_moved_into_single_include_is_the_services_too(tmp_path: Path) -> None:
    """A single header that git shows became ``single_include/`` (from ``src/``, most of whose
    files went to tests, and from the root) keeps its old path in the service."""
    repo = GitRepo(tmp_path / "json")
    repo.commit(
        {
            "CMakeLists.txt": "project(json CXX)\n",
            "src/json.hpp": "struct json { int value; };\n",
            "src/unit.cpp": "int unit_main() { return 0; }\n",
            "src/unit-a.cpp": "int unit_a() { return 1; }\n",
            "json_fwd.hpp": "struct json_fwd { int value; };\n",
        },
        "Start",
        T0,
    )
    _moved(
        repo,
        {
            "src/json.hpp": "single_include/nlohmann/json.hpp",
            "src/unit.cpp": "test/src/unit.cpp",
            "src/unit-a.cpp": "test/src/unit-a.cpp",
            "json_fwd.hpp": "single_include/nlohmann/json_fwd.hpp",
        },
        T0 + timedelta(days=1),
    )
    plan, _owner = owners(repo)
    org = parse_org_config(toml_for(plan, "UTC"))
    owner = {p: org.service_for_path(plan.repository, p) for p in ("src/json.hpp", "json_fwd.hpp")}
    assert owner == {"src/json.hpp": "json", "json_fwd.hpp": "json"}
    assert org.service_for_path(plan.repository, "src/unit.cpp") is None


def test_an_old_layout_split_into_modules_goes_to_each_module_without_its_tests(
    tmp_path: Path,
) -> None:
    """An old ``src/java/main`` split into two Maven modules gives each module its part, and
    the old ``src/java/test`` and ``src/c/tests`` (moved into the modules' tests) are in none."""
    repo = GitRepo(tmp_path / "acme")
    old: dict[str, str | bytes | None] = {
        "src/java/main/org/acme/server/S.java": "class S {}\n",
        "src/java/main/org/acme/server/S2.java": "class S2 {}\n",
        "src/java/main/org/acme/jute/J.java": "class J {}\n",
        "src/java/test/org/acme/ST.java": "class ST {}\n",
        "src/c/src/c.c": "int c;\n",
        "src/c/include/c.h": "int h;\n",
        "src/c/tests/t.c": "int t;\n",
    }
    repo.commit(old, "Start", T0)
    server, jute, client = "acme-server/src", "acme-jute/src", "acme-client/acme-client-c"
    _moved(
        repo,
        {
            "src/java/main/org/acme/server": f"{server}/main/java/org/acme/server",
            "src/java/main/org/acme/jute": f"{jute}/main/java/org/acme/jute",
            "src/java/test/org": f"{server}/test/java/org",
            "src/c": client,
        },
        T0 + timedelta(days=1),
    )
    modules = "<modules><module>{}</module></modules>"
    repo.commit(
        {
            "pom.xml": f"<project>{modules.format('acme-server</module><module>acme-jute')}"
            f"{modules.format('acme-client')}</project>\n",
            "acme-server/pom.xml": "<project/>\n",
            "acme-jute/pom.xml": "<project/>\n",
            "acme-client/pom.xml": f"<project>{modules.format('acme-client-c')}</project>\n",
            f"{client}/pom.xml": "<project/>\n",
        },
        "Modules",
        T0 + timedelta(days=2),
    )
    plan, _owner = owners(repo)
    org = parse_org_config(toml_for(plan, "UTC"))
    owner = {p: org.service_for_path(plan.repository, p) or "-" for p in old}
    assert owner == {
        "src/java/main/org/acme/server/S.java": "acme-server",
        "src/java/main/org/acme/server/S2.java": "acme-server",
        "src/java/main/org/acme/jute/J.java": "acme-jute",
        "src/java/test/org/acme/ST.java": "-",
        "src/c/src/c.c": "acme-client-c",
        "src/c/include/c.h": "acme-client-c",
        "src/c/tests/t.c": "-",
    }


def test_a_folder_moved_twice_is_followed_to_the_service(tmp_path: Path) -> None:
    """``pkg/`` moved to ``lib/pkg/`` and then to ``src/pkg/``: both older folders are the
    service's, read through the later rename."""
    repo = GitRepo(tmp_path / "pkg")
    repo.commit({"pkg/__init__.py": "", "pkg/app.py": "app = 1\n"}, "Start", T0)
    _moved(repo, {"pkg": "lib/pkg"}, T0 + timedelta(days=1))
    _moved(repo, {"lib/pkg": "src/pkg"}, T0 + timedelta(days=2))
    plan, _owner = owners(repo)
    assert plan.paths("pkg") == ("src/pkg/**", "lib/**", "pkg/**")


def test_a_maven_module_listed_again_in_a_profile_is_one_service(tmp_path: Path) -> None:
    """A contrib aggregator named in ``<modules>`` and again in a profile's drafts each of its
    modules once (not ``p-contrib-fatjar`` beside ``p-contrib-p-contrib-fatjar``)."""
    contrib = "<modules><module>p-contrib</module></modules>"
    plan, owner = _plan(
        tmp_path / "p",
        {
            "pom.xml": f"<project>{contrib}<profiles><profile>{contrib}</profile></profiles>"
            "</project>\n",
            "p-contrib/pom.xml": "<project><modules><module>p-contrib-fatjar</module>"
            "</modules></project>\n",
            "p-contrib/p-contrib-fatjar/src/main/java/Main.java": "class Main {}\n",
        },
    )
    assert plan.services == (("p-contrib-fatjar", "p-contrib/p-contrib-fatjar/**"),)
    assert owner["p-contrib/p-contrib-fatjar/src/main/java/Main.java"] == "p-contrib-fatjar"


def test_docs_examples_and_tests_gone_from_head_are_out_of_the_services(tmp_path: Path) -> None:
    """A Go module's ``website/`` and ``_examples/`` and a crate's ``src/docs/`` and
    ``src/**/tests/``, deleted before HEAD, leave their older changes in no service."""
    go = GitRepo(tmp_path / "go")
    gone: dict[str, str | bytes | None] = {
        "website/content/guide.md": "# Guide\n",
        "_examples/hello/main.go": "package main\n",
    }
    go.commit({"go.mod": "module example.com/web\n", "web.go": "package web\n", **gone}, "A", T0)
    go.commit(dict.fromkeys(gone), "Docs and examples elsewhere", T0 + timedelta(days=1))
    plan, _owner = owners(go)
    org = parse_org_config(toml_for(plan, "UTC"))
    assert org.service_for_path(plan.repository, "web.go") == "web"
    assert {p: org.service_for_path(plan.repository, p) for p in gone} == dict.fromkeys(gone)
    crate = GitRepo(tmp_path / "crate")
    old: dict[str, str | bytes | None] = {
        "src/docs/intro.md": "# Intro\n",
        "src/parser/tests/cases.rs": "#[test] fn t() {}\n",
    }
    manifest = '[package]\nname = "tool"\n'
    crate.commit({"Cargo.toml": manifest, "src/lib.rs": "pub fn f() {}\n", **old}, "A", T0)
    crate.commit(dict.fromkeys(old), "Moved out", T0 + timedelta(days=1))
    plan, _owner = owners(crate)
    org = parse_org_config(toml_for(plan, "UTC"))
    assert org.service_for_path(plan.repository, "src/lib.rs") == "tool"
    assert {p: org.service_for_path(plan.repository, p) for p in old} == dict.fromkeys(old)


def test_a_rails_engine_gem_is_its_lib_app_and_config(tmp_path: Path) -> None:
    """A gemspec that ships ``{app,config,lib}`` is a Rails engine: app/ and config/ are the
    gem's code beside lib/; its committed bundle and map in app/assets are build output."""
    plan, owner = _plan(
        tmp_path / "engine",
        {
            "blorgh.gemspec": 'Gem::Specification.new do |s|\n  s.name = "blorgh"\n'
            '  s.files = Dir["{app,config,lib}/**/*", "MIT-LICENSE"]\nend\n',
            "lib/blorgh.rb": "module Blorgh; end\n",
            "app/helpers/blorgh/frames_helper.rb": "module Blorgh; end\n",
            "app/javascript/blorgh/index.js": "export const a = 1;\n",
            "app/assets/javascripts/blorgh.js": "var a=1;\n",
            "app/assets/javascripts/blorgh.js.map": "{}\n",
            "app/assets/javascripts/blorgh.min.js": "var a=1\n",
            "config/routes.rb": "Rails.application.routes.draw {}\n",
            "test/blorgh_test.rb": "\n",
        },
    )
    assert plan.services == (("blorgh", "lib/**"),)
    assert {p for p, k in owner.items() if k == "blorgh"} == {
        "blorgh.gemspec",
        "lib/blorgh.rb",
        "app/helpers/blorgh/frames_helper.rb",
        "app/javascript/blorgh/index.js",
        "config/routes.rb",
    }


def test_a_package_that_publishes_only_declarations_is_its_typescript_source(
    tmp_path: Path,
) -> None:
    """A package whose ``files`` and ``types`` name only TypeScript declarations (shiny's
    ``srcts/types/**/*.d.ts``, which ``tsc`` writes) is the folder of its TypeScript source,
    not the folder of declarations."""
    plan, owner = _plan(
        tmp_path / "clone",
        {
            "package.json": '{"name": "@posit/shiny", "types": "srcts/types/extras/g.d.ts", '
            '"files": ["LICENSE", "srcts/types/**/*.d.ts"]}',
            "srcts/src/shiny/index.ts": "export const a = 1;\n",
            "srcts/src/utils/index.ts": "export const b = 2;\n",
            "srcts/extras/showcase.ts": "export const c = 3;\n",
            "srcts/types/src/shiny/index.d.ts": "export declare const a = 1;\n",
            "srcts/types/extras/g.d.ts": "export {};\n",
        },
    )
    assert plan.services == (("shiny", "srcts/**"),)
    assert owner["srcts/src/shiny/index.ts"] == owner["srcts/extras/showcase.ts"] == "shiny"


def test_a_package_publishing_tscs_output_beside_a_template_is_its_source_too(
    tmp_path: Path,
) -> None:
    """A CLI whose ``files`` publish tsc's ``outDir`` (``build/``, not in the clone) beside a
    template app it copies (ignite's ``boilerplate/``) is the folders tsconfig.json compiles
    (``src/``) as well as the template; its tests stay in none."""
    plan, owner = _plan(
        tmp_path / "ignite",
        {
            "package.json": '{"name": "ignite-cli", "bin": {"ignite": "bin/ignite"}, '
            '"files": ["boilerplate", "build", "bin", "README.md"]}',
            "tsconfig.json": '{\n  // the CLI\n  "compilerOptions": {"outDir": "./build",},\n'
            '  "include": ["./src"], "exclude": ["./boilerplate"]\n}\n',
            "bin/ignite": "#!/usr/bin/env node\nrequire('../build/cli')\n",
            "src/cli.ts": "export const run = () => 1;\n",
            "src/commands/new.ts": "export const name = 'new';\n",
            "boilerplate/app/app.tsx": "export const App = () => null;\n",
            "boilerplate/app/screens/Welcome.tsx": "export const Welcome = () => null;\n",
            "test/new.test.ts": "test('new', () => {});\n",
        },
    )
    assert [key for key, _ in plan.services] == ["ignite-cli"]
    assert owner["src/commands/new.ts"] == owner["boilerplate/app/app.tsx"] == "ignite-cli"
    assert owner["test/new.test.ts"] == "-"


def test_a_tsconfig_out_dir_the_clone_holds_adds_nothing(tmp_path: Path) -> None:
    """A package publishing a folder the clone holds, whatever tsconfig.json writes into it, is
    that folder alone: only an ``outDir`` that is no file of the clone is tsc's output."""
    plan, _ = _plan(
        tmp_path / "lib",
        {
            "package.json": '{"name": "lib", "files": ["lib"]}',
            "tsconfig.json": '{"compilerOptions": {"outDir": "lib"}, "include": ["tools"]}',
            "lib/index.js": "module.exports = 1;\n",
            "tools/gen.ts": "export const gen = 1;\n",
        },
    )
    assert plan.services == (("lib", "lib/**"),)


def test_an_ansible_collection_is_one_service_named_as_galaxy_publishes_it(
    tmp_path: Path,
) -> None:
    """A root galaxy.yml is one service keyed ``namespace.name`` (``community.docker``, though
    "docker" alone would name tooling) of its plugins and roles, with galaxy.yml and meta/;
    its integration targets are tests."""
    plan, owner = _plan(
        tmp_path / "clone",
        {
            "galaxy.yml": "namespace: community\nname: docker\nversion: 5.3.0\n",
            "meta/runtime.yml": "requires_ansible: '>=2.15'\n",
            "plugins/modules/docker_container.py": "def main():\n    pass\n",
            "plugins/module_utils/common.py": "X = 1\n",
            "roles/setup/tasks/main.yml": "- name: install\n",
            "tests/integration/targets/docker_container/tasks/main.yml": "- name: run\n",
            "tests/unit/plugins/test_common.py": "def test_x():\n    pass\n",
        },
    )
    assert plan.found_by == "the Ansible collection (galaxy.yml)"
    assert plan.services == (("community.docker", "plugins/**"),)
    for path in ("plugins/modules/docker_container.py", "roles/setup/tasks/main.yml"):
        assert owner[path] == "community.docker", path
    assert owner["galaxy.yml"] == owner["meta/runtime.yml"] == "community.docker"
    assert owner["tests/unit/plugins/test_common.py"] == "-"


def test_an_nx_workspace_is_a_service_per_project_named_by_its_project_json(
    tmp_path: Path,
) -> None:
    """An Nx workspace without a package.json workspace (ngrx/platform) is a service per
    ``project.json``, keyed by the project's name; its e2e and example apps are none, and a
    library's ``spec/`` folder is its tests."""
    plan, owner = _plan(
        tmp_path / "clone",
        {
            "nx.json": '{"workspaceLayout": {"libsDir": "modules", "appsDir": "projects"}}',
            "package.json": '{"name": "@ngrx/platform", "private": true}',
            "modules/store/project.json": '{"name": "store", "projectType": "library"}',
            "modules/store/package.json": '{"name": "@ngrx/store"}',
            "modules/store/src/store.ts": "export class Store {}\n",
            "modules/store/spec/helpers.ts": "export const h = 1;\n",
            "modules/effects/project.json": '{"name": "effects"}',
            "modules/effects/src/effects.ts": "export class Effects {}\n",
            "projects/example-app/project.json": '{"name": "example-app"}',
            "projects/example-app/src/main.ts": "bootstrap();\n",
            "projects/example-app-e2e/project.json": '{"name": "example-app-e2e"}',
            "projects/example-app-e2e/src/app.cy.ts": "it('works');\n",
        },
    )
    assert plan.found_by == "Nx projects (project.json)"
    assert dict(plan.services) == {"effects": "modules/effects/**", "store": "modules/store/**"}
    assert owner["modules/store/src/store.ts"] == "store"
    assert owner["modules/store/spec/helpers.ts"] == "-"
    assert owner["projects/example-app/src/main.ts"] == "-"


def test_a_swift_app_s_sources_folder_is_a_service_per_target(tmp_path: Path) -> None:
    """An Xcode app with no Package.swift at its root keeps its targets in ``Sources/``, as
    SwiftPM does: each is a service, a package among them too, though another folder holds code
    beside it; fastlane's release lanes, the build's tool package and fixtures are in none."""
    plan, owner = _plan(
        tmp_path / "ios",
        {
            "App.xcodeproj/project.pbxproj": "// !$*UTF8*$!\n{}\n",
            **{f"Sources/App/Views/V{i}.swift": "struct V {}\n" for i in range(3)},
            **{f"Sources/Shared/API/A{i}.swift": "struct A {}\n" for i in range(3)},
            "Sources/Shared/API/Fixtures/ServerFixture.swift": "let server = 1\n",
            "Sources/PushServer/Package.swift": "// swift-tools-version:5.9\n",
            "Sources/PushServer/Sources/App/main.swift": "print(1)\n",
            "Configuration/Scripts/fix.sh": "#!/bin/sh\necho fix\n",
            "fastlane/Fastfile": "lane :test do\nend\n",
            "fastlane/lanes/ios.rb": "lane :build do\nend\n",
            "BuildTools/Package.swift": "// swift-tools-version:5.9\n",
            "BuildTools/Sources/BuildTools/Empty.swift": "\n",
            "Tests/App/AppTests.swift": "import XCTest\n",
        },
    )
    assert plan.services == (
        ("configuration", "Configuration/**"),
        ("app", "Sources/App/**"),
        ("pushserver", "Sources/PushServer/**"),
        ("shared", "Sources/Shared/**"),
    )
    assert owner["Sources/Shared/API/A0.swift"] == "shared"
    assert (
        owner["fastlane/lanes/ios.rb"] == owner["BuildTools/Sources/BuildTools/Empty.swift"] == "-"
    )
    assert owner["Tests/App/AppTests.swift"] == "-"
    # Test fixtures are no code to the scorer, inside a target too.
    assert owner["Sources/Shared/API/Fixtures/ServerFixture.swift"] == "-"


def test_a_python_package_holds_the_extension_code_beside_it_and_its_setup_py(
    tmp_path: Path,
) -> None:
    """One package under src/ is the service of the C sources beside it there (what its
    extension modules compile) and of the root setup.py that builds them, with its
    pyproject.toml; tests and docs stay out."""
    plan, owner = _plan(
        tmp_path / "pillow",
        {
            "setup.py": "from setuptools import Extension, setup\nsetup()\n",
            "pyproject.toml": '[project]\nname = "pillow"\n',
            "src/PIL/__init__.py": "V = 1\n",
            "src/PIL/Image.py": "class Image: pass\n",
            "src/_imaging.c": "int a;\n",
            "src/libImaging/Draw.c": "int b;\n",
            "src/libImaging/Imaging.h": "int c;\n",
            "src/thirdparty/pythoncapi_compat.h": "int d;\n",
            "Tests/test_image.py": "def test_a(): pass\n",
            "docs/conf.py": "project = 'x'\n",
        },
    )
    assert plan.found_by == "Python packages"
    assert {p for p, k in owner.items() if k == "pil"} == {
        "setup.py",
        "pyproject.toml",
        "src/PIL/__init__.py",
        "src/PIL/Image.py",
        "src/_imaging.c",
        "src/libImaging/Draw.c",
        "src/libImaging/Imaging.h",
        "src/thirdparty/pythoncapi_compat.h",
    }
    assert owner["Tests/test_image.py"] == owner["docs/conf.py"] == "-"


def test_several_python_packages_leave_the_code_between_them_out(tmp_path: Path) -> None:
    """With two packages under src/, which one a C source beside them builds into only the
    build script's code says: each package is its own folder, and setup.py is neither's."""
    _, owner = _plan(
        tmp_path / "two",
        {
            "setup.py": "from setuptools import setup\nsetup()\n",
            "src/a/__init__.py": "A = 1\n",
            "src/b/__init__.py": "B = 1\n",
            "src/_speedups.c": "int a;\n",
        },
    )
    assert (owner["src/a/__init__.py"], owner["src/b/__init__.py"]) == ("a", "b")
    assert owner["setup.py"] == owner["src/_speedups.c"] == "-"


def test_a_jekyll_theme_gem_is_its_theme_folders(tmp_path: Path) -> None:
    """A gem with no ``lib/`` whose folders are a Jekyll theme's (jekyll/minima) is one service
    named after the gem: its layouts, includes, styles and assets; the demo site's posts and
    pages beside them are none of it."""
    plan, owner = _plan(
        tmp_path / "minima",
        {
            "minima.gemspec": 'Gem::Specification.new do |spec|\n  spec.name = "minima"\nend\n',
            "_layouts/post.html": "<article>{{ content }}</article>\n",
            "_includes/head.html": "<head></head>\n",
            "_sass/minima.scss": "body { margin: 0; }\n",
            "assets/main.scss": "@import 'minima';\n",
            "_posts/2016-05-19-welcome.md": "# Welcome\n",
            "index.md": "---\nlayout: home\n---\n",
            "_config.yml": "title: minima\n",
        },
    )
    assert plan.services == (("minima", "_layouts/**"),)
    assert plan.found_by == "the gem (minima.gemspec)"
    assert {p for p, k in owner.items() if k == "minima"} == {
        "minima.gemspec",
        "_layouts/post.html",
        "_includes/head.html",
        "_sass/minima.scss",
        "assets/main.scss",
    }


def test_a_powershell_module_is_its_manifest_s_folder_with_its_assembly(tmp_path: Path) -> None:
    """A ``.psd1`` module manifest (with ``ModuleVersion``) declares a PowerShell module: its
    folder, named after the manifest; the .NET project inside it builds the module's assembly
    and is part of it (Pester's ``src/csharp/Pester``), with the module's own tests beside its
    scripts; a settings ``.psd1`` without ``ModuleVersion`` makes no module (as the clone's one
    service, the module holds it), the C# test project named in PascalCase (``PesterTests``)
    and the ``tst/`` tests are in no service."""
    plan, owner = _plan(
        tmp_path / "Pester",
        {
            "src/Pester.psd1": "@{\n  RootModule = 'Pester.psm1'\n  ModuleVersion = '6.1.0'\n}\n",
            "src/Main.ps1": "function Invoke-Pester {}\n",
            "src/functions/Mock.ps1": "function Mock {}\n",
            "src/functions/Mock.Tests.ps1": "Describe 'Mock' {}\n",
            "src/csharp/Pester/Pester.csproj": '<Project Sdk="Microsoft.NET.Sdk"></Project>\n',
            "src/csharp/Pester/Tracing.cs": "namespace Pester { }\n",
            "src/csharp/PesterTests/PesterTests.csproj": '<Project Sdk="Microsoft.NET.Sdk" />\n',
            "src/csharp/PesterTests/OptionTests.cs": "namespace PesterTests { }\n",
            "tst/Pester.RSpec.ts.ps1": "Describe 'RSpec' {}\n",
            "PSScriptAnalyzerSettings.psd1": "@{ Severity = @('Error') }\n",
        },
    )
    assert plan.services == (("pester", "src/**"),)
    assert plan.found_by == "the PowerShell module manifest (*.psd1)"
    assert {p for p, k in owner.items() if k == "pester"} == {
        "src/Pester.psd1",
        "src/Main.ps1",
        "src/functions/Mock.ps1",
        "src/functions/Mock.Tests.ps1",
        "src/csharp/Pester/Pester.csproj",
        "src/csharp/Pester/Tracing.cs",
        "PSScriptAnalyzerSettings.psd1",
    }


def test_a_dotnet_project_beside_a_powershell_module_stays_its_own(tmp_path: Path) -> None:
    """A .NET project outside every PowerShell module's folder is still a service of its own,
    beside the module."""
    plan, _ = _plan(
        tmp_path / "tools",
        {
            "module/Tools.psd1": "@{ ModuleVersion = '1.0.0' }\n",
            "module/Tools.psm1": "function Get-Tool {}\n",
            "src/Api/Api.csproj": '<Project Sdk="Microsoft.NET.Sdk"></Project>\n',
            "src/Api/Program.cs": "class Program { }\n",
        },
    )
    assert dict(plan.services) == {"tools": "module/**", "api": "src/Api/**"}


def test_a_rock_is_the_whole_clone(tmp_path: Path) -> None:
    """A rockspec at the root (luarocks/luarocks) makes one service of the whole clone, named
    after its package: the makefile, install script and rockspec beside ``src/``, which were
    code in no service; its busted ``spec/`` is no service's."""
    plan, owner = _plan(
        tmp_path / "clone",
        {
            "luarocks-dev-1.rockspec": 'rockspec_format = "3.0"\npackage = "luarocks"\n',
            "GNUmakefile": "all:\n\tlua install.lua\n",
            "install.bat": "@echo off\n",
            "src/luarocks/cmd.lua": "local cmd = {}\nreturn cmd\n",
            "src/luarocks/fs.lua": "local fs = {}\nreturn fs\n",
            "spec/cmd_spec.lua": "describe('cmd', function() end)\n",
        },
    )
    assert plan.services == (("luarocks", "**"),)
    assert owner["GNUmakefile"] == owner["install.bat"] == owner["src/luarocks/cmd.lua"]
    assert owner["src/luarocks/cmd.lua"] == "luarocks"
    assert owner["spec/cmd_spec.lua"] == "-"


def test_rockspecs_of_two_packages_are_no_one_rock(tmp_path: Path) -> None:
    """Versions of one package kept in ``rockspecs/`` are one rock; rockspecs naming two
    packages make no whole-clone service (the top-level code folders are read instead)."""
    one, _ = _plan(
        tmp_path / "one",
        {
            "rockspecs/lpeg-1.0-1.rockspec": 'package = "lpeg"\n',
            "rockspecs/lpeg-1.1-1.rockspec": "package = 'lpeg'\n",
            "src/lpeg.lua": "return {}\n",
        },
    )
    assert one.services == (("lpeg", "**"),)
    two, _ = _plan(
        tmp_path / "two",
        {
            "a-1.0-1.rockspec": 'package = "a"\n',
            "b-1.0-1.rockspec": 'package = "b"\n',
            "a/init.lua": "return {}\n",
            "a/util.lua": "return {}\n",
            "b/init.lua": "return {}\n",
            "b/util.lua": "return {}\n",
        },
    )
    assert ("a", "**") not in two.services
    assert ("b", "**") not in two.services


def test_a_django_projects_root_files_are_its_project_packages(tmp_path: Path) -> None:
    """A root ``manage.py`` naming its settings package (wagtail/bakerydemo's) puts the files at
    the root (``manage.py``, the ``Dockerfile``, which were code in no service) in that
    package's service; an app beside it stays a service of its own, and tests are no
    service's."""
    manage = (
        'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "bakerydemo.settings.dev")\n'
    )
    plan, owner = _plan(
        tmp_path / "clone",
        {
            "manage.py": manage,
            "Dockerfile": "FROM python:3.12\n",
            "bakerydemo/__init__.py": "",
            "bakerydemo/settings/__init__.py": "",
            "bakerydemo/settings/dev.py": "DEBUG = True\n",
            "bakerydemo/blog/__init__.py": "",
            "bakerydemo/blog/models.py": "class Blog: ...\n",
            "bakerydemo/blog/tests/test_models.py": "def test(): ...\n",
            "shop/__init__.py": "",
            "shop/models.py": "class Order: ...\n",
        },
    )
    assert plan.found_by == "Python packages of a Django project (manage.py)"
    assert owner["manage.py"] == owner["Dockerfile"] == owner["bakerydemo/blog/models.py"]
    assert owner["manage.py"] == "bakerydemo"
    assert owner["shop/models.py"] == "shop"
    assert owner["bakerydemo/blog/tests/test_models.py"] == "-"


def test_a_manage_py_naming_no_package_of_the_clone_is_no_django_project(tmp_path: Path) -> None:
    """A ``manage.py`` whose settings package the clone does not hold (a reusable app's test
    runner naming a settings module that is not there) leaves the packages as they were."""
    plan, _ = _plan(
        tmp_path / "clone",
        {
            "manage.py": 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo.settings")\n',
            "polls/__init__.py": "",
            "polls/models.py": "class Poll: ...\n",
            "polls/views.py": "def index(): ...\n",
        },
    )
    assert plan.found_by == "Python packages"
    assert plan.services == (("polls", "polls/**"),)


def test_an_alire_crate_is_the_whole_clone(tmp_path: Path) -> None:
    """An ``alire.toml`` at the root (alire-project/alire's ``alr``) makes one service of the
    whole clone named after its crate: its sources, GNAT project file and development scripts,
    which the top-level folders had split; its ``testsuite/`` is no service's."""
    plan, owner = _plan(
        tmp_path / "clone",
        {
            "alire.toml": 'name = "alr"\nversion = "3.0.0-dev"\nproject-files = ["alr.gpr"]\n',
            "alr.gpr": 'project Alr is\n   for Source_Dirs use ("src/**");\nend Alr;\n',
            "src/alr/alr-main.adb": "procedure Alr.Main is begin null; end Alr.Main;\n",
            "src/alire/alire-index.ads": "package Alire.Index is end Alire.Index;\n",
            "dev/functions.sh": "#!/bin/sh\necho build\n",
            "testsuite/drivers/helpers.py": "def run(): ...\n",
        },
    )
    assert plan.services == (("alr", "**"),)
    assert owner["src/alr/alr-main.adb"] == owner["dev/functions.sh"] == "alr"
    assert owner["testsuite/drivers/helpers.py"] == "-"


def test_a_nimble_package_is_the_whole_clone(tmp_path: Path) -> None:
    """A root ``pixie.nimble`` (treeform/pixie) makes one service of the whole clone named after
    the package, its manifest and the bindings its tasks build among it, where the top-level
    folders had split it and left the manifest in none; its tests are no service's."""
    plan, owner = _plan(
        tmp_path / "clone",
        {
            "pixie.nimble": 'version = "6.0.0"\nsrcDir = "src"\nrequires "vmath >= 3.0.0"\n',
            "src/pixie.nim": "import pixie/images\n",
            "src/pixie/images.nim": "type Image* = ref object\n",
            "bindings/bindings.nim": "import pixie\n",
            "experiments/trapezoids.nim": "import pixie\n",
            "tests/test_images.nim": "import pixie\n",
        },
    )
    assert plan.services == (("pixie", "**"),)
    assert owner["pixie.nimble"] == owner["bindings/bindings.nim"] == "pixie"
    assert owner["src/pixie/images.nim"] == "pixie"
    assert owner["tests/test_images.nim"] == "-"


def test_a_nextflow_pipeline_is_the_whole_clone(tmp_path: Path) -> None:
    """A root ``nextflow.config`` naming the pipeline beside ``main.nf`` (nf-core/rnaseq) makes
    one service of the whole clone named after it: ``main.nf``, its configuration and the
    ``bin/`` scripts its processes run, which the top-level folders had left in no service;
    its tests are no service's."""
    plan, owner = _plan(
        tmp_path / "clone",
        {
            "nextflow.config": (
                "params {\n    name = null\n}\nmanifest {\n    contributors = [[name: 'A']]\n"
                "    name = 'nf-core/rnaseq'\n    mainScript = 'main.nf'\n}\n"
            ),
            "main.nf": "include { RNASEQ } from './workflows/rnaseq'\nworkflow { RNASEQ() }\n",
            "workflows/rnaseq/main.nf": "workflow RNASEQ {\n}\n",
            "modules/local/deseq2_qc/main.nf": "process DESEQ2_QC {\n}\n",
            "subworkflows/local/align/main.nf": "workflow ALIGN {\n}\n",
            "bin/filter_gtf.py": "import sys\n",
            "tests/default.nf.test": "nextflow_pipeline {\n}\n",
        },
    )
    assert plan.services == (("rnaseq", "**"),)
    assert owner["main.nf"] == owner["bin/filter_gtf.py"] == owner["nextflow.config"] == "rnaseq"
    assert owner["modules/local/deseq2_qc/main.nf"] == "rnaseq"
    assert owner["tests/default.nf.test"] == "-"


def test_a_nextflow_configuration_naming_no_pipeline_is_no_package(tmp_path: Path) -> None:
    """A ``nextflow.config`` without a ``manifest`` name, or without ``main.nf`` beside it, is
    no pipeline of the whole clone: the folders decide as before."""
    plan, _ = _plan(
        tmp_path / "clone",
        {
            "nextflow.config": "params {\n    name = 'x'\n}\n",
            "main.nf": "workflow {\n}\n",
            "modules/a/main.nf": "process A {\n}\n",
            "workflows/b/main.nf": "workflow B {\n}\n",
        },
    )
    assert ("rnaseq", "**") not in plan.services
    assert all(glob != "**" for _, glob in plan.services)


def test_a_repository_of_examples_drafts_a_service_per_example(tmp_path: Path) -> None:
    """A repository whose code is all in folders named for examples (Play's samples, one sbt
    build each) drafts each example as a service, where every example was code in no service;
    an example's tests are still no service's."""
    files: dict[str, str | bytes | None] = {"README.md": "# Samples\n", "test.sh": "sbt test\n"}
    for name in ("chatroom", "forms", "jpa", "rest-api", "fileupload", "streaming", "tls"):
        folder = f"play-scala-{name}-example"
        files[f"{folder}/build.sbt"] = f'name := "{name}"\n'
        for c in ("HomeController", "ApiController", "Module"):
            files[f"{folder}/app/{c}.scala"] = f"class {c}\n"
        files[f"{folder}/test/HomeSpec.scala"] = "class HomeSpec\n"
    plan, owner = _plan(tmp_path / "samples", files)
    assert len(plan.services) == 7
    assert owner["play-scala-forms-example/app/Module.scala"] == "play-scala-forms-example"
    assert owner["play-scala-jpa-example/app/HomeController.scala"] == "play-scala-jpa-example"
    assert owner["play-scala-jpa-example/test/HomeSpec.scala"] == "-"


def test_examples_under_one_folder_are_each_a_service(tmp_path: Path) -> None:
    """A collection kept under one ``examples/`` folder opens it as ``src/`` is opened: each
    example in it is a service."""
    files: dict[str, str | bytes | None] = {}
    for name in ("chat", "shop", "blog", "wiki", "todo", "maps", "auth"):
        for m in ("main", "routes", "models"):
            files[f"examples/{name}/{m}.py"] = f"NAME = '{m}'\n"
    plan, owner = _plan(tmp_path / "examples-repo", files)
    assert len(plan.services) == 7
    assert owner["examples/shop/routes.py"] == "shop"


def test_a_lone_service_holds_the_code_the_year_deleted(tmp_path: Path) -> None:
    """minGPT's ``scripts/`` deleted this year is its one package's, so the year's changes of
    it count in a service (a file moved into a test folder stays out of it: the single-header
    test above)."""
    repo = GitRepo(tmp_path / "mingpt")
    repo.commit(
        {
            "setup.py": "from setuptools import setup\nsetup(name='mingpt')\n",
            "mingpt/__init__.py": "",
            "mingpt/model.py": "class GPT:\n    pass\n",
            "scripts/weights_import.py": "import torch\nprint(torch)\n",
        },
        "Start",
        T0,
    )
    repo.commit(
        {"scripts/weights_import.py": "import torch\nprint(torch.__version__)\n"},
        "Import weights",
        T0 + timedelta(days=1),
    )
    repo.commit({"scripts/weights_import.py": None}, "Into a notebook", T0 + timedelta(days=2))
    plan, _owner = owners(repo)
    assert plan.paths("mingpt") == ("mingpt/**", "setup.py", "scripts/**")


def test_a_root_module_the_pyproject_names_is_the_clone(tmp_path: Path) -> None:
    """emsdk's shape: a pyproject naming ``emsdk`` and no package, its code ``emsdk.py`` at the
    root beside ``scripts/`` and ``docker/``: one service of the clone read from the build, its
    tests in none."""
    plan, owner = _plan(
        tmp_path / "emsdk",
        {
            "pyproject.toml": "[project]\nname = 'emsdk'\nrequires-python = '>=3.10'\n",
            "emsdk.py": "def main():\n    pass\n",
            "scripts/update_node.py": "import emsdk\n",
            "docker/Dockerfile": "FROM ubuntu:24.04\n",
            "test/test.py": "def test_install():\n    assert True\n",
        },
    )
    assert plan.found_by == "the Python module (pyproject.toml)"
    assert owner["emsdk.py"] == owner["scripts/update_node.py"] == "emsdk"
    assert owner["test/test.py"] == "-"


def test_a_namespace_package_the_pyproject_names_is_the_service(tmp_path: Path) -> None:
    """poetry's ``src/poetry/`` has no ``__init__.py`` (poetry-core ships ``poetry.core`` into
    the same namespace): the package its pyproject names is read from the build, not guessed
    from the folders."""
    plan, owner = _plan(
        tmp_path / "poetry",
        {
            "pyproject.toml": '[project]\nname = "poetry"\nversion = "2.0.0"\n',
            "src/poetry/factory.py": "class Factory:\n    pass\n",
            "src/poetry/console/application.py": "class Application:\n    pass\n",
            "src/poetry/console/__init__.py": "",
            "tests/__init__.py": "",
            "tests/test_factory.py": "def test_factory():\n    assert True\n",
        },
    )
    assert plan.found_by == "Python packages"
    assert owner["src/poetry/console/application.py"] == owner["pyproject.toml"] == "poetry"
    assert owner["tests/test_factory.py"] == "-"
