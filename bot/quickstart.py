"""A first riskbrief.toml drafted from a local clone: its repository, services and a reader.

Services are the code modules the build declares (Maven ``<modules>``,
Gradle ``include``, npm/pnpm/yarn workspaces, Go modules, Python packages
under ``src/`` or the root); without a build that declares them, the clone's
top-level directories that hold code (one level deeper when all code sits
under one folder such as ``src/``). Tests, integration tests, docs, websites,
specifications, configuration, examples and benchmarks are never services.
The deploy tag pattern is drafted from the clone's own release tags. The draft is a
starting point: every guess is commented, so the next step is editing it.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pathspec
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from scoring.errors import ConfigError

__all__ = ["ClonePlan", "draft_deploy_tags", "is_service_name", "plan_clone", "toml_for"]

# Folders that hold no service of their own.
_NOT_SERVICES = frozenset(
    {
        "test", "tests", "testing", "spec", "specs", "doc", "docs", "documentation",
        "example", "examples", "sample", "samples", "demo", "demos", "tutorial",
        "tutorials", "script", "scripts", "tools", "tooling", "bin", "build", "dist",
        "vendor", "third_party", "third-party", "node_modules", "site", "benchmarks",
        "bench", "artwork", "assets", "fixtures", "ci", "conf", "config", "configs", "dev",
        "docker", "deploy", "deployment", "www", "website", "playground", "patches",
        "e2e", "it", "fuzzing", "fuzz", "bom", "build-logic", "buildsrc", "gradle",
        "specification", "specifications", "jmh", "perf", "internal-tests",
    }
)  # fmt: skip
# A module's name that says it is tests, docs, a website, a spec, configuration,
# examples or benchmarks (``zookeeper-it``, ``okhttp-osgi-tests``,
# ``zookeeper-website``, ``android-test-app``): no service, whatever the build says.
_NOT_SERVICE_WORD = re.compile(
    r"(?:^|[-_.])(?:it|tests?|testing|test-?support|e2e|integration\w*|benchmarks?|bench|jmh"
    r"|examples?|samples?|demos?|docs?|website|site|www|specs?|specifications?|conf|config"
    r"|dev|docker|deploy|bom|fuzz\w*|playground)(?:$|[-_.])|tests?$"
)
# A folder that only wraps the code (src/acme/…): its children are the services.
_WRAPPERS = frozenset({"src", "lib", "libs", "packages", "services", "apps", "cmd", "pkg"})
_REMOTE = re.compile(r"[:/]([\w.-]+)/([\w.-]+?)(?:\.git)?/?$")
# A Gradle settings file's ``include(":a", ":b:c")`` / ``include ':a', ':b'`` names.
_GRADLE_INCLUDE = re.compile(r"^\s*include\b(.*)$", re.MULTILINE)
_GRADLE_NAME = re.compile(r"[\"']:?([\w.:-]+)[\"']")
# Release tags: a version of two or more numbers, nothing after it. Pre-releases
# (``-rc1``, ``-beta.0``, ``-alpha``) are left out: they are not production deploys.
_RELEASE = re.compile(r"^(?P<line>.*?)v?\d+(?:\.\d+)+$")
_DEFAULT_TAGS = r"^v?\d+(\.\d+)+$"


@dataclass(frozen=True, slots=True)
class ClonePlan:
    """What the draft says about a clone: its name, path, services as (key, glob), what the
    services were read from, and the deploy tag pattern with the tags it matches."""

    repository: str
    path: Path
    services: tuple[tuple[str, str], ...]
    found_by: str = "top-level code folders"
    deploy_tags: str = _DEFAULT_TAGS
    release_tags: tuple[str, ...] = ()


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


def is_service_name(folder: str) -> bool:
    """False for a folder or module named as tests, docs, a website, config, examples, …"""
    name = folder.rstrip("/").rsplit("/", 1)[-1].lower()
    if not name or name.startswith((".", "_")) or name in _NOT_SERVICES:
        return False
    return _NOT_SERVICE_WORD.search(name) is None


def _code_folders(files: list[str], prefix: str) -> list[str]:
    """Folders right under ``prefix`` holding tracked files, less the ones that are no service."""
    folders = {
        f[len(prefix) :].split("/", 1)[0]
        for f in files
        if f.startswith(prefix) and "/" in f[len(prefix) :]
    }
    return sorted(d for d in folders if is_service_name(d))


def _show(path: Path, name: str) -> str | None:
    """A tracked file's text at HEAD, or None."""
    done = subprocess.run(
        ["git", "-C", str(path), "show", f"HEAD:{name}"], capture_output=True, check=False
    )
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None


def _maven_modules(path: Path, pom: str, folder: str = "", depth: int = 0) -> list[str]:
    """The folders of a Maven build's ``<modules>``, an aggregator's own modules opened."""
    text = _show(path, f"{folder}{pom}")
    if text is None:
        return []
    try:
        root = ElementTree.fromstring(text.encode("utf-8"))
    except (ElementTree.ParseError, DefusedXmlException):
        return []
    found: list[str] = []
    for module in root.iter():
        text = (module.text or "").strip().strip("/")
        if module.tag.rsplit("}", 1)[-1] != "module" or not text:
            continue
        name = f"{folder}{text}"
        inner = _maven_modules(path, "pom.xml", f"{name}/", depth + 1) if depth < 2 else []
        found += inner or [name]
    return found


def _gradle_modules(text: str) -> list[str]:
    """The folders of a Gradle settings file's ``include`` lines (``:a:b`` is ``a/b``)."""
    names: list[str] = []
    for match in _GRADLE_INCLUDE.finditer(text):
        names += [n.replace(":", "/") for n in _GRADLE_NAME.findall(match.group(1))]
    return names


def _pnpm_globs(text: str) -> list[str]:
    """The ``packages:`` list of a pnpm-workspace.yaml (the only key read)."""
    globs: list[str] = []
    inside = False
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith((" ", "-", "\t")):
            inside = line.split(":", 1)[0].strip() == "packages"
            continue
        item = line.strip()
        if inside and item.startswith("-"):
            globs.append(item[1:].split(" #", 1)[0].strip().strip("'\""))
    return globs


def _workspace_globs(path: Path) -> list[str]:
    """npm/yarn ``workspaces`` of package.json and pnpm's workspace packages."""
    globs: list[str] = []
    if (text := _show(path, "package.json")) is not None:
        try:
            spaces = json.loads(text).get("workspaces", [])
        except (ValueError, AttributeError):
            spaces = []
        if isinstance(spaces, dict):
            spaces = spaces.get("packages", [])
        globs += [g for g in spaces if isinstance(g, str)]
    if (text := _show(path, "pnpm-workspace.yaml")) is not None:
        globs += _pnpm_globs(text)
    return globs


def _workspace_members(files: list[str], globs: list[str]) -> list[str]:
    """The folders holding a package.json that a workspace glob names (not their sub-folders)."""
    spec = pathspec.PathSpec.from_lines("gitignore", [g.rstrip("/") for g in globs])
    folders = sorted({f.rpartition("/")[0] for f in files if f.endswith("/package.json")})
    return [
        d
        for d in folders
        if spec.match_file(d) and not (("/" in d) and spec.match_file(d.rpartition("/")[0]))
    ]


def _python_packages(files: list[str]) -> list[str]:
    """Python packages (an ``__init__.py``) right under ``src/``, else right under the root."""
    for prefix in ("src/", ""):
        found = sorted(
            {
                f[: -len("/__init__.py")]
                for f in files
                if f.startswith(prefix)
                and f.endswith("/__init__.py")
                and f[len(prefix) :].count("/") == 1
            }
        )
        if found:
            return found
    return []


def _declared_modules(path: Path, files: list[str]) -> tuple[list[str], str] | None:
    """The code modules the build declares, and which build said so; None when none does."""
    tracked = set(files)
    if "pom.xml" in tracked and (found := _maven_modules(path, "pom.xml")):
        return found, "Maven <modules>"
    for settings in ("settings.gradle.kts", "settings.gradle"):
        text = _show(path, settings) if settings in tracked else None
        if text is not None and (found := _gradle_modules(text)):
            return found, f"Gradle {settings} include"
    if (globs := _workspace_globs(path)) and (found := _workspace_members(files, globs)):
        return found, "package.json/pnpm workspaces"
    go_mods = sorted(f.rpartition("/")[0] for f in files if f.endswith("/go.mod"))
    if go_mods:
        return go_mods, "Go modules (go.mod)"
    if "go.mod" in tracked:
        return [""], "one Go module (go.mod)"
    if found := _python_packages(files):
        return found, "Python packages"
    return None


def _services(path: Path, files: list[str]) -> tuple[tuple[tuple[str, str], ...], str]:
    declared = _declared_modules(path, files)
    if declared is not None:
        folders, found_by = declared
        if folders == [""]:
            return ((_key(path.name), "**"),), found_by
        kept = [f for f in folders if all(is_service_name(p) for p in f.split("/"))]
        keys: dict[str, str] = {}
        for folder in kept:
            key = _key(folder.rsplit("/", 1)[-1])
            # Two modules of one name in different folders: the second keeps its path.
            keys.setdefault(key if key not in keys else _key(folder), folder)
        if keys:
            return tuple((k, f"{f}/**") for k, f in keys.items()), found_by
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
        return ((_key(path.name), "**"),), "the whole clone"
    unique = dict.fromkeys(_key(d) for d in folders)
    return tuple((k, f"{prefix}{d}/**") for k, d in zip(unique, folders, strict=False)), (
        "top-level code folders"
    )


def draft_deploy_tags(tags: list[str], services: list[str]) -> tuple[str, tuple[str, ...]]:
    """A deploy tag pattern for the clone's release tags, and the tags it matches (newest first).

    The release tags are versions of two or more numbers with nothing after
    them (pre-releases are not production deploys). The pattern keeps the
    most common line (``v``/none, ``parent-``, ``release-``) and the lines
    naming a service (a monorepo's ``plugin-legacy@``).
    """
    lines: dict[str, int] = {}
    for tag in tags:
        if (match := _RELEASE.match(tag)) is not None:
            line = match.group("line")
            lines[line] = lines.get(line, 0) + 1
    if not lines:
        return _DEFAULT_TAGS, ()
    top = max(lines, key=lambda line: (lines[line], line == ""))
    keep = [
        top,
        *sorted(
            line
            for line in lines
            if line != top and line.rstrip("@-_/").rsplit("/", 1)[-1].lower() in services
        ),
    ]
    if keep == [""]:
        pattern = _DEFAULT_TAGS
    else:
        prefixes = "|".join(re.escape(line) for line in keep if line)
        optional = "?" if "" in keep else ""
        pattern = rf"^(?:{prefixes}){optional}v?\d+(\.\d+)+$"
    regex = re.compile(pattern, re.IGNORECASE)
    return pattern, tuple(t for t in tags if regex.search(t))


def plan_clone(path: Path) -> ClonePlan:
    """The repository name (from ``origin``, else the folder), services and deploy tags."""
    given, path = path, path.expanduser().resolve()
    if path.is_file():
        raise ConfigError(f"{given} is a file, not a git clone; pass the folder of a local clone")
    if not path.is_dir():
        raise ConfigError(f"{given} does not exist; pass the folder of a local clone")
    top = _git(path, "rev-parse", "--show-toplevel").strip()
    path = Path(top)
    if not _has_commits(path):
        raise ConfigError(
            f"{given} has no commits yet, so there is nothing to brief; commit to it, "
            "then run `riskbrief quickstart` again"
        )
    remote = _git(path, "config", "--get", "remote.origin.url").strip() if _has_origin(path) else ""
    match = _REMOTE.search(remote)
    repository = f"{match[1]}/{match[2]}" if match else path.name
    files = _git(path, "ls-files").splitlines()
    services, found_by = _services(path, files)
    tags = _git(
        path, "for-each-ref", "--sort=-creatordate", "--format=%(refname:strip=2)", "refs/tags"
    )
    pattern, matched = draft_deploy_tags(tags.split(), [k for k, _ in services])
    return ClonePlan(repository, path, services, found_by, pattern, matched)


def _has_commits(path: Path) -> bool:
    done = subprocess.run(
        ["git", "-C", str(path), "rev-parse", "--verify", "--quiet", "HEAD"],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


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
        f"# One service per module found by {plan.found_by}; merge, rename or split them.",
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
        "# Tags that mark production deploys: each ships the commits since the previous",
        "# release of its line. Drafted from the clone's release tags"
        + (f" (newest {plan.release_tags[0]});" if plan.release_tags else " (none found);"),
        "# release candidates and betas are left out.",
        "[sources.git]",
        f"deploy_tags = {_quoted(plan.deploy_tags)}",
        "",
    ]
    return "\n".join(lines)
