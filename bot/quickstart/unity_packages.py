"""The Unity packages a clone holds, read at HEAD: each a service of its own folder.

A Unity package is a folder whose ``package.json`` names the Unity version it needs
(``"unity": "2018.4"``, a field of the Unity Package Manager's manifest that npm's has not,
https://docs.unity3d.com/Manual/upm-manifestPkg.html): what a Unity project installs, its
``Runtime/`` and ``Editor/`` code, whatever else the clone builds beside it (Cysharp/UniTask's
``src/UniTask/Assets/Plugins/UniTask/``, beside a .NET solution that compiles part of it for
.NET and names none of its folders).
"""

from __future__ import annotations

from pathlib import Path

from bot.quickstart.build_files import json_object, show
from bot.quickstart.drafted import (
    DraftedService,
    Layout,
    drafted_service,
    hand_written_code,
    in_a_service,
    service_key,
)

__all__ = ["unity_packages", "with_unity_packages"]


def unity_packages(path: Path, files: list[str]) -> list[tuple[str, str]]:
    """The folder and name (its last dotted part: ``com.cysharp.unitask`` is ``unitask``) of
    each Unity package the clone at ``path`` tracks below its root, outermost first."""
    manifests = [
        f for f in files if f.endswith("/package.json") and "node_modules/" not in f
    ]  # fmt: skip
    found: list[tuple[str, str]] = []
    for manifest in sorted(manifests, key=lambda f: (f.count("/"), f)):
        folder = manifest.rpartition("/")[0]
        if any(folder.startswith(f"{outer}/") for outer, _ in found):
            continue
        data = json_object(show(path, manifest))
        if data is None or not isinstance(data.get("unity"), str):
            continue
        package = data.get("name")
        named = package.rsplit(".", 1)[-1] if isinstance(package, str) and package else ""
        found.append((folder, named or folder.rpartition("/")[2]))
    return found


def with_unity_packages(path: Path, layout: Layout, files: list[str], history: list[str]) -> Layout:
    """``layout`` and, after its services, each Unity package (``unity_packages``) holding
    hand-written code none of them holds: the package a Unity project installs."""
    packages = unity_packages(path, files)
    if not packages:
        return layout
    code = hand_written_code(path, files)
    taken = {s.key for s in layout.services}
    more: list[DraftedService] = []
    for folder, name in packages:
        inside = [f for f in code if f.startswith(f"{folder}/")]
        if all(in_a_service(f, layout.services) for f in inside):
            continue
        key = service_key(name) if service_key(name) not in taken else f"{service_key(name)}-unity"
        taken.add(key)
        more.append(drafted_service(key, (f"{folder}/**",), (), files, history))
    if not more:
        return layout
    return Layout((*layout.services, *more), f"{layout.found_by}, and the Unity packages")
