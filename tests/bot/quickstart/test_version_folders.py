"""One project kept in folders named for versions is one service, its deleted versions too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.quickstart.version_folders import across_versions
from tests.bot.quickstart.plans import owners
from tests.data.sources.gitrepo import GitRepo

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

pytestmark = pytest.mark.usefixtures("clean_git_env")


def test_copies_in_version_folders_are_one_service_with_the_deleted_versions() -> None:
    """Two copies of a sample in ``9.0/`` and ``10.0/`` are one service under the first's key,
    which also holds the sample's paths in the ``8.0/`` the history shows, ``!`` globs too."""
    services = [
        ("calculator", ("10.0/Apps/Calculator/**",), ("!10.0/Apps/Calculator/**/*.map",)),
        ("9.0-apps-calculator", ("9.0/Apps/Calculator/**",), ()),
        ("weather", ("10.0/Apps/Weather/**",), ()),
    ]
    files = ["10.0/Apps/Calculator/App.cs", "9.0/Apps/Calculator/App.cs", "10.0/Apps/Weather/W.cs"]
    history = [*files, "8.0/Apps/Calculator/App.cs", "8.0/Apps/Weather/W.cs"]
    assert across_versions(services, files, history) == [
        (
            "calculator",
            ("10.0/Apps/Calculator/**", "9.0/Apps/Calculator/**", "8.0/Apps/Calculator/**"),
            ("!10.0/Apps/Calculator/**/*.map", "!8.0/Apps/Calculator/**/*.map"),
        ),
        ("weather", ("10.0/Apps/Weather/**", "8.0/Apps/Weather/**"), ()),
    ]


def test_a_lone_version_named_folder_is_a_folder() -> None:
    """An API's one ``v1/`` beside no other version folder, and services of no version folder,
    are left as they are."""
    services = [("api", ("v1/api/**",), ()), ("web", ("web/**",), ())]
    files = ["v1/api/main.go", "web/index.ts"]
    assert across_versions(services, files, files) == services


def test_a_deleted_version_folder_s_history_is_its_sample_s(tmp_path: Path) -> None:
    """A repository of .NET samples for ``8.0`` and ``9.0`` that deletes ``8.0`` after copying
    it to ``10.0``: each sample is one service, and the deleted folder's files are its."""
    repo = GitRepo(tmp_path / "samples")
    proj = '<Project Sdk="Microsoft.NET.Sdk"></Project>\n'
    first: dict[str, str | bytes | None] = {}
    for version in ("8.0", "9.0"):
        for app in ("Calculator", "Weather"):
            first[f"{version}/Apps/{app}/{app}.csproj"] = proj
            first |= {f"{version}/Apps/{app}/Page{i}.cs": f"class P{i} {{}}\n" for i in range(6)}
    repo.commit(first, "Samples", T0)
    for day in range(1, 4):
        repo.commit(
            {"8.0/Apps/Weather/Page1.cs": f"class P1 {{ int d = {day}; }}\n"},
            "Fix the weather",
            T0 + timedelta(days=day),
        )
    gone: dict[str, str | bytes | None] = {p: None for p in first if p.startswith("8.0/")}
    gone |= {p.replace("8.0/", "10.0/", 1): v for p, v in first.items() if p.startswith("8.0/")}
    repo.commit(gone, "Samples for .NET 10; remove .NET 8", T0 + timedelta(days=5))
    plan, owner = owners(repo)
    weather = owner["10.0/Apps/Weather/Page1.cs"]
    assert owner["9.0/Apps/Weather/Page1.cs"] == weather != "-"
    assert "8.0/Apps/Weather/**" in plan.paths(weather)
    assert len(plan.services) == 2
