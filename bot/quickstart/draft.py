"""A first riskbrief.toml drafted from a local clone: its repository, services and a reader.

Services are the code modules the build declares, read from its files at HEAD
(``bot.quickstart.build_layout``): Maven ``<modules>``, Gradle ``include``, npm/pnpm/yarn
workspaces, Go modules, Cargo workspace members and crates, .NET solutions and
projects, Composer ``autoload``, each gem's ``lib/``, a Rack application's whole clone,
a CMake project's code folders, Python packages under ``src/`` or the root, the builds of
Elixir, Erlang, Scala, Haskell, Swift, Dart, Clojure, OCaml, Julia, R and Zig
(``bot.quickstart.language_builds``), a single npm package's published code (its source,
when it publishes only its build); without a build that declares them, the clone's
top-level directories that hold hand-written code (one level deeper when all code sits
under one folder such as ``src/``). Build output is in no service. Tests, test data,
docs, websites, specifications, configuration, examples and benchmarks are never
services, nor in one; the folders and files git shows the service's code was moved out
of are the service's too.
The deploy tag pattern is drafted from the clone's own release tags. The draft is a
starting point: every guess is commented, so the next step is editing it.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bot.quickstart.build_layout import FOLDER_GUESS, read_layout
from bot.quickstart.clone_files import tracked_files
from data.config.sections import RepositoryConfig
from data.sources.local_git.git_command import first_error_line, unreadable_clone
from data.sources.local_git.tags import line_groups, line_service, release_line
from scoring.errors import ConfigError

__all__ = [
    "DRAFTED_EMAIL",
    "DRAFTED_READER",
    "ClonePlan",
    "draft_deploy_tags",
    "plan_clone",
    "riskbrief_checkout",
    "toml_for",
    "zone_line",
]

# The reader the draft names, with a placeholder address for its owner to replace
# (``riskbrief doctor`` says so as the next step, not as a failure).
DRAFTED_READER = "me"
DRAFTED_EMAIL = "me@example.com"

_REMOTE = re.compile(r"[:/]([\w.-]+)/([\w.-]+?)(?:\.git)?/?$")
# Release tags: a version of two or more numbers (``3.9``, ``3_8_1``), nothing after it but
# an app store's build number (home-assistant/iOS's ``release/2026.7.3/2026.2546``).
# Pre-releases (``-rc1``, ``-beta.0``, ``_RC1``) are left out: they are not production deploys.
_BUILD = r"(?:/\d+(?:\.\d+)*)?"
_RELEASE = re.compile(rf"^.*?v?\d+(?:[._]\d+)+{_BUILD}$")
_BUILT = re.compile(r"\d/\d+(?:\.\d+)*$")
# A line of pre-release builds (``testflight/2020.6/14``, ``nightly-2024.1``) ships to
# testers, not to production, however many tags it has.
_PRE_RELEASE = frozenset(
    {"alpha", "beta", "canary", "dev", "insiders", "nightly", "pre", "prerelease", "preview",
     "rc", "snapshot", "staging", "testflight"}
)  # fmt: skip
_WORD = re.compile(r"[^a-z0-9]+")
_DEFAULT_TAGS = r"^v?\d+(\.\d+)+$"
# The branch the sync mines when a repository names none.
_DEFAULT_BRANCH = RepositoryConfig.model_fields["default_branch"].default


@dataclass(frozen=True, slots=True)
class ClonePlan:
    """What the draft says about a clone: its name, path, services as (key, glob), what the
    services were read from, and the deploy tag pattern with the tags it matches."""

    repository: str
    path: Path
    services: tuple[tuple[str, str], ...]
    found_by: str = FOLDER_GUESS
    deploy_tags: str = _DEFAULT_TAGS
    release_tags: tuple[str, ...] = ()
    # How many of the clone's tags look like releases (the pattern matches some of them).
    release_looking: int = 0
    # Each service's ``!`` globs: its docs, examples, test data and tests.
    excluded: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Each service's globs beside its module's folder: more code folders, a build script,
    # the folders its code was moved out of.
    more: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # The checked-out branch the services were read from (``None``: a detached HEAD).
    branch: str | None = None

    def paths(self, key: str) -> tuple[str, ...]:
        """The globs of service ``key``: its module, less what never counts in it."""
        glob = dict(self.services)[key]
        return (glob, *dict(self.more).get(key, ()), *dict(self.excluded).get(key, ()))

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
        if _is_clone(path):
            # A clone git cannot read whole (an object missing): say that, not "no clone".
            failed = first_error_line(done.stderr.encode("utf-8", "replace"))
            raise unreadable_clone(path, f"git {args[0]} failed ({failed})")
        raise ConfigError(f"{path} is not a git clone; pass the path of a local clone")
    return done.stdout


def _is_clone(path: Path) -> bool:
    done = subprocess.run(
        ["git", "-C", str(path), "rev-parse", "--git-dir"], capture_output=True, check=False
    )
    return done.returncode == 0


def _is_release(tag: str) -> bool:
    """Whether ``tag`` names a production release: a version, on no line of pre-releases."""
    if _RELEASE.match(tag) is None:
        return False
    return _PRE_RELEASE.isdisjoint(_WORD.split(release_line(tag).lower()))


def draft_deploy_tags(
    tags: list[str], services: list[str], repository: str = ""
) -> tuple[str, tuple[str, ...]]:
    """A deploy tag pattern for the clone's release tags, and the tags it matches (newest first).

    The release tags are versions of two or more numbers with nothing after
    them but an app store's build number (``release/2026.7.3/2026.2546``):
    pre-releases, and lines of pre-release builds (``testflight/2020.6/14``), are
    not production deploys. The pattern keeps every
    naming the project's releases had over its life (``PROJ_3_8_1``, then
    ``proj-3.9``, then ``rel/proj-3.10``: ``line_groups``) and, with several
    services, the lines naming one (a monorepo's ``plugin-legacy@``).
    """
    lines: dict[str, int] = {}
    for tag in tags:
        if _is_release(tag):
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
        if _is_release(tag) and release_line(tag) in keep
    )
    built = any(
        _BUILT.search(tag) for tag in tags if _is_release(tag) and release_line(tag) in keep
    )
    version = r"v?\d+([._]\d+)+" if underscores else r"v?\d+(\.\d+)+"
    version += (r"(/\d+(\.\d+)*)?" if built else "") + "$"
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
    layout = read_layout(path, tracked_files(path))
    services = tuple((s.key, s.globs[0]) for s in layout.services)
    more = tuple((s.key, s.globs[1:]) for s in layout.services if s.globs[1:])
    excluded = tuple((s.key, s.excluded) for s in layout.services if s.excluded)
    tags = _git(
        path, "for-each-ref", "--sort=-creatordate", "--format=%(refname:strip=2)", "refs/tags"
    ).split()
    pattern, matched = draft_deploy_tags(tags, [k for k, _ in services], repository)
    looking = sum(1 for t in tags if _is_release(t))
    branch = _checked_out(path)
    return ClonePlan(
        repository,
        path,
        services,
        layout.found_by,
        pattern,
        matched,
        looking,
        excluded,
        more,
        branch,
    )


def _checked_out(path: Path) -> str | None:
    """The clone's checked-out branch, ``None`` on a detached HEAD."""
    done = subprocess.run(
        ["git", "-C", str(path), "symbolic-ref", "--short", "-q", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return None
    return done.stdout.strip() or None


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


def zone_line(timezone: str, guessed_from: str) -> str:
    """The sentence saying no time zone is set yet, what is read meanwhile, and how to set it."""
    return (
        "Time zone: none set yet: Friday and after-hours merges are judged on each commit's "
        "own clock (the UTC offset git records) and weeks are read in UTC until you set the "
        "organisation's own, `timezone` under [organisation] in riskbrief.toml (this machine's "
        f'is {timezone}, from {guessed_from}; an IANA name such as "Europe/Berlin"), and '
        "each reader's under [[subscribers]]."
    )


def toml_for(plan: ClonePlan, timezone: str, guessed_from: str = "this machine's zone") -> str:
    """The draft riskbrief.toml for ``plan``, every guess commented; ``guessed_from`` says
    where the time zone was guessed from."""
    lines = [
        "# riskbrief.toml drafted by `riskbrief quickstart` from a local clone.",
        "# Every value below is a guess to edit; docs/configuration.md in riskbrief's",
        "# repository says what each one means. Secrets come from the environment.",
        "",
        "[organisation]",
        f"name = {_quoted(plan.repository)}",
        "# Until the organisation's zone is set here (an IANA name such as",
        '# "Europe/Berlin"), Friday and after-hours merges are judged on each commit\'s own',
        "# clock (the UTC offset git records) and weeks are read in UTC. This machine's",
        f"# zone, a guess ({guessed_from}):",
        f"# timezone = {_quoted(timezone)}",
        "",
        "[[repositories]]",
        f"name = {_quoted(plan.repository)}",
        f"path = {_quoted(str(plan.path))}",
    ]
    if plan.branch is not None and plan.branch != _DEFAULT_BRANCH:
        # The sync mines ``main`` unless told otherwise: a clone checked out on its default
        # branch of another name (playframework/play-samples' ``3.0.x``, beside a ``main`` of
        # another layout) would be mined where the services were not read.
        lines += [
            "# The branch the services were read from, the clone's checked-out one.",
            f"default_branch = {_quoted(plan.branch)}",
        ]
    lines += [
        "",
        f"# One service per module found by {plan.found_by}; merge, rename or split them.",
        "# A file belongs to the first service whose glob matches.",
    ]
    if plan.more:
        lines += [
            "# Globs after a module's first: more of its code (a build script) or a path",
            "# git shows its code was moved out of, so older changes count in it too.",
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
        "# Put your Slack member id (slack_user_id) or a real address here; the briefing",
        "# arrives Monday 09:00 in the reader's timezone (guessed as above).",
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


def riskbrief_checkout(folder: Path) -> bool:
    """Whether ``folder`` is riskbrief's own checkout (its ``pyproject.toml`` names the project
    ``riskbrief``): no place for an organisation's set-up, as ``make demo`` writes its own
    ``out/`` there. A folder below it (a bench's scratch folder) is a folder of its own."""
    import tomllib

    try:
        text = (folder / "pyproject.toml").read_text(encoding="utf-8")
        project = tomllib.loads(text).get("project")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return isinstance(project, dict) and project.get("name") == "riskbrief"
