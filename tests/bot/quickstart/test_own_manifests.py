"""A package's own manifest beside the folder its build names is part of its service."""

from __future__ import annotations

from bot.quickstart.own_manifests import is_manifest, with_own_manifests


def test_a_gems_gemspec_gemfile_and_lock_join_its_lib() -> None:
    """A gem whose service is ``lib/**`` and ``app/**`` takes the root's gemspec, Gemfile and
    Gemfile.lock; the Rakefile, README and tests stay where they were."""
    files = [
        "devise.gemspec",
        "Gemfile",
        "Gemfile.lock",
        "Rakefile",
        "README.md",
        "lib/devise.rb",
        "app/views/devise/new.html.erb",
        "test/devise_test.rb",
    ]
    services = [("devise", ("lib/**", "app/**"), ("!lib/**/test/**",))]
    assert with_own_manifests(services, files) == [
        (
            "devise",
            ("lib/**", "app/**", "devise.gemspec", "Gemfile", "Gemfile.lock"),
            ("!lib/**/test/**",),
        )
    ]


def test_a_monorepos_root_manifests_stay_in_no_service() -> None:
    """The root package.json above two packages is neither's; a package whose code folder sits
    below its own manifest (``packages/a/src``) takes that manifest, and one whose folder holds
    its manifest already (``packages/b``) is left as it was."""
    files = [
        "package.json",
        "pnpm-lock.yaml",
        "packages/a/package.json",
        "packages/a/src/index.ts",
        "packages/b/package.json",
        "packages/b/index.ts",
    ]
    services = [("a", ("packages/a/src/**",), ()), ("b", ("packages/b/**",), ())]
    assert with_own_manifests(services, files) == [
        ("a", ("packages/a/src/**", "packages/a/package.json"), ()),
        ("b", ("packages/b/**",), ()),
    ]


def test_a_src_layout_package_takes_the_root_pyproject_but_not_the_dev_requirements() -> None:
    """A src-layout Python package (``src/pkg/**``) takes the root's pyproject.toml and
    requirements.txt, not a requirements file for development, which ships nothing."""
    files = ["pyproject.toml", "requirements.txt", "requirements-dev.txt", "src/pkg/__init__.py"]
    services = [("pkg", ("src/pkg/**",), ())]
    assert with_own_manifests(services, files) == [
        ("pkg", ("src/pkg/**", "pyproject.toml", "requirements.txt"), ())
    ]


def test_a_root_service_or_a_manifest_already_held_changes_nothing() -> None:
    """A service of the whole clone (``**``), a root service of files (``*.py``) beside a code
    folder's, and a manifest a service's glob holds already: nothing is added."""
    files = ["setup.py", "tool.py", "lib/a.py"]
    assert with_own_manifests([("all", ("**",), ())], files) == [("all", ("**",), ())]
    beside = [("root", ("*.py",), ()), ("lib", ("lib/**",), ())]
    assert with_own_manifests(beside, files) == beside
    held = [("lib", ("lib/**", "setup.py"), ())]
    assert with_own_manifests(held, files) == held


def test_manifests_are_build_files_and_dependency_manifests_not_development_ones() -> None:
    """Build files of any ecosystem and dependency manifests are manifests; a development
    requirements file, a README or code is not."""
    assert all(
        is_manifest(p)
        for p in ("Cargo.toml", "x.gemspec", "CMakeLists.txt", "Gemfile", "go.sum", "a/pom.xml")
    )
    assert not any(
        is_manifest(p) for p in ("requirements-dev.txt", "README.md", "lib/a.rb", "Rakefile")
    )
