"""A first riskbrief.toml drafted from a local clone: its repository, services and a reader.

Services are the clone's top-level directories that hold code (one level
deeper when all code sits under one folder such as ``src/``); folders of
tests, docs, examples, CI and tooling are not services. The draft is a
starting point: every guess is commented, so the next step is editing it.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from scoring.errors import ConfigError

__all__ = ["ClonePlan", "plan_clone", "toml_for"]

# Folders that hold no service of their own.
_NOT_SERVICES = frozenset(
    {
        "test", "tests", "testing", "spec", "specs", "doc", "docs", "documentation",
        "example", "examples", "sample", "samples", "demo", "demos", "tutorial",
        "tutorials", "script", "scripts", "tools", "tooling", "bin", "build", "dist",
        "vendor", "third_party", "third-party", "node_modules", "site", "benchmarks",
        "bench", "artwork", "assets", "fixtures", "ci",
    }
)  # fmt: skip
# A folder that only wraps the code (src/acme/…): its children are the services.
_WRAPPERS = frozenset({"src", "lib", "libs", "packages", "services", "apps", "cmd", "pkg"})
_REMOTE = re.compile(r"[:/]([\w.-]+)/([\w.-]+?)(?:\.git)?/?$")


@dataclass(frozen=True, slots=True)
class ClonePlan:
    """What the draft says about a clone: its name, path, and services as (key, glob)."""

    repository: str
    path: Path
    services: tuple[tuple[str, str], ...]


def _git(path: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(path), *args], capture_output=True, text=True, check=False
        )
    except OSError as exc:
        raise ConfigError(f"git cannot be run ({exc.strerror}); install git") from None
    if done.returncode != 0:
        raise ConfigError(f"{path} is not a git clone; pass the path of a local clone")
    return done.stdout


def _key(name: str) -> str:
    key = re.sub(r"[^a-z0-9_.-]+", "-", name.lower()).strip("-.")
    return key if key and key[0].isalnum() else f"s-{key}"


def _code_folders(files: list[str], prefix: str) -> list[str]:
    """Folders right under ``prefix`` holding tracked files, less the ones that are no service."""
    folders = {
        f[len(prefix) :].split("/", 1)[0]
        for f in files
        if f.startswith(prefix) and "/" in f[len(prefix) :]
    }
    return sorted(d for d in folders if not d.startswith((".", "_")) and d not in _NOT_SERVICES)


def plan_clone(path: Path) -> ClonePlan:
    """The repository name (from ``origin``, else the folder) and the services of ``path``."""
    path = path.expanduser().resolve()
    if not path.is_dir():
        raise ConfigError(f"{path} is not a directory; pass the path of a local git clone")
    top = _git(path, "rev-parse", "--show-toplevel").strip()
    path = Path(top)
    remote = _git(path, "config", "--get", "remote.origin.url").strip() if _has_origin(path) else ""
    match = _REMOTE.search(remote)
    repository = f"{match[1]}/{match[2]}" if match else path.name
    files = _git(path, "ls-files").splitlines()
    prefix = ""
    folders = _code_folders(files, prefix)
    # All code under one wrapper (src/, packages/…): the services are one level deeper.
    while len(folders) == 1 and folders[0] in _WRAPPERS:
        prefix += folders[0] + "/"
        inner = _code_folders(files, prefix)
        if not inner:
            break
        folders = inner
    if not folders:
        return ClonePlan(repository, path, ((_key(path.name), "**"),))
    return ClonePlan(repository, path, tuple((_key(d), f"{prefix}{d}/**") for d in folders))


def _has_origin(path: Path) -> bool:
    return "origin" in _git(path, "remote").split()


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def toml_for(plan: ClonePlan, timezone: str) -> str:
    """The draft riskbrief.toml for ``plan``, every guess commented."""
    lines = [
        "# riskbrief.toml drafted by `riskbrief quickstart` from a local clone.",
        "# Every value below is a guess to edit; docs/configuration.md in riskbrief's",
        "# repository says what each one means. Secrets come from the environment.",
        "",
        "[organisation]",
        f"name = {_quoted(plan.repository)}",
        "# Timing signals (Friday, after hours) are judged in this zone.",
        f"timezone = {_quoted(timezone)}",
        "",
        "[[repositories]]",
        f"name = {_quoted(plan.repository)}",
        f"path = {_quoted(str(plan.path))}",
        "",
        "# One service per top-level code folder; merge, rename or split them.",
        "# A file belongs to the first service whose glob matches.",
    ]
    for key, glob in plan.services:
        lines += [
            "[[services]]",
            f"key = {_quoted(key)}",
            f"repository = {_quoted(plan.repository)}",
            f"paths = [{_quoted(glob)}]",
            "",
        ]
    lines += [
        "# Who gets the Monday briefing: an empty scope is the whole organisation.",
        "# Put your Slack member id (slack_user_id) or a real address here.",
        "[[subscribers]]",
        'key = "me"',
        'email = "me@example.com"',
        f"timezone = {_quoted(timezone)}",
        "",
        "# Tags that mark production deploys of every service changed since the last one.",
        "[sources.git]",
        'deploy_tags = "^v?\\\\d+(\\\\.\\\\d+)*$"',
        "",
    ]
    return "\n".join(lines)
