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

from data.path_globs import matches
from data.sources.local_git.tags import line_groups, line_service, release_line
from scoring.errors import ConfigError

__all__ = [
    "DRAFTED_EMAIL",
    "DRAFTED_READER",
    "ClonePlan",
    "draft_deploy_tags",
    "is_service_name",
    "plan_clone",
    "toml_for",
]

# The reader the draft names, with a placeholder address for its owner to replace
# (``riskbrief doctor`` says so as the next step, not as a failure).
DRAFTED_READER = "me"
DRAFTED_EMAIL = "me@example.com"

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
# Release tags: a version of two or more numbers (``3.9``, ``3_8_1``), nothing after it.
# Pre-releases (``-rc1``, ``-beta.0``, ``_RC1``) are left out: they are not production deploys.
_RELEASE = re.compile(r"^.*?v?\d+(?:[._]\d+)+$")
_DEFAULT_TAGS = r"^v?\d+(\.\d+)+$"
# Folders inside a module that are never part of its service, at any depth, and the file
# names that are tests beside the code (Go's ``_test.go``): drafted as ``!`` globs.
_NEVER_IN_SERVICE = frozenset(
    {
        "doc", "docs", "documentation", "example", "examples", "_example", "_examples",
        "sample", "samples", "_samples", "demo", "demos", "test", "tests", "__tests__",
        "testdata", "test-data", "test_data", "e2e", "site", "website",
    }
)  # fmt: skip
# Of those, the ones a Go package may be named (cobra's ``doc``): kept when they hold Go code.
_DOCS = frozenset({"doc", "docs", "documentation", "site", "website"})
_TEST_FILES = ("*_test.go", "test_*.py", "*_test.py", "*.test.*", "*.spec.*", "*_spec.rb")


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
    # How many of the clone's tags look like releases (the pattern matches some of them).
    release_looking: int = 0
    # Each service's ``!`` globs: its docs, examples, test data and tests.
    excluded: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def paths(self, key: str) -> tuple[str, ...]:
        """The globs of service ``key``: its module, less what never counts in it."""
        glob = dict(self.services)[key]
        return (glob, *dict(self.excluded).get(key, ()))

    def deploys_line(self) -> str | None:
        """One sentence on the drafted deploy pattern and the share of release-looking tags
        it covers; ``None`` when the clone has no release tag."""
        if not self.release_tags:
            return None
        tags = len(self.release_tags)
        return (
            f"Deploys: tags matching {self.deploy_tags} ({tags} {'tag' if tags == 1 else 'tags'}, "
            f"newest {self.release_tags[0]}; {tags} of {self.release_looking} release-looking "
            f"tags, {tags / self.release_looking:.0%})."
        )


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


def _artifact_id(path: Path) -> str | None:
    """The root ``pom.xml``'s own ``<artifactId>`` (not its parent's), or None."""
    text = _show(path, "pom.xml")
    try:
        root = ElementTree.fromstring(text.encode("utf-8")) if text else None
    except (ElementTree.ParseError, DefusedXmlException):
        return None
    for child in root if root is not None else ():
        if child.tag.rsplit("}", 1)[-1] == "artifactId" and (child.text or "").strip():
            return (child.text or "").strip()
    return None


def _declared_modules(path: Path, files: list[str]) -> tuple[list[str], str] | None:
    """The code modules the build declares, and which build said so; None when none does.

    A root build of one module (a ``pom.xml`` without ``<modules>``, a Gradle build that
    includes none) is one module, its code under ``src/main/``: ``src/site``,
    ``src/changes`` or ``src/assembly`` are no services of their own.
    """
    tracked = set(files)
    if "pom.xml" in tracked and (found := _maven_modules(path, "pom.xml")):
        return found, "Maven <modules>"
    for settings in ("settings.gradle.kts", "settings.gradle"):
        text = _show(path, settings) if settings in tracked else None
        if text is not None and (found := _gradle_modules(text)):
            return found, f"Gradle {settings} include"
    single = next(
        (b for b in ("pom.xml", "build.gradle.kts", "build.gradle") if b in tracked), None
    )
    if single is not None and any(f.startswith("src/main/") for f in files):
        kind = "Maven" if single == "pom.xml" else "Gradle"
        return ["src/main"], f"one {kind} module ({single})"
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


def _is_go_package(folder: str, files: list[str]) -> bool:
    """True for a folder holding Go code of its own (cobra's ``doc`` package), not only tests."""
    return any(
        f.startswith(f"{folder}/") and "/" not in f[len(folder) + 1 :] and f.endswith(".go")
        and not f.endswith("_test.go")
        for f in files
    )  # fmt: skip


def _excluded(glob: str, files: list[str]) -> tuple[str, ...]:
    """The ``!`` globs that take docs, examples, test data and tests out of a service's
    ``glob``: only those matching one of its tracked files, the top's dot folders (CI, editor
    settings) too for a service of the whole clone. A docs or site folder that is a Go
    package stays."""
    inside = [f for f in files if matches(glob, f)]
    prefix = glob.removesuffix("**")
    folders: set[str] = set()
    for f in inside:
        parts = f[len(prefix) :].split("/")[:-1]
        for i, part in enumerate(parts):
            if part.lower() not in _NEVER_IN_SERVICE:
                continue
            if part.lower() in _DOCS and _is_go_package(prefix + "/".join(parts[: i + 1]), files):
                continue
            folders.add(part)
    out = [f"!{prefix}**/{folder}/**" for folder in sorted(folders)]
    out += [
        f"!{prefix}**/{name}"
        for name in _TEST_FILES
        if any(matches(f"**/{name}", f) for f in inside)
    ]
    if glob == "**":
        out += sorted(
            {f"!{f.split('/', 1)[0]}/**" for f in inside if f.startswith(".") and "/" in f}
        )
    return tuple(out)


def _services(path: Path, files: list[str]) -> tuple[tuple[tuple[str, str], ...], str]:
    declared = _declared_modules(path, files)
    if declared is not None:
        folders, found_by = declared
        if folders == [""]:
            return ((_key(path.name), "**"),), found_by
        if folders == ["src/main"]:
            return ((_key(_artifact_id(path) or path.name), "src/main/**"),), found_by
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


def draft_deploy_tags(
    tags: list[str], services: list[str], repository: str = ""
) -> tuple[str, tuple[str, ...]]:
    """A deploy tag pattern for the clone's release tags, and the tags it matches (newest first).

    The release tags are versions of two or more numbers with nothing after
    them (pre-releases are not production deploys). The pattern keeps every
    naming the project's releases had over its life (``PROJ_3_8_1``, then
    ``proj-3.9``, then ``rel/proj-3.10``: ``line_groups``) and, with several
    services, the lines naming one (a monorepo's ``plugin-legacy@``).
    """
    lines: dict[str, int] = {}
    for tag in tags:
        if _RELEASE.match(tag) is not None:
            line = release_line(tag)
            lines[line] = lines.get(line, 0) + 1
    if not lines:
        return _DEFAULT_TAGS, ()
    groups = line_groups(lines, repository, services)
    keep = sorted(
        line
        for line, group in groups.items()
        if group == "" or (len(services) > 1 and line_service(line, services) is not None)
    )
    underscores = any(
        "_" in tag[len(release_line(tag)) :]
        for tag in tags
        if _RELEASE.match(tag) and release_line(tag) in keep
    )
    version = r"v?\d+([._]\d+)+$" if underscores else r"v?\d+(\.\d+)+$"
    if keep == [""]:
        pattern = "^" + version
    else:
        prefixes = "|".join(re.escape(line) for line in keep if line)
        optional = "?" if "" in keep else ""
        pattern = rf"^(?:{prefixes}){optional}{version}"
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
    excluded = tuple((key, found) for key, glob in services if (found := _excluded(glob, files)))
    tags = _git(
        path, "for-each-ref", "--sort=-creatordate", "--format=%(refname:strip=2)", "refs/tags"
    ).split()
    pattern, matched = draft_deploy_tags(tags, [k for k, _ in services], repository)
    looking = sum(1 for t in tags if _RELEASE.match(t))
    return ClonePlan(repository, path, services, found_by, pattern, matched, looking, excluded)


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
    if plan.excluded:
        lines.append('# A "!" glob takes docs, examples, test data and tests out of a service.')
    for key, _glob in plan.services:
        lines += [
            "[[services]]",
            f"key = {_quoted(key)}",
            f"repository = {_quoted(plan.repository)}",
            f"paths = [{', '.join(_quoted(g) for g in plan.paths(key))}]",
            "",
        ]
    lines += [
        "# Who gets the Monday briefing: an empty scope is the whole organisation.",
        "# Put your Slack member id (slack_user_id) or a real address here.",
        "[[subscribers]]",
        f"key = {_quoted(DRAFTED_READER)}",
        f"email = {_quoted(DRAFTED_EMAIL)}",
        f"timezone = {_quoted(timezone)}",
        "",
        "# Tags that mark production deploys: each ships the commits it reaches that no",
        "# earlier release of its line reaches. Drafted from the clone's release tags"
        + (
            f" (newest {plan.release_tags[0]}; {len(plan.release_tags)} of "
            f"{plan.release_looking} release-looking tags);"
            if plan.release_tags
            else " (none found);"
        ),
        "# release candidates and betas are left out.",
        "[sources.git]",
        f"deploy_tags = {_quoted(plan.deploy_tags)}",
        "",
    ]
    return "\n".join(lines)
