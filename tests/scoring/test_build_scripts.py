"""What a package's build and clean scripts delete whole (``scoring.build_scripts``)."""

from __future__ import annotations

import json

from scoring.build_scripts import cleaned_paths, in_cleaned


def _package(**scripts: str) -> str:
    return json.dumps({"name": "x", "scripts": scripts})


def test_the_paths_a_build_or_clean_script_deletes_are_read() -> None:
    """``rimraf``, ``rm -rf``, ``del-cli`` and ``shx rm -rf`` in build and clean scripts name the
    build's output, from the clone's root; a test script's deletion does not count."""
    found = cleaned_paths(
        _package(
            build="rimraf material && ts-node -T tools/build --optimize",
            prebuild="rm -rf dist lib",
            clean="npx del-cli ./out/ && shx rm -rf types",
            test="rimraf src",
        ),
        "packages/ui",
    )
    assert found == (
        "packages/ui/material",
        "packages/ui/dist",
        "packages/ui/lib",
        "packages/ui/out",
        "packages/ui/types",
    )
    assert cleaned_paths(_package(clean="rimraf coverage")) == ("coverage",)


def test_patterns_variables_and_paths_outside_the_package_are_not_read() -> None:
    """A glob, a variable, ``node_modules``, a dot-folder, a parent's path and an option name no
    path; text that is no package's JSON names none."""
    package = _package(clean="rimraf '**/*.js' $OUT node_modules .cache ../shared -g")
    assert cleaned_paths(package) == ()
    assert cleaned_paths("not json") == ()
    assert cleaned_paths('["a list"]') == ()
    assert cleaned_paths(json.dumps({"scripts": {"build": 3}})) == ()


def test_a_path_is_cleaned_inside_a_cleaned_folder_only() -> None:
    """``material/x.py`` is inside ``material``; ``materials/x.py`` is not."""
    assert in_cleaned("material/x.py", ("material",))
    assert in_cleaned("material", ("material",))
    assert not in_cleaned("materials/x.py", ("material",))
