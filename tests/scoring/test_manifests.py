"""Dependency manifests by their paths: what pins what ships, and what only developers install."""

from __future__ import annotations

import pytest

from scoring.manifests import dev_requirements, named_manifest


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param("/requirements.txt", True, id="requirements"),
        pytest.param("/requirements/base.txt", True, id="pip-tools-folder"),
        pytest.param("/services/api/pyproject.toml", True, id="a-service-s-pyproject"),
        pytest.param("/tests/requirements.txt", True, id="ci-installs-tests-own"),
        pytest.param("/web/package-lock.json", True, id="a-lock-file"),
        pytest.param("/src/app.csproj", True, id="a-dotnet-project"),
        pytest.param("/examples/flaskr/pyproject.toml", False, id="an-example-s"),
        pytest.param("/testdata/go.mod", False, id="test-data"),
        pytest.param("/src/package.py", False, id="code-named-package"),
    ],
)
def test_a_manifest_is_named_as_one_outside_what_nobody_deploys(path: str, expected: bool) -> None:
    """Manifests and lock files by name count anywhere but in examples, fixtures and test data."""
    assert named_manifest(path) is expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param("/requirements/dev.txt", True, id="dev-in-requirements-folder"),
        pytest.param("/requirements-test.txt", True, id="test-requirements"),
        pytest.param("/docs-requirements.in", True, id="docs-input"),
        pytest.param("/requirements-dev/base.txt", True, id="the-folder-says-dev"),
        pytest.param("/requirements/base.txt", False, id="base-ships"),
        pytest.param("/requirements.txt", False, id="plain-requirements-ship"),
        pytest.param("/constraints.txt", False, id="plain-constraints-ship"),
        pytest.param("/pyproject.toml", False, id="not-a-requirements-file"),
    ],
)
def test_requirements_named_for_development_are_told_apart(path: str, expected: bool) -> None:
    """A requirements or constraints file named for development, tests, docs or CI pins nothing
    that ships; one named for nothing in particular does."""
    assert dev_requirements(path) is expected
