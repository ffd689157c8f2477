"""A clone that builds one service: the code its build leaves out joins that service."""

from __future__ import annotations

from bot.quickstart.lone_service import with_the_rest

# A Python package with Cython extensions, laid out as h5py is.
_FILES = [
    "setup.py",
    "setup_build.py",
    "pyproject.toml",
    "pkg/__init__.py",
    "pkg/tests/test_file.py",
    "ci/build_wheels.sh",
    "ci/tests/check.py",
    "lzf/lzf_filter.c",
    "docs/conf.py",
    "docs_api/conf.py",
    "benchmarks/slicing.py",
    "examples/demo.py",
    ".github/tool.py",
]
_CODE = [
    f for f in _FILES if f.endswith((".py", ".sh", ".c")) and "test" not in f.rpartition("/")[2]
]


def test_a_lone_packages_build_scripts_and_compiled_sources_join_it() -> None:
    """The root's build helper, the CI's wheel scripts and the C filter folder join the one
    service, with the tests inside ``ci/`` taken out; docs, the API docs' build, benchmarks
    and examples stay out, as does what the service's own ``!`` globs take out."""
    services = [
        ("pkg", ("pkg/**", "setup.py", "pyproject.toml"), ("!pkg/**/tests/**", "!.github/**"))
    ]
    assert with_the_rest(services, _CODE, _FILES) == [
        (
            "pkg",
            ("pkg/**", "setup.py", "pyproject.toml", "setup_build.py", "ci/**", "lzf/**"),
            ("!pkg/**/tests/**", "!.github/**", "!ci/**/tests/**"),
        )
    ]


def test_code_left_beside_several_services_stays_in_none() -> None:
    """In a clone of two services (a monorepo), the root's scripts and ``ci/`` are no one
    service's: the layout is returned as it was."""
    services = [
        ("pkg", ("pkg/**",), ()),
        ("lzf", ("lzf/**",), ()),
    ]
    assert with_the_rest(services, _CODE, _FILES) == services


def test_a_service_holding_all_the_code_is_left_as_it_was() -> None:
    """A service of the whole clone (a Rails application's ``**``) has nothing to take."""
    services = [("app", ("**",), ("!**/docs/**",))]
    assert with_the_rest(services, _CODE, _FILES) == services
