"""A manifest edit that changes only tool configuration is stored as no dependency change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from data.config import parse_org_config
from data.sources.local_git.manifests import declarations
from data.store.tables import Change, ChangeFile
from tests.data.sources.gitrepo import GitRepo, sync_clone

T0 = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)

pytestmark = pytest.mark.usefixtures("clean_git_env")

PYPROJECT = """[project]
name = "shop"
dependencies = ["httpx>=0.27"]

[tool.ruff]
line-length = 99

[tool.hatch.build]
packages = ["src/shop"]
"""


def test_tool_tables_are_not_declarations() -> None:
    """Linters' tables, package.json's scripts, Pipenv's development packages and an R
    DESCRIPTION's tool fields and Suggests are left out; build tools' tables and the packages a
    deploy installs are not."""
    ruff = PYPROJECT.replace("line-length = 99", "line-length = 100")
    assert declarations("pyproject.toml", PYPROJECT) == declarations("pyproject.toml", ruff)
    hatch = PYPROJECT.replace('["src/shop"]', '["src/shop", "src/extra"]')
    assert declarations("pyproject.toml", PYPROJECT) != declarations("pyproject.toml", hatch)
    before = '{"name": "a", "scripts": {"t": "jest"}, "dependencies": {"x": "1"}}'
    after = '{"name": "a", "scripts": {"t": "vitest"}, "dependencies": {"x": "1"}}'
    assert declarations("web/package.json", before) == declarations("web/package.json", after)
    assert declarations("Cargo.toml", "[lints]\nx = 1\n") == declarations("Cargo.toml", "")
    pipfile = '[packages]\nclick = "*"\n\n[dev-packages]\npytest = "*"\n'
    dev = pipfile.replace('pytest = "*"', 'pytest = "*"\nsphinx = "*"')
    assert declarations("Pipfile", pipfile) == declarations("Pipfile", dev)
    assert declarations("Pipfile", pipfile) != declarations(
        "Pipfile", pipfile.replace("click", "rich")
    )


def test_a_pyprojects_description_of_the_project_is_no_declaration() -> None:
    """A ``[project]``'s (or Poetry's) classifiers, authors, description and URLs describe it
    on the index (typer's "Python :: 3.12" classifier); its dependencies and the Python it
    needs are declarations."""
    project = (
        '[project]\nname = "typer"\nrequires-python = ">=3.7"\n'
        'classifiers = ["Programming Language :: Python :: 3.11"]\n'
        'dependencies = ["click >= 8.0.0"]\n'
    )
    classified = project.replace('3.11"]', '3.11", "Programming Language :: Python :: 3.12"]')
    described = project + 'description = "Build CLIs"\n[project.urls]\nHome = "https://x"\n'
    for edited in (classified, described):
        assert declarations("pyproject.toml", project) == declarations("pyproject.toml", edited)
    for edited in (project.replace(">=3.7", ">=3.8"), project.replace("8.0.0", "8.1.0")):
        assert declarations("pyproject.toml", project) != declarations("pyproject.toml", edited)
    poetry = '[tool.poetry]\nname = "a"\nauthors = ["A"]\n'
    assert declarations("pyproject.toml", poetry) == declarations(
        "pyproject.toml", poetry.replace('["A"]', '["A", "B"]')
    )


def test_a_crates_dev_dependencies_are_no_declaration() -> None:
    """A Cargo.toml's ``[dev-dependencies]``, for every target too, build only the crate's
    tests, examples and benchmarks (tokio's ``tracing-mock`` for its tracing tests): no
    dependency change; its ``[dependencies]``, for a target too, are."""
    cargo = (
        '[package]\nname = "tokio"\n\n[dependencies]\nbytes = "1"\n\n'
        "[target.'cfg(unix)'.dependencies]\nlibc = \"0.2\"\n"
    )
    tests = (
        cargo + '\n[dev-dependencies]\nproptest = "1"\n\n'
        "[target.'cfg(tokio_unstable)'.dev-dependencies]\ntracing-mock = \"0.1\"\n"
    )
    assert declarations("tokio/Cargo.toml", cargo) == declarations("tokio/Cargo.toml", tests)
    plain = '[package]\nname = "a"\n'
    assert declarations("Cargo.toml", plain) == declarations(
        "Cargo.toml", plain + "[target.'cfg(loom)'.dev-dependencies]\nloom = \"0.7\"\n"
    )
    assert declarations("tokio/Cargo.toml", cargo) != declarations(
        "tokio/Cargo.toml", cargo.replace('libc = "0.2"', 'libc = "0.3"')
    )


def _alike(path: str, before: str, after: str) -> bool:
    """Whether the manifest at ``path`` declares the same before and after an edit."""
    return declarations(path, before) == declarations(path, after)


def test_a_pyprojects_dependency_groups_are_no_declaration() -> None:
    """PEP 735's ``[dependency-groups]`` and Poetry's ``dev-dependencies`` are a checkout's
    development tools, never built or installed (pydantic-core's codspeed group made a CI change
    high); ``[project]``'s dependencies and optional dependencies are declarations."""
    pyproject = (
        '[project]\nname = "a"\ndependencies = ["typing-extensions"]\n\n'
        '[project.optional-dependencies]\nemail = ["email-validator"]\n\n'
        '[dependency-groups]\ntesting = ["pytest"]\n\n'
        '[tool.poetry.dev-dependencies]\nblack = "*"\n'
    )
    grown = pyproject.replace('testing = ["pytest"]', 'testing = ["pytest"]\ncodspeed = ["x"]')
    poetry = pyproject.replace('black = "*"', 'black = "*"\nruff = "*"')
    assert _alike("pyproject.toml", pyproject, grown)
    assert _alike("pyproject.toml", pyproject, poetry)
    assert not _alike(
        "pyproject.toml", pyproject, pyproject.replace('"email-validator"', '"dnspython"')
    )


def test_a_composer_packages_development_is_no_declaration() -> None:
    """composer.json's ``require-dev``, ``autoload-dev``, scripts and metadata are a checkout's
    tests and tools (action-scheduler's PHPUnit bump made a tests-only change high); its
    ``require`` and ``autoload`` are declarations."""
    composer = (
        '{"name": "woocommerce/action-scheduler", "type": "wordpress-plugin", '
        '"require": {"php": ">=7.0"}, "require-dev": {"phpunit/phpunit": "^5.6"}, '
        '"scripts": {"test": ["phpunit"]}, "autoload": {"classmap": ["classes/"]}}'
    )
    tests = composer.replace('"^5.6"', '"^7.5"').replace('["phpunit"]', '["vendor/bin/phpunit"]')
    assert _alike("composer.json", composer, tests)
    assert not _alike("composer.json", composer, composer.replace('">=7.0"', '">=8.1"'))
    assert not _alike("composer.json", composer, composer.replace('"classes/"', '"src/"'))


def test_a_workspace_s_members_are_no_declaration() -> None:
    """A Cargo workspace's ``members``, ``exclude`` and ``default-members`` say which crates it
    holds, and ``[workspace.package]``'s version and metadata are its crates': no dependency
    change (axum's examples leaving its members made an examples-only change high); its
    ``[workspace.dependencies]`` are."""
    root = (
        '[workspace]\nmembers = ["axum", "axum-core"]\nresolver = "2"\n\n'
        '[workspace.package]\nversion = "0.7.0"\nedition = "2021"\n\n'
        '[workspace.dependencies]\ntokio = "1"\n'
    )
    moved = root.replace('"axum-core"]', '"axum-core", "examples/*"]\nexclude = ["examples/x"]')
    bumped = root.replace('version = "0.7.0"', 'version = "0.8.0"')
    assert _alike("Cargo.toml", root, moved)
    assert _alike("Cargo.toml", root, bumped)
    assert not _alike("Cargo.toml", root, root.replace('tokio = "1"', 'tokio = "2"'))
    assert not _alike("Cargo.toml", root, root.replace('edition = "2021"', 'edition = "2024"'))


def test_a_release_s_own_version_bump_is_no_declaration() -> None:
    """A package's own version in package.json, Cargo.toml or pyproject.toml (Poetry's too) is
    what a release bumps (OpenZeppelin's "Release v2.1.3") and installs nothing new; the
    versions of what it depends on are declarations."""
    npm = '{"name": "a", "version": "2.1.2", "dependencies": {"x": "^1.0.0"}}'
    assert declarations("package.json", npm) == declarations(
        "package.json", npm.replace("2.1.2", "2.1.3")
    )
    assert declarations("package.json", npm) != declarations(
        "package.json", npm.replace("^1.0.0", "^2.0.0")
    )
    cargo = '[package]\nname = "a"\nversion = "0.1.0"\n\n[dependencies]\nserde = "1"\n'
    assert declarations("Cargo.toml", cargo) == declarations(
        "Cargo.toml", cargo.replace("0.1.0", "0.2.0")
    )
    assert declarations("Cargo.toml", cargo) != declarations(
        "Cargo.toml", cargo.replace('serde = "1"', 'serde = "2"')
    )
    project = PYPROJECT.replace('name = "shop"', 'name = "shop"\nversion = "1.0"')
    assert declarations("pyproject.toml", project) == declarations(
        "pyproject.toml", project.replace('"1.0"', '"1.1"')
    )
    poetry = '[tool.poetry]\nname = "a"\nversion = "1.0"\n[tool.poetry.dependencies]\nx = "1"\n'
    assert declarations("pyproject.toml", poetry) == declarations(
        "pyproject.toml", poetry.replace('"1.0"', '"1.1"')
    )
    assert declarations("pyproject.toml", poetry) != declarations(
        "pyproject.toml", poetry.replace('x = "1"', 'x = "2"')
    )
    lock = '{"_meta": {"hash": {"sha256": "a"}}, "default": {"click": {}}, "develop": {}}'
    relocked = (
        '{"_meta": {"hash": {"sha256": "b"}}, "default": {"click": {}}, "develop": {"x": {}}}'
    )
    assert declarations("Pipfile.lock", lock) == declarations("Pipfile.lock", relocked)
    assert declarations("Pipfile.lock", lock) != declarations(
        "Pipfile.lock", lock.replace('"click"', '"rich"')
    )
    published = '{"name": "trpc", "dependencies": {"zod": "3"}, "devDependencies": {"jest": "25"}}'
    more_dev = published.replace('"jest": "25"', '"jest": "25", "react": "17"')
    assert declarations("package.json", published) == declarations("package.json", more_dev)
    assert declarations("package.json", published) != declarations(
        "package.json", published.replace('"zod": "3"', '"zod": "4"')
    )
    # A private package (an application, a workspace root) builds what it deploys with them.
    app = published.replace('{"name"', '{"private": true, "name"')
    app_dev = more_dev.replace('{"name"', '{"private": true, "name"')
    assert declarations("package.json", app) != declarations("package.json", app_dev)
    description = (
        "Package: shop\nVersion: 1.0\nImports:\n    rlang,\n    vctrs\nRoxygenNote: 7.2.0\n"
    )
    roxygen = description.replace("7.2.0", "7.3.1") + "Suggests: testthat\n"
    assert declarations("DESCRIPTION", description) == declarations("DESCRIPTION", roxygen)
    imports = description.replace("vctrs", "vctrs,\n    cli")
    assert declarations("DESCRIPTION", description) != declarations("DESCRIPTION", imports)
    assert declarations("DESCRIPTION", "not a field at all\n") is None
    assert declarations("pyproject.toml", "[broken") is None
    assert declarations("pom.xml", "<project") is None


def _pyproject_lines(
    engine: Engine, repo: GitRepo, name: str
) -> dict[str, tuple[int | None, int | None]]:
    """Sync ``repo`` as ``acme/<name>`` (one service of ``src/<name>/``) and return each
    change's stored lines of code in its pyproject.toml, by title."""
    org = parse_org_config(
        f"""
[[repositories]]
name = "acme/{name}"
path = "{repo.path}"
[[services]]
key = "{name}"
repository = "acme/{name}"
paths = ["src/{name}/**"]
"""
    )
    sync_clone(engine, org)
    with Session(engine) as session:
        rows = session.exec(
            select(Change.title, ChangeFile.code_added, ChangeFile.code_deleted)
            .join(ChangeFile, col(ChangeFile.change_id) == col(Change.id))
            .where(ChangeFile.path == "pyproject.toml")
        ).all()
    return {title: (added, deleted) for title, added, deleted in rows}


def test_clone_stores_tool_only_edits_as_no_dependency_change(
    engine: Engine, tmp_path: Path
) -> None:
    """A [tool.ruff] edit is stored with 0 lines of code; a new dependency is left unread."""
    repo = GitRepo(tmp_path / "shop")
    repo.commit({"pyproject.toml": PYPROJECT, "src/shop/app.py": "x = 1\n"}, "Start the shop", T0)
    repo.commit(
        {"pyproject.toml": PYPROJECT.replace("line-length = 99", "line-length = 100")},
        "Widen ruff's lines",
        T0 + timedelta(days=1),
    )
    repo.commit(
        {"pyproject.toml": PYPROJECT.replace('["httpx>=0.27"]', '["httpx>=0.27", "rich"]')},
        "Depend on rich",
        T0 + timedelta(days=2),
    )
    assert _pyproject_lines(engine, repo, "shop") == {
        "Start the shop": (None, None),
        "Widen ruff's lines": (0, 0),
        "Depend on rich": (None, None),
    }


def test_a_manifest_added_or_deleted_with_tool_tables_alone_is_no_dependency_change(
    engine: Engine, tmp_path: Path
) -> None:
    """A new pyproject.toml of a formatter's [tool.black] alone, and its deletion, are stored
    with 0 lines of code; a new one declaring dependencies is left unread."""
    repo = GitRepo(tmp_path / "tool")
    black = "[tool.black]\nline-length = 99\n"
    repo.commit({"src/tool/app.py": "x = 1\n"}, "Start the tool", T0)
    repo.commit({"pyproject.toml": black}, "Set up black", T0 + timedelta(days=1))
    repo.commit({"pyproject.toml": None}, "Drop black", T0 + timedelta(days=2))
    repo.commit({"pyproject.toml": PYPROJECT}, "Package the tool", T0 + timedelta(days=3))
    assert _pyproject_lines(engine, repo, "tool") == {
        "Set up black": (0, 0),
        "Drop black": (0, 0),
        "Package the tool": (None, None),
    }


def test_a_published_packages_lock_file_pins_nothing_its_users_install(
    engine: Engine, tmp_path: Path
) -> None:
    """A library's yarn.lock edit beside a devDependencies bump, or alone beside its docs, is
    stored as no dependency change; an application's (``private``) lock file, and a library's
    new dependency, are not."""
    repo = GitRepo(tmp_path / "lib")
    library = '{"name": "lib", "dependencies": {"zod": "3"}, "devDependencies": {"jest": "25"}}'
    app = '{"name": "app", "private": true, "dependencies": {"react": "17"}}'
    repo.commit(
        {"package.json": library, "yarn.lock": "zod@3\n", "app/package.json": app,
         "app/yarn.lock": "react@17\n", "src/index.js": "x()\n"},
        "Start",
        T0,
    )  # fmt: skip
    repo.commit(
        {
            "package.json": library.replace('"jest": "25"', '"jest": "29"'),
            "yarn.lock": "zod@3\njest@29\n",
            "app/yarn.lock": "react@17.0.2\n",
        },
        "Bump jest and relock the app",
        T0 + timedelta(days=1),
    )
    repo.commit(
        {"package.json": library.replace('"zod": "3"', '"zod": "4"'), "yarn.lock": "zod@4\n"},
        "Depend on zod 4",
        T0 + timedelta(days=2),
    )
    # A relock alone, beside docs (OpenZeppelin's "Docs overhaul" #2045): no manifest read.
    repo.commit(
        {"yarn.lock": "zod@4\njest@29.1\n", "docs/index.md": "# lib\n"},
        "Docs overhaul",
        T0 + timedelta(days=3),
    )
    sync_clone(
        engine, parse_org_config(f'[[repositories]]\nname = "acme/lib"\npath = "{repo.path}"\n')
    )
    with Session(engine) as session:
        rows = session.exec(
            select(Change.title, ChangeFile.path, ChangeFile.code_added)
            .join(ChangeFile, col(ChangeFile.change_id) == col(Change.id))
            .where(col(ChangeFile.path).in_(["package.json", "yarn.lock", "app/yarn.lock"]))
        ).all()
    stored = {(title, path): added for title, path, added in rows if title != "Start"}
    assert stored == {
        ("Bump jest and relock the app", "package.json"): 0,
        ("Bump jest and relock the app", "yarn.lock"): 0,
        ("Bump jest and relock the app", "app/yarn.lock"): None,
        ("Depend on zod 4", "package.json"): None,
        ("Depend on zod 4", "yarn.lock"): 0,
        ("Docs overhaul", "yarn.lock"): 0,
    }


def test_a_private_package_naming_what_it_publishes_is_published() -> None:
    """A ``private`` package.json that names its ``module``, ``types`` or ``files`` (zustand's,
    copied into its build and published from there) is a published package: a devDependencies
    bump declares nothing; a private application's, or an Electron app's (``main`` alone,
    Electron among its devDependencies), still does."""
    library = (
        '{"name": "zustand", "private": true, "module": "index.js", "types": "index.d.ts",'
        ' "devDependencies": {"eslint": "%s"}}'
    )
    assert declarations("package.json", library % "7") == declarations(
        "package.json", library % "8"
    )
    app = (
        '{"name": "app", "private": true, "main": "main.js", "devDependencies": {"electron": "%s"}}'
    )
    assert declarations("package.json", app % "30") != declarations("package.json", app % "31")


def test_a_private_package_of_tools_alone_declares_nothing_by_its_dev_dependencies() -> None:
    """A private package.json with devDependencies alone and scripts that only lint and test
    (trailheadapps/lwc-recipes' eslint, jest and husky beside its Salesforce code) declares
    nothing by a devDependencies bump; one with a build or start script (a Vite application
    keeps its framework there), a runtime dependency or workspaces still does."""
    tools = (
        '{"name": "recipes", "private": true, "scripts": {"lint": "eslint .", "test:unit":'
        ' "sfdx-lwc-jest", "postinstall": "husky install"}, "devDependencies": {"eslint": "%s"}}'
    )
    assert _alike("package.json", tools % "8", tools % "9")
    for shipping in (
        '"scripts": {"build": "vite build"}',
        '"scripts": {"start:prod": "node ."}',
        '"dependencies": {"react": "18"}',
        '"workspaces": ["packages/*"]',
    ):
        app = (
            '{"name": "app", "private": true, ' + shipping + ', "devDependencies": {"vite": "%s"}}'
        )
        assert not _alike("package.json", app % "5", app % "6")


def test_a_tooling_packages_lock_file_pins_nothing_that_ships(
    engine: Engine, tmp_path: Path
) -> None:
    """The lock file of a private package.json of linters and test runners alone, relocked
    with its devDependencies bumped, is stored as no dependency change, as the package.json
    itself; an application's beside it is one."""
    repo = GitRepo(tmp_path / "sfdx")
    tools = '{"name": "r", "private": true, "scripts": {"lint": "eslint ."}, "devDependencies": %s}'
    app = (
        '{"name": "app", "private": true, "scripts": {"build": "vite build"}, '
        '"devDependencies": %s}'
    )
    repo.commit(
        {"package.json": tools % '{"eslint": "8"}', "package-lock.json": '{"eslint": "8"}\n',
         "web/package.json": app % '{"vite": "5"}', "web/package-lock.json": '{"vite": "5"}\n',
         "force-app/main/default/classes/A.cls": "public class A {}\n"},
        "Start",
        T0,
    )  # fmt: skip
    repo.commit(
        {"package.json": tools % '{"eslint": "9"}', "package-lock.json": '{"eslint": "9"}\n',
         "web/package.json": app % '{"vite": "6"}', "web/package-lock.json": '{"vite": "6"}\n'},
        "Bump the linters and the bundler",
        T0 + timedelta(days=1),
    )  # fmt: skip
    sync_clone(
        engine, parse_org_config(f'[[repositories]]\nname = "acme/r"\npath = "{repo.path}"\n')
    )
    with Session(engine) as session:
        rows = session.exec(
            select(ChangeFile.path, ChangeFile.code_added)
            .join(Change, col(ChangeFile.change_id) == col(Change.id))
            .where(col(Change.title) == "Bump the linters and the bundler")
        ).all()
    assert dict(rows) == {
        "package.json": 0,
        "package-lock.json": 0,
        "web/package.json": None,
        "web/package-lock.json": None,
    }


def test_a_poms_test_scoped_dependencies_are_no_declaration() -> None:
    """A dependency of ``test`` scope added, bumped or dropped (jsoup's integration tests'
    Jetty proxy, #2032) declares nothing; the same dependency without a scope, which the
    artifact ships, does, as does a test dependency moved to the compile scope."""
    pom = (
        '<?xml version="1.0"?>\n<project xmlns="http://maven.apache.org/POM/4.0.0">\n'
        "  <artifactId>jsoup</artifactId>\n  <dependencies>\n"
        "    <dependency><artifactId>junit</artifactId><version>5.9</version>"
        "<scope>test</scope></dependency>\n  </dependencies>\n</project>\n"
    )
    proxy = (
        "<dependency><artifactId>jetty-proxy</artifactId><version>9.4</version>"
        "<scope>test</scope></dependency>\n  </dependencies>"
    )
    tested = pom.replace("  </dependencies>", "    " + proxy, 1)
    bumped = pom.replace("<version>5.9</version>", "<version>5.10</version>")
    assert declarations("pom.xml", pom) == declarations("pom.xml", tested)
    assert declarations("pom.xml", pom) == declarations("pom.xml", bumped)
    shipped = tested.replace("<version>9.4</version><scope>test</scope>", "<version>9.4</version>")
    compiled = pom.replace("<scope>test</scope>", "<scope>compile</scope>")
    assert declarations("pom.xml", pom) != declarations("pom.xml", shipped)
    assert declarations("pom.xml", pom) != declarations("pom.xml", compiled)


def test_a_poms_description_of_the_project_is_no_declaration() -> None:
    """A new module, a release's version bump or an SCM tag in a pom.xml declare nothing (okio's
    new sample added a module beside it); a dependency's version, the parent or a build plugin
    does, and comments and layout never."""
    pom = (
        '<?xml version="1.0"?>\n<project xmlns="http://maven.apache.org/POM/4.0.0">\n'
        "  <modelVersion>4.0.0</modelVersion>\n  <artifactId>okio-parent</artifactId>\n"
        "  <version>1.14.1-SNAPSHOT</version>\n  <modules><module>okio</module></modules>\n"
        "  <scm><tag>HEAD</tag></scm>\n"
        "  <dependencies><dependency><artifactId>junit</artifactId><version>4.12</version>"
        "</dependency></dependencies>\n"
        "  <build><plugins><plugin><artifactId>maven-compiler-plugin</artifactId>"
        "<version>3.1</version></plugin></plugins></build>\n</project>\n"
    )
    described = (
        pom.replace("<module>okio</module>", "<module>okio</module><module>samples</module>")
        .replace("1.14.1-SNAPSHOT", "1.15.0")
        .replace("<tag>HEAD</tag>", "<tag>okio-parent-1.15.0</tag>")
        .replace("<dependencies>", "<!-- the tests' -->\n  <dependencies>")
    )
    assert declarations("pom.xml", pom) == declarations("pom.xml", described)
    junit = pom.replace("<version>4.12</version>", "<version>4.13</version>")
    compiler = pom.replace("<version>3.1</version>", "<version>3.8.1</version>")
    assert declarations("pom.xml", pom) != declarations("pom.xml", junit)
    assert declarations("pom.xml", pom) != declarations("pom.xml", compiler)


_FSPROJ = """\ufeff<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFrameworks>net6.0;net8.0</TargetFrameworks>
    <Version>8.0.0</Version>
    <Description>A functional ASP.NET Core micro web framework</Description>
  </PropertyGroup>
  <ItemGroup>
    <Compile Include="Core.fs" />
    <Compile Include="Routing.fs" />
  </ItemGroup>
  <ItemGroup>
    <PackageReference Include="FSharp.Core" Version="6.0.0" />
  </ItemGroup>
</Project>
"""


def test_a_dotnet_projects_description_and_private_packages_are_no_declaration() -> None:
    """Analyzers added as packages private to the project's own build (``PrivateAssets``
    ``all``, as Giraffe#603 did), a version bump and a new description in an ``.fsproj``
    declare nothing; a package reference's version, a target framework or the order F#
    compiles its files in do."""
    analyzers = _FSPROJ.replace(
        "  <ItemGroup>\n    <PackageReference",
        "  <ItemGroup>\n    <!-- Analyzers -->\n"
        '    <PackageReference Include="Ionide.Analyzers" Version="0.11.0">\n'
        "      <PrivateAssets>all</PrivateAssets>\n    </PackageReference>\n"
        '    <PackageReference Include="Microsoft.SourceLink.GitHub" Version="8.0.0"'
        ' PrivateAssets="All" />\n    <PackageReference',
    )
    described = analyzers.replace("8.0.0</Version>", "8.1.0</Version>").replace(
        "micro web framework", "web framework"
    )
    assert declarations("src/Giraffe/Giraffe.fsproj", _FSPROJ) == declarations(
        "src/Giraffe/Giraffe.fsproj", described
    )
    for edited in (
        _FSPROJ.replace('Version="6.0.0"', 'Version="8.0.0"'),
        _FSPROJ.replace("net6.0;net8.0", "net8.0"),
        _FSPROJ.replace(
            '<Compile Include="Core.fs" />\n    <Compile Include="Routing.fs" />',
            '<Compile Include="Routing.fs" />\n    <Compile Include="Core.fs" />',
        ),
        _FSPROJ.replace(
            '<PackageReference Include="FSharp.Core" Version="6.0.0" />',
            '<PackageReference Include="FSharp.Core" Version="6.0.0" />\n'
            '    <PackageReference Include="System.Text.Json" Version="8.0.0" />',
        ),
    ):
        assert declarations("App.fsproj", _FSPROJ) != declarations("App.fsproj", edited)
    assert declarations("App.csproj", "<Project") is None


_OLD_CSPROJ = """<?xml version="1.0" encoding="utf-8"?>
<Project ToolsVersion="12.0" xmlns="http://schemas.microsoft.com/developer/msbuild/2003">
  <PropertyGroup>
    <TargetFrameworkVersion>v4.8</TargetFrameworkVersion>
  </PropertyGroup>
  <ItemGroup>
    <Reference Include="System.Windows.Forms" />
  </ItemGroup>
  <ItemGroup>
    <Compile Include="Forms\\AboutForm.cs" />
  </ItemGroup>
  <ItemGroup>
    <EmbeddedResource Include="Forms\\AboutForm.resx">
      <DependentUpon>AboutForm.cs</DependentUpon>
    </EmbeddedResource>
    <None Include="packages.config" />
  </ItemGroup>
</Project>
"""


def test_a_dotnet_projects_list_of_resources_and_content_is_no_declaration() -> None:
    """An old-style project listing a new translation of a form (``EmbeddedResource``, as
    ShareX's translators' pull requests did for every form), a content file or a folder
    declares nothing new; a new assembly reference or a new source file to compile does."""
    translated = _OLD_CSPROJ.replace(
        "    <None Include",
        '    <EmbeddedResource Include="Forms\\AboutForm.de.resx">\n'
        "      <DependentUpon>AboutForm.cs</DependentUpon>\n    </EmbeddedResource>\n"
        '    <Content Include="icon.ico" />\n    <Folder Include="Resources\\" />\n'
        "    <None Include",
    )
    assert declarations("ShareX/ShareX.csproj", _OLD_CSPROJ) == declarations(
        "ShareX/ShareX.csproj", translated
    )
    for edited in (
        _OLD_CSPROJ.replace(
            '<Reference Include="System.Windows.Forms" />',
            '<Reference Include="System.Windows.Forms" />\n    <Reference Include="System.Web" />',
        ),
        _OLD_CSPROJ.replace(
            '<Compile Include="Forms\\AboutForm.cs" />',
            '<Compile Include="Forms\\AboutForm.cs" />\n    <Compile Include="Upload.cs" />',
        ),
    ):
        assert declarations("ShareX/ShareX.csproj", _OLD_CSPROJ) != declarations(
            "ShareX/ShareX.csproj", edited
        )


_CARGO = '[package]\nname = "bat"\nversion = "0.17.0"\n\n[dependencies]\nansi_term = "0.12"\n'
_LOCK = """version = 3

[[package]]
name = "ansi_term"
version = "0.12.1"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "d52a9bb7ec0cf484c551830a7ce27bd20d67eac647e1befb56b0be4ee39a55d2"

[[package]]
name = "bat"
version = "0.17.0"
dependencies = [
 "ansi_term",
]
"""
# The crate's own entry lists the dev-dependency too, as cargo writes it.
_TESTS_LOCK = (
    _LOCK.replace(' "ansi_term",\n', ' "ansi_term",\n "assert_cmd",\n')
    + """
[[package]]
name = "assert_cmd"
version = "1.0.1"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "c88b9ca26f9c16ec830350d309397e74ee9abdfd8eb1f71cb6ecc71a3fc818da"
"""
)


def test_a_cargo_lock_relocked_for_a_release_or_a_dev_dependency_pins_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    """A Cargo.lock that only records the crate's own new version (a release's bump), or only
    gains the packages of a ``[dev-dependencies]`` entry added beside it, is stored as no
    dependency change; one that moves a fetched package, or gains a dependency's packages,
    is not."""
    repo = GitRepo(tmp_path / "bat")
    repo.commit(
        {"Cargo.toml": _CARGO, "Cargo.lock": _LOCK, "src/main.rs": "fn main() {}\n"}, "Start", T0
    )
    repo.commit(
        {
            "Cargo.toml": _CARGO.replace('"0.17.0"', '"0.18.0"'),
            "Cargo.lock": _LOCK.replace('"0.17.0"', '"0.18.0"'),
        },
        "Bump version to v0.18.0",
        T0 + timedelta(days=1),
    )
    tested = _CARGO.replace('"0.17.0"', '"0.18.0"')
    repo.commit(
        {
            "Cargo.toml": tested + '\n[dev-dependencies]\nassert_cmd = "1.0"\n',
            "Cargo.lock": _TESTS_LOCK.replace('"0.17.0"', '"0.18.0"'),
        },
        "Add simple integration tests",
        T0 + timedelta(days=2),
    )
    repo.commit(
        {"Cargo.lock": _TESTS_LOCK.replace('"0.17.0"', '"0.18.0"').replace("0.12.1", "0.12.2")},
        "cargo update",
        T0 + timedelta(days=3),
    )
    repo.commit(
        {
            "Cargo.toml": tested.replace('ansi_term = "0.12"', 'ansi_term = "0.12"\natty = "0.2"')
            + '\n[dev-dependencies]\nassert_cmd = "1.0"\n',
            "Cargo.lock": _TESTS_LOCK.replace('"0.17.0"', '"0.18.0"').replace("0.12.1", "0.12.2")
            + '\n[[package]]\nname = "atty"\nversion = "0.2.14"\nsource = "registry+x"\n',
        },
        "Depend on atty",
        T0 + timedelta(days=4),
    )
    sync_clone(
        engine, parse_org_config(f'[[repositories]]\nname = "acme/bat"\npath = "{repo.path}"\n')
    )
    with Session(engine) as session:
        rows = session.exec(
            select(Change.title, ChangeFile.code_added)
            .join(ChangeFile, col(ChangeFile.change_id) == col(Change.id))
            .where(ChangeFile.path == "Cargo.lock")
        ).all()
    assert dict(rows) == {
        "Start": None,
        "Bump version to v0.18.0": 0,
        "Add simple integration tests": 0,
        "cargo update": None,
        "Depend on atty": None,
    }


def test_a_pubspecs_dev_dependencies_and_description_are_no_declarations() -> None:
    """A pubspec's ``dev_dependencies``, its own version and its description on pub.dev
    resolve nothing a package depending on it gets; its dependencies, the SDKs it needs and a
    Flutter app's assets are declarations, and a pubspec that is no YAML mapping reads as none."""
    pubspec = (
        "name: shelf\nversion: 1.4.2\ndescription: A model for web server middleware.\n"
        "environment:\n  sdk: ^3.3.0\n"
        "dependencies:\n  async: ^2.5.0\n"
        "dev_dependencies:\n  test: ^1.16.0\n"
    )
    released = pubspec.replace("1.4.2", "1.4.3-wip").replace("A model", "The model")
    dev = pubspec.replace("test: ^1.16.0", "test: ^1.25.0\n  lints: ^4.0.0")
    assert declarations("pkgs/shelf/pubspec.yaml", pubspec) == declarations(
        "pkgs/shelf/pubspec.yaml", released
    )
    assert declarations("pubspec.yaml", pubspec) == declarations("pubspec.yaml", dev)
    for edit in (
        pubspec.replace("async: ^2.5.0", "async: ^2.11.0"),
        pubspec.replace("sdk: ^3.3.0", "sdk: ^3.4.0"),
        pubspec + "flutter:\n  assets:\n    - images/\n",
    ):
        assert declarations("pubspec.yaml", pubspec) != declarations("pubspec.yaml", edit)
    assert declarations("pubspec.yaml", "- a\n- b\n") is None
    assert declarations("pubspec.yaml", "name: [unclosed\n") is None
