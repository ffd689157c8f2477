"""One repository through the suite: a copy, ``riskbrief quickstart`` on it, then every invariant.

Everything runs in a scratch folder of its own: the copy of the clone (``origin``
set to GitHub, as a new user's clone has), ``riskbrief.toml`` and the SQLite store.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from bench.repos import history, kinds, linguist
from bench.repos.catalogue import Listed
from bench.repos.firstweek import first_briefing_facts, quickstart_said
from bench.repos.generated import generated_files
from bench.repos.gitfacts import (
    Tag,
    git,
    inner_commits,
    matched_tags,
    merged_tags,
    package_line,
    release_looking,
    tag_lines,
    tag_range,
)
from bench.repos.invariants import (
    ChangeView,
    Check,
    ReleaseFacts,
    RevertIncident,
    ShallowRun,
    WeekView,
    check_cherry_picks,
    check_default_week,
    check_first_briefing,
    check_generated,
    check_linguist_non_code,
    check_non_code,
    check_ranking,
    check_releases,
    check_revert_incidents,
    check_services,
    check_shallow,
    check_unserviced_code,
    check_weeks,
)
from bench.repos.readers import default_weeks
from bench.repos.storefacts import StoredChange, StoreFacts, read_revert_incidents, read_store
from data.config import OrgConfig, load_org_config
from data.sources.local_git.tags import line_service

__all__ = ["Options", "RepoRow", "assess"]

# Environment variables a quickstart run must not see: no network, no outside service.
_SECRETS = ("ANTHROPIC_API_KEY", "GITHUB_TOKEN", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
# What a clone's root says its build is, by file name (a suffix for .sln, .slnx, .gemspec; a
# .NET project file anywhere).
_BUILDS = (
    "pom.xml", "settings.gradle", "settings.gradle.kts", "build.gradle", "build.gradle.kts",
    "pnpm-workspace.yaml", "go.mod", "Cargo.toml", "CMakeLists.txt", "composer.json",
    "pyproject.toml", "setup.py", "Gemfile",
)  # fmt: skip
_NOT_BUILT = ("top-level code folders", "the whole clone")


@dataclass(frozen=True, slots=True)
class Options:
    """How much of the suite to run: the backtest, and how many weeks' briefings to check."""

    backtest: bool = True
    weeks: int = 12
    keep: Path | None = None
    # How deep the shallow copy is: a CI checkout's usual depth.
    shallow_depth: int = 20
    # Only the invariants of issue 62 (unserviced code, Linguist's non-code, cherry-picks,
    # revert of revert, default week): a quicker pass over a half already measured.
    new_only: bool = False


@dataclass(frozen=True, slots=True)
class RepoRow:
    """One repository's result: what quickstart made and each invariant's check."""

    name: str
    shape: str
    head: str = ""
    found_by: str = ""
    services: int = 0
    pattern: str = ""
    matched: int = 0
    looking: int = 0
    changes: int = 0
    deploys: int = 0
    checks: tuple[Check, ...] = ()
    gain: float | None = None
    quickstart_s: float = 0.0
    total_s: float = 0.0
    error: str = ""
    weeks_seen: int = 0
    notes: tuple[str, ...] = field(default=())

    @property
    def coverage(self) -> str:
        """The share of release-looking tags the drafted pattern covers: ``60/60 (100%)``."""
        if not self.looking:
            return "no release tags"
        return f"{self.matched}/{self.looking} ({self.matched / self.looking:.0%})"

    @property
    def ok(self) -> bool:
        """True when quickstart ran and every invariant held."""
        return not self.error and all(c.ok for c in self.checks)


def _copy(clone: Path, listed: Listed, scratch: Path) -> Path:
    """A local copy of ``clone`` whose ``origin`` is GitHub's URL, as a new user's clone."""
    copy = scratch / listed.short
    subprocess.run(
        ["git", "clone", "--quiet", "--local", "--no-checkout", str(clone), str(copy)],
        check=True, capture_output=True,
    )  # fmt: skip
    # A fetched snapshot may lack its largest blobs; where the clone stands an empty blob in
    # for each (``git replace``), the copy takes those stand-ins too, so git can read on, and
    # checks out only then: a missing blob at the head would fail the checkout.
    git(copy, "fetch", "--quiet", "origin", "refs/replace/*:refs/replace/*")
    branch = git(copy, "symbolic-ref", "--short", "HEAD").strip()
    git(copy, "checkout", "--quiet", "--force", branch)
    git(copy, "remote", "set-url", "origin", listed.url)
    return copy


def _run_quickstart(copy: Path, scratch: Path) -> subprocess.CompletedProcess[str]:
    """``riskbrief quickstart COPY`` with its configuration and store in ``scratch``."""
    env = {k: v for k, v in os.environ.items() if k not in _SECRETS}
    env |= {
        "RISKBRIEF_CONFIG": str(scratch / "riskbrief.toml"),
        "RISKBRIEF_DATABASE_URL": f"sqlite:///{scratch / 'riskbrief.db'}",
    }
    riskbrief = Path(sys.executable).with_name("riskbrief")
    return subprocess.run(
        [str(riskbrief), "quickstart", str(copy), "--out", str(scratch / "out")],
        cwd=scratch, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip


def _quickstart(copy: Path, scratch: Path) -> tuple[str, float]:
    """``riskbrief quickstart COPY`` in ``scratch``; its output and seconds."""
    start = time.perf_counter()
    done = _run_quickstart(copy, scratch)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"quickstart failed ({done.returncode}): {done.stderr.strip()[-400:]}")
    return done.stdout, took


def _found_by(output: str) -> str:
    """What quickstart said the services were read from (``Maven <modules>``)."""
    for line in output.splitlines():
        if line.startswith("Wrote ") and " from " in line:
            return line.split(" from ", 1)[1].rsplit(":", 1)[0]
    return ""


def _services_of(org: OrgConfig, repository: str, paths: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for p in paths:
        if (key := org.service_for_path(repository, p)) is not None:
            out[key].append(p)
    return out


def releases(copy: Path, org: OrgConfig, repository: str, store: StoreFacts) -> list[ReleaseFacts]:
    """Each matched tag's range by git beside what the store ships for it."""
    pattern = org.sources.git.deploy_tags or ""
    keys = sorted(store.services)
    tags = matched_tags(copy, pattern) if pattern else []
    lines = tag_lines(tags, repository, keys)
    by_line: dict[str, list[Tag]] = defaultdict(list)
    for t in tags:
        by_line[lines[t.name]].append(t)
    # Which service a package's line releases is the product's claim (``line_service``: by
    # the package's whole name, else its own); what the tag ships is then checked against git.
    named = {line: line_service(line, list(keys)) for line in by_line if line}
    apart = {line: service for line, service in named.items() if service is not None}
    merged = {t.name: merged_tags(copy, t) for t in tags}
    # A package's line begins at its first tag: the project's tags that reach none of its tags
    # released the package before it, so they are of its line too.
    members = {
        line: package_line(ts, by_line.get("", []), merged) if line in apart else ts
        for line, ts in by_line.items()
    }
    before = {
        line: {t.name for t in members[line]} - {t.name for t in by_line[line]} for line in apart
    }
    by_sha: dict[str, StoredChange] = {c.sha: c for c in store.changes.values() if c.sha}
    shipped: dict[str, set[str]] = defaultdict(set)
    for d in store.deploys:
        if d.tag is not None:
            shipped[d.tag] |= {s for k in d.changes if (s := store.changes[k].sha)}
    out: list[ReleaseFacts] = []
    for tag in tags:
        line = lines[tag.name]
        own = apart.get(line)
        # A package's line releases its service; the project's every service not released apart,
        # and each package's whose line had not begun (the project's tags before its first).
        released = {own} if own else set(keys) - set(apart.values())
        released |= {service for x, service in apart.items() if tag.name in before[x]}
        commits = tag_range(copy, tag, members[line], merged[tag.name])
        # A pick in the range is shipped as its original, which stands for it (one change),
        # when the pick itself touches a released service: a pick of one commit of a pull
        # request (jekyll's release-post fix on ``v1-stable``, one of #1836's) ships none of
        # the code the rest of the request changed.
        shas = frozenset(c.sha for c in commits) | {
            store.picks[c.sha]
            for c in commits
            if c.sha in store.picks
            and any(org.service_for_path(repository, p) in released for p in c.files)
        }
        touches = any(
            org.service_for_path(repository, p) in released for c in commits for p in c.files
        )
        expected = frozenset(
            sha for sha in shas if (c := by_sha.get(sha)) is not None and c.services & released
        )
        candidates = {
            c.sha for c in commits
            if len(c.parents) < 2 and c.sha not in by_sha and c.sha not in store.picks
            and any(org.service_for_path(repository, p) in released for p in c.files)
        }  # fmt: skip
        if candidates:
            for merge, inner in inner_commits(commits).items():
                # A merged pull request stands for its commits, stored as a change or as a
                # pick of one (a backport merged onto a maintenance line).
                if merge in by_sha or merge in store.picks:
                    candidates -= inner
        out.append(
            ReleaseFacts(tag.name, shas, frozenset(shipped[tag.name]), expected,
                         frozenset(candidates), tag.created, touches)
        )  # fmt: skip
    return out


def _comments_only(copy: Path, change: StoredChange) -> bool:
    """True when every edited line of the change's code files is a comment or blank, and it
    edits at least one comment (its docs, tests and project files aside)."""
    code = [p for p in change.paths if not kinds.is_not_code(p)]
    if not code or change.sha is None or any(kinds.comment_syntax(p) is None for p in code):
        return False
    try:
        diff = git(
            copy, "show", "--format=", "-U0", "--no-renames", "--diff-merges=first-parent",
            change.sha, "--", *code,
        )  # fmt: skip
    except subprocess.CalledProcessError:
        return False
    syntax = None
    edited = 0
    for line in diff.splitlines():
        if line.startswith("+++ ") or line.startswith("--- "):
            name = line[6:] if line[4:6] in ("a/", "b/") else ""
            syntax = kinds.comment_syntax(name) if name else syntax
            continue
        if line[:1] not in "+-" or not line[1:].strip():
            continue
        if line.startswith("Binary") or syntax is None or not kinds.is_comment(line[1:], syntax):
            return False
        edited += 1
    return edited > 0


def non_code(copy: Path, store: StoreFacts) -> Check:
    """The non-code invariant over the store's high and very-high changes."""
    views: list[ChangeView] = []
    paths: set[str] = set()
    for c in store.changes.values():
        if c.band not in ("high", "critical"):
            continue
        paths |= {p for p in c.paths if kinds.is_not_code(p)}
        views.append(ChangeView(c.key, c.band, c.paths, _comments_only(copy, c)))
    return check_non_code(views, paths)


def _builds_a_project(copy: Path) -> bool:
    """Whether the clone's root pyproject.toml declares a project to build (PEP 621's
    ``[project]``, a ``[build-system]``, Poetry's package), not tools' tables alone."""
    try:
        table = tomllib.loads((copy / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return True
    tool = table.get("tool")
    poetry = isinstance(tool, dict) and "poetry" in tool
    return "project" in table or "build-system" in table or poetry


def _declares_a_workspace(copy: Path) -> bool:
    """Whether the clone's root pnpm-workspace.yaml lists workspace packages (``packages``), not
    settings alone: pnpm 10 keeps its settings there (``onlyBuiltDependencies``, catalogs) in a
    project with no workspace at all (pnpm.io/settings)."""
    try:
        table = yaml.safe_load((copy / "pnpm-workspace.yaml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return True
    if table is None:
        return False  # an empty file lists nothing
    return not isinstance(table, dict) or bool(table.get("packages"))


def services(copy: Path, org: OrgConfig, repository: str, found_by: str) -> Check:
    """Services from the build, and no docs, tests, examples or test data in one."""
    # -z: a quoted non-ASCII path would be no file of the clone's.
    files = [f for f in git(copy, "ls-files", "-z").split("\0") if f]
    top = {f for f in files if "/" not in f}
    dotnet = any(f.endswith((".csproj", ".fsproj", ".vbproj")) for f in files)
    builds = top & set(_BUILDS)
    if "pyproject.toml" in builds and not _builds_a_project(copy):
        # Tools' tables alone (micropython-lib's ``[tool.ruff]``, ``[tool.codespell]``) build
        # nothing: such a pyproject is configuration, as PEP 518 lets it be.
        builds.discard("pyproject.toml")
    if "pnpm-workspace.yaml" in builds and not _declares_a_workspace(copy):
        # Settings alone (googleworkspace/apps-script-samples' ``onlyBuiltDependencies``) make
        # no workspace: its folders are no packages a build declares.
        builds.discard("pnpm-workspace.yaml")
    has_build = (
        bool(builds) or any(f.endswith((".sln", ".slnx", ".gemspec")) for f in top) or dotnet
    )
    from_build = None if not has_build else found_by not in _NOT_BUILT
    held = _services_of(org, repository, files)
    flagged = [f for f in files if kinds.is_docs_or_tests(f)]
    check = check_services(held, flagged, from_build)
    return Check(check.name, check.ok, check.bad, check.total, check.examples, found_by)


def unserviced(copy: Path, org: OrgConfig, repository: str) -> Check:
    """The last year's code-file changes (Linguist's code, ``linguist.is_code``, each file
    judged by its newest version of the year) and whether a service holds each."""
    commits = history.year_commits(copy)
    newest: dict[str, str] = {}
    for sha, files in commits:  # newest first
        for p in files:
            newest.setdefault(p, sha)
    blobs = linguist.contents(copy, (f"{sha}:{p}" for p, sha in newest.items()))
    attrs = linguist.attributes(copy, newest)
    code = {
        p for p, sha in newest.items()
        if linguist.is_code(p, blobs.get(f"{sha}:{p}", b""), attrs.get(p))
    }  # fmt: skip
    return check_unserviced_code(
        (p, org.service_for_path(repository, p) is not None)
        for _, files in commits
        for p in files
        if p in code
    )


def linguist_non_code(copy: Path, store: StoreFacts) -> Check:
    """The high and very-high changes with no code file by Linguist's rules, each file read
    as the change left it."""
    high = [c for c in store.changes.values() if c.band in ("high", "critical") and c.paths]
    blobs = linguist.contents(copy, (f"{c.sha}:{p}" for c in high if c.sha for p in c.paths))
    attrs = linguist.attributes(copy, {p for c in high for p in c.paths})
    code = [
        c.key for c in high
        if any(linguist.is_code(p, blobs.get(f"{c.sha}:{p}", b""), attrs.get(p)) for p in c.paths)
    ]  # fmt: skip
    return check_linguist_non_code([ChangeView(c.key, c.band or "", c.paths) for c in high], code)


def cherry_picks(copy: Path, org: OrgConfig, store: StoreFacts) -> Check:
    """Each week's changes (merge times in the reader's zone) and each deploy's, by patch id;
    a pair of one patch where one reaches the other is a re-landing, not a pick."""
    from briefing.week import IsoWeek

    zone = ZoneInfo(org.subscribers[0].timezone if org.subscribers else "UTC")
    sha_of = {c.key: c.sha for c in store.changes.values() if c.sha}
    ids = history.patch_ids(copy, sha_of.values())
    patches = {key: ids[sha] for key, sha in sha_of.items() if sha in ids}
    groups: dict[str, set[str]] = defaultdict(set)
    for c in store.changes.values():
        if c.merged_at is not None:
            day = c.merged_at.replace(tzinfo=UTC).astimezone(zone).date()
            groups[IsoWeek.of(day).id].add(c.key)
    for d in store.deploys:
        groups[f"release {d.tag or d.key} of {d.service}"] |= d.changes
    one_line: set[frozenset[str]] = set()
    for keys in groups.values():
        by_patch: dict[str, list[str]] = defaultdict(list)
        for key in sorted(keys):
            if key in patches:
                by_patch[patches[key]].append(key)
        for same in by_patch.values():
            for i, a in enumerate(same):
                for b in same[i + 1 :]:
                    x, y = sha_of[a], sha_of[b]
                    if history.reaches(copy, x, y) or history.reaches(copy, y, x):
                        one_line.add(frozenset((a, b)))
    return check_cherry_picks({k: sorted(v) for k, v in groups.items()}, patches, one_line)


def revert_incidents(copy: Path, scratch: Path, store: StoreFacts) -> Check:
    """The store's revert incidents, each beside whether git says its revert reverts a revert."""
    seen: list[RevertIncident] = []
    for key, change in read_revert_incidents(scratch / "riskbrief.db"):
        stored = store.changes.get(change)
        sha = stored.sha if stored is not None and stored.sha else change.rsplit("@", 1)[-1]
        seen.append(RevertIncident(key, change, history.is_revert_of_revert(copy, sha)))
    return check_revert_incidents(seen)


def default_week(scratch: Path, output: str) -> Check:
    """The week ``brief``, ``ask brief``, MCP's ``briefing`` and the web view answer with no
    week given, beside the week quickstart briefed."""
    briefed, _, _, _ = quickstart_said(output)
    return check_default_week(briefed, default_weeks(scratch))


def new_checks(
    copy: Path, scratch: Path, org: OrgConfig, repository: str, store: StoreFacts, output: str
) -> list[Check]:
    """The invariants of issue 62, in the table's order."""
    return [
        unserviced(copy, org, repository),
        linguist_non_code(copy, store),
        cherry_picks(copy, org, store),
        revert_incidents(copy, scratch, store),
        default_week(scratch, output),
    ]


def ranking(copy: Path) -> tuple[Check, float | None]:
    """The whole history's backtest against plain SZZ labels: the default score's AUC beside
    lines added alone, reported and never a failed invariant.

    Plain SZZ blames every line git blames in every file, not only what riskbrief calls
    code (``evaluation.szz.bug_inducing(plain=True)``): the product is not graded by its
    own definitions. The arbiter of the score is ``bench.arbiter``'s tracker labels.
    """
    from evaluation.repo_backtest import backtest_repo, history_span, mine_window
    from evaluation.szz import bug_inducing

    try:
        # The whole history, as `riskbrief backtest --repo` measures it with no window.
        span = history_span(copy)
        mined = mine_window(copy, *span)
        labels = bug_inducing(copy, list(mined.fixes), plain=True)
        result = backtest_repo(copy, *span, labels=labels)
    except Exception as exc:  # a backtest that cannot run is the finding
        return Check("ranking", True, 0, 1, (f"backtest failed: {exc}"[:200],)), None
    check = check_ranking(result.auc, result.auc_lines_added)
    gain = None if result.auc_lines_added is None else result.auc - result.auc_lines_added
    return check, gain


def shallow(copy: Path, scratch: Path, depth: int) -> Check:
    """Quickstart on a ``git clone --depth DEPTH`` of the copy, in a folder of its own."""
    target = scratch / "shallow"
    cloned = subprocess.run(
        ["git", "clone", "--quiet", f"--depth={depth}", f"file://{copy}", str(target)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if cloned.returncode != 0:
        # A snapshot missing its largest blobs cannot be packed for a clone: nothing of the
        # product's to judge, so the check says why it looked at nothing.
        return Check("shallow clone", True, 0, 0, note=f"no shallow clone: {cloned.stderr[-120:]}")
    cut = target / ".git" / "shallow"
    if not cut.exists():
        return Check("shallow clone", True, 0, 0, note=f"history not deeper than {depth}")
    where = scratch / "shallow-store"
    where.mkdir()
    done = _run_quickstart(target, where)
    boundary = frozenset(cut.read_text().split())
    db = where / "riskbrief.db"
    stored = (
        frozenset(c.sha for c in read_store(db).changes.values() if c.sha)
        if db.exists()
        else frozenset()
    )
    return check_shallow(ShallowRun(done.returncode, done.stdout + done.stderr, boundary, stored))


def weeks(scratch: Path, org: OrgConfig, store: StoreFacts, newest: int) -> tuple[Check, int]:
    """The Slack text of each of the ``newest`` weeks with a very-high change or deploy names
    one; the second value is how many such weeks there are in all."""
    from sqlmodel import col, select

    from bot.composition.compose import compose_all
    from briefing.week import IsoWeek
    from data.store.engine import make_engine, session_scope
    from data.store.tables import Subscriber

    zone = ZoneInfo(org.subscribers[0].timezone if org.subscribers else "UTC")
    changes: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    deploys: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for c in store.changes.values():
        # A change in no service is still the organisation's: the whole organisation's
        # briefing (quickstart's reader's) names it too.
        if c.band == "critical" and c.merged_at is not None:
            week = IsoWeek.of(c.merged_at.replace(tzinfo=UTC).astimezone(zone).date()).id
            names = (c.key, *((c.sha[:12],) if c.sha else ()))
            changes[week].append(names)
    for d in store.deploys:
        if d.band == "critical":
            week = IsoWeek.of(d.finished_at.replace(tzinfo=UTC).astimezone(zone).date()).id
            deploys[week].append((*((d.tag,) if d.tag else ()), f"deploy of {d.service_name}"))
    every = sorted(set(changes) | set(deploys))
    chosen = every[-newest:] if newest else every
    if not chosen:
        return check_weeks([]), 0
    engine = make_engine(f"sqlite:///{scratch / 'riskbrief.db'}")
    try:
        with session_scope(engine) as session:
            reader = session.exec(select(Subscriber).order_by(col(Subscriber.id))).first()
            assert reader is not None
            requests = [(reader, IsoWeek.parse(w)) for w in chosen]
            done = compose_all(session, org, requests)
            texts = {c.week.id: c.slack.text + "\n" + repr(c.slack.blocks) for c in done}
    finally:
        engine.dispose()
    views = [WeekView(w, tuple(changes[w]), tuple(deploys[w]), texts.get(w, "")) for w in chosen]
    return check_weeks(views), len(every)


def assess(listed: Listed, clone: Path, options: Options = Options()) -> RepoRow:
    """``listed`` through the suite from its clone at ``clone``; errors become the row's."""
    start = time.perf_counter()
    row = RepoRow(listed.name, listed.shape)
    with tempfile.TemporaryDirectory(prefix="bench-repos-") as tmp:
        scratch = options.keep / listed.short if options.keep else Path(tmp)
        if options.keep:
            shutil.rmtree(scratch, ignore_errors=True)  # a kept folder of an earlier run
        scratch.mkdir(parents=True, exist_ok=True)
        try:
            copy = _copy(clone, listed, scratch)
            ran_at = datetime.now(UTC)
            output, took = _quickstart(copy, scratch)
            org = load_org_config(scratch / "riskbrief.toml")
            repository = org.repositories[0].name
            store = read_store(scratch / "riskbrief.db")
            found_by = _found_by(output)
            pattern = org.sources.git.deploy_tags or ""
            checks: list[Check] = []
            gain = None
            seen = 0
            if not options.new_only:
                released = releases(copy, org, repository, store)
                first = first_briefing_facts(copy, org, repository, released, output, ran_at)
                checks += [
                    check_releases(released),
                    non_code(copy, store),
                    services(copy, org, repository, found_by),
                ]
                if options.backtest:
                    check, gain = ranking(copy)
                    checks.append(check)
                week_check, seen = weeks(scratch, org, store, options.weeks)
                checks.append(week_check)
                checks.append(check_first_briefing(first))
                checks.append(check_generated(generated_files(copy, store.changes.values())))
                checks.append(shallow(copy, scratch, options.shallow_depth))
            checks += new_checks(copy, scratch, org, repository, store, output)
            looking = release_looking(copy)
            regex = re.compile(pattern or "(?!)", re.IGNORECASE)
            matched = sum(1 for name in looking if regex.search(name))
            return RepoRow(
                listed.name,
                listed.shape,
                head=git(copy, "rev-parse", "--short=9", "HEAD").strip(),
                found_by=found_by,
                services=len(store.services),
                pattern=pattern,
                matched=matched,
                looking=len(looking),
                changes=len(store.changes),
                deploys=len(store.deploys),
                checks=tuple(checks),
                gain=gain,
                quickstart_s=took,
                total_s=time.perf_counter() - start,
                weeks_seen=seen,
            )
        except Exception as exc:  # one repository's failure is its row
            return RepoRow(
                row.name, row.shape, error=f"{type(exc).__name__}: {exc}"[:300],
                total_s=time.perf_counter() - start,
            )  # fmt: skip
