"""What a package's build and clean scripts delete whole (``scoring.build_scripts``)."""

from __future__ import annotations

import json

from scoring.build_scripts import cleaned_paths, in_cleaned, is_build_script, script_cleaned_paths


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


def test_a_root_shell_build_script_s_deletions_are_read_line_by_line() -> None:
    """kube-prometheus's ``build.sh`` deletes ``manifests`` whole before writing it from Jsonnet:
    its output; a comment, a variable, a pattern and a deletion of a file's glob name none."""
    script = (
        "#!/usr/bin/env bash\n"
        "# rm -rf docs\n"
        "set -e\n"
        "rm -rf manifests\n"
        "mkdir -p manifests/setup\n"
        'rm -rf "$TMP" tmp/*.json\n'
        "[ -d out ] && rm -r ./out/ # the old output\n"
        'find manifests -type f ! -name "*.yaml" -delete\n'
    )
    assert script_cleaned_paths(script) == ("manifests", "out")


def test_only_a_root_shell_script_named_for_building_or_cleaning_is_read() -> None:
    """``build.sh``, ``clean.sh`` and ``build-all.sh`` at the root are build scripts; one in a
    folder (run from anywhere) or named for anything else is not."""
    assert is_build_script("build.sh")
    assert is_build_script("Clean.sh")
    assert is_build_script("build-all.sh")
    assert not is_build_script("scripts/build.sh")
    assert not is_build_script("rebuild.sh")
    assert not is_build_script("build.py")


def test_a_shell_script_s_deletions_after_it_changes_directory_are_not_read() -> None:
    """After ``cd web`` a relative path is the folder's, not the clone's: ``rm -rf src`` there
    says nothing of the clone's ``src/``; what came before still counts."""
    script = "rm -rf dist\ncd web && rm -rf build\nrm -rf src\n"
    assert script_cleaned_paths(script) == ("dist",)
    assert script_cleaned_paths("rm -rf out; pushd docs; rm -rf _build\n") == ("out",)
