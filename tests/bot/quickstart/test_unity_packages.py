"""A Unity package is a service of its folder beside the build quickstart read; an npm
package.json naming no Unity version makes none."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bot.quickstart.plans import drafted

pytestmark = pytest.mark.usefixtures("clean_git_env")

SOLUTION = (
    "Microsoft Visual Studio Solution File, Format Version 12.00\n"
    'Project("{9A19103F-16F7-4668-BE54-9A1E7A4F7556}") = "Lib.NetCore", '
    '"src\\Lib.NetCore\\Lib.NetCore.csproj", "{11111111-1111-1111-1111-111111111111}"\n'
    "EndProject\n"
)
PACKAGE = '{"name": "com.acme.lib", "version": "2.5.0", "unity": "2018.4"}'


def _clone(tmp_path: Path, manifest: str) -> dict[str, str]:
    """A .NET solution of one project in ``src/`` beside a package folder under the same
    ``src/`` whose package.json is ``manifest``; each file's service."""
    _, owner = drafted(
        tmp_path / "lib",
        {
            "Lib.sln": SOLUTION,
            "src/Lib.NetCore/Lib.NetCore.csproj": '<Project Sdk="Microsoft.NET.Sdk"></Project>\n',
            "src/Lib.NetCore/Shim.cs": "class Shim {}\n",
            "src/Lib/Assets/Plugins/Lib/package.json": manifest,
            "src/Lib/Assets/Plugins/Lib/Runtime/Task.cs": "class Task {}\n",
            "src/Lib/Assets/Plugins/Lib/Editor/TrackerView.cs": "class TrackerView {}\n",
            "src/Lib/Assets/Tests/TaskTest.cs": "class TaskTest {}\n",
        },
    )
    return owner


def test_a_unity_package_beside_a_dotnet_solution_is_its_own_service(tmp_path: Path) -> None:
    """UniTask's shape: the package's ``Runtime/`` and ``Editor/`` are service ``lib``
    (``com.acme.lib``'s last part), the solution's project its own."""
    owner = _clone(tmp_path, PACKAGE)
    assert owner["src/Lib/Assets/Plugins/Lib/Runtime/Task.cs"] == "lib"
    assert owner["src/Lib/Assets/Plugins/Lib/Editor/TrackerView.cs"] == "lib"
    assert owner["src/Lib.NetCore/Shim.cs"] == "lib.netcore"


def test_a_package_json_without_a_unity_version_is_no_unity_package(tmp_path: Path) -> None:
    """The same folder under an npm package.json (no ``unity`` field) is no service of its own
    (the solution's one project takes the code a lone service leaves)."""
    owner = _clone(tmp_path, '{"name": "lib", "version": "2.5.0"}')
    assert set(owner.values()) == {"lib.netcore", "-"}
