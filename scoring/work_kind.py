"""A change's kind of work (feature, fix, refactor, chore, docs, test), by rule, with its evidence.

What breaks after merge depends on the kind of work more than on who wrote it
(issue 52), so agents and people are compared kind by kind. The kind is read
from what the change says of itself, strongest first:

1. its conventional-commit prefix (``feat:``, ``fix(parser)!:``): the author's
   own word. A dependency update is a chore whatever its type (``fix(deps):``,
   Greenkeeper's ``fix(package): update x to version 2``), as ``scoring.fixes``
   reads it; a type that names no kind (``revert:``, ``wip:``) leaves the words
   after it to the rules below;
2. its labels (``bug``, ``type: enhancement``, ``documentation``, ``dependencies``);
3. its files, when they hold no code and are documentation only (``LICENSE`` as
   ``LICENSE.md``), or mostly tests:
   "fix a typo" in the docs is documentation work and "fix a flaky test" test
   work, whatever the verb;
4. its title's words: a dependency update ("update dependency x to v2", "lock file
   maintenance"), read before the files of rule 3 as rule 1 reads it whatever the
   type; a first word that says the kind whatever follows ("Fix …", "Refactor …",
   "Simplify …", "Bump …", "Implement …"), then words anywhere ("crash",
   "regression", "flaky", "add tests"). "Fix" of the project's tooling or words
   ("fix lint", "fix typos", "fix the release workflow", "fix the changeset"), a
   bare "fix", and "fix" touching only the CI's files are no fix: they say nothing;
   "fix the flaky test" is test work. "Clean up" says no kind (a chore as often as
   a refactor, or a fix of files left behind);
5. its files again, when they hold no code at all (CI, manifests, lock files,
   release notes, project files): chore. Not release notes alone (docs to some
   authors, a chore to others), nor a changeset without the release notes it goes
   into (a change that ships to users), nor a stylesheet, image or font (they ship).

Anything else is ``UNKNOWN``: a kind is never guessed ("add", "update" and
"support" begin features, fixes and docs alike). The files are judged by
``scoring.paths.path_kinds``, the scorer's own reading of a path, with release
notes and the code host's files (``CHANGELOG.md``, ``.github/``, ``.changeset/``),
documents by extension but upkeep by purpose, counted as a chore's.
docs/briefing.md ("Kinds of work") has the table and the agreement measured on
real histories (``python -m bench.kinds``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from scoring.facts import ChangeFacts
from scoring.paths import path_kinds
from scoring.plural import many

__all__ = [
    "ConventionalPrefix",
    "KindEvidence",
    "KindOfWork",
    "WorkKind",
    "classify_work",
    "conventional_prefix",
    "dependency_update",
    "prefix_kind",
    "work_kind",
]


class WorkKind(StrEnum):
    """The kind of work a change is."""

    FEATURE = "feature"
    FIX = "fix"
    REFACTOR = "refactor"
    CHORE = "chore"
    DOCS = "docs"
    TEST = "test"
    UNKNOWN = "unknown"


class KindEvidence(StrEnum):
    """Which of a change's facts decided its kind."""

    PREFIX = "prefix"
    LABEL = "label"
    FILES = "files"
    TITLE = "title"
    NOTHING = "nothing"


@dataclass(frozen=True, slots=True)
class KindOfWork:
    """A change's kind, which fact decided it (``source``) and that fact in words (``evidence``)."""

    kind: WorkKind
    source: KindEvidence
    evidence: str


@dataclass(frozen=True, slots=True)
class ConventionalPrefix:
    """A title's conventional-commit prefix: ``type(scope)!:`` and the words after it."""

    type: str
    scope: str | None
    breaking: bool
    rest: str

    @property
    def text(self) -> str:
        """The prefix as written, without the words after it (``fix(deps)!:``)."""
        scope = "" if self.scope is None else f"({self.scope})"
        return f"{self.type}{scope}{'!' if self.breaking else ''}:"


# ``type(scope)!: words``: a type of letters, an optional scope, an optional "!".
_PREFIX = re.compile(
    r"^\s*(?P<type>[A-Za-z]+)(?:\((?P<scope>[^()]*)\))?(?P<bang>!)?:\s*(?P<rest>.*)$", re.S
)

# The conventional-commit types and the kind each is. ``perf`` and ``style`` change code
# without adding or repairing behaviour (the Angular convention's own words), so they are
# refactors; ``build``, ``ci``, ``release`` and ``deps`` are upkeep of the project, chores.
# A type not here (``revert``, ``wip``, ``types``) says no kind: the other evidence decides.
_PREFIX_KINDS: dict[str, WorkKind] = {
    "feat": WorkKind.FEATURE,
    "feature": WorkKind.FEATURE,
    "fix": WorkKind.FIX,
    "bugfix": WorkKind.FIX,
    "hotfix": WorkKind.FIX,
    "refactor": WorkKind.REFACTOR,
    "perf": WorkKind.REFACTOR,
    "style": WorkKind.REFACTOR,
    "chore": WorkKind.CHORE,
    "build": WorkKind.CHORE,
    "ci": WorkKind.CHORE,
    "release": WorkKind.CHORE,
    "deps": WorkKind.CHORE,
    "docs": WorkKind.DOCS,
    "doc": WorkKind.DOCS,
    "test": WorkKind.TEST,
    "tests": WorkKind.TEST,
}
# Renovate's and Dependabot's ``fix(deps):`` says the update ships to users, not that it
# repairs a bug (``scoring.fixes`` reads it the same way): a dependency update is a chore.
_DEPENDENCY_SCOPES = frozenset({"deps", "deps-dev", "dependencies", "dev-deps"})

# Labels by kind, after ``_LABEL_NAMESPACE`` is cut (``type: bug`` is ``bug``). Checked
# in this order, so a change labelled both ``bug`` and ``documentation`` is a fix.
_LABEL_KINDS: tuple[tuple[WorkKind, frozenset[str]], ...] = (
    (WorkKind.FIX, frozenset({"bug", "bugfix", "fix", "hotfix", "regression", "defect"})),
    (
        WorkKind.FEATURE,
        frozenset({"feature", "enhancement", "feature request", "new feature", "feat"}),
    ),
    (WorkKind.REFACTOR, frozenset({"refactor", "refactoring", "cleanup", "tech debt", "perf"})),
    (WorkKind.TEST, frozenset({"test", "tests", "testing", "flaky test", "flaky-test"})),
    (WorkKind.DOCS, frozenset({"docs", "doc", "documentation"})),
    (
        WorkKind.CHORE,
        frozenset({"chore", "dependencies", "deps", "dependency", "ci", "build", "release"}),
    ),
)
_LABEL_NAMESPACE = re.compile(r"^(?:type|kind|t|category|pr|area)\s*[:/]\s*")

# GitHub's squash merge appends "(#<PR number>)"; it says nothing of the work.
_SQUASH_SUFFIX = re.compile(r"\s*\(#\d+\)\s*$")
# A title's first word by kind (lower-cased, "[scope]" or "scope:" before it skipped).
# Only verbs that say the kind whatever follows: "add", "update", "support" do not (a
# feature, a fix and a docs change all "add").
_FIRST_WORDS: dict[str, WorkKind] = {
    **dict.fromkeys(("fix", "fixes", "fixed", "fixing", "bugfix", "hotfix"), WorkKind.FIX),
    **dict.fromkeys(
        ("refactor", "refactors", "refactored", "refactoring", "simplify", "simplifies",
         "rename", "renames", "renamed", "extract", "extracts", "reorganize",
         "restructure"),
        WorkKind.REFACTOR,
    ),
    **dict.fromkeys(("bump", "bumps", "bumped", "pin", "pins", "release", "upgrade",
                     "changelog"), WorkKind.CHORE),
    **dict.fromkeys(("document", "documents", "documented"), WorkKind.DOCS),
    **dict.fromkeys(("implement", "implements", "implemented", "introduce", "introduces"),
                    WorkKind.FEATURE),
}  # fmt: skip
# A dependency update by its words: Renovate's "update dependency x to v2", "lock file
# maintenance", "update all non-major dependencies", Greenkeeper's "update x to version 2",
# Dependabot's "bump x from 1 to 2".
_DEPENDENCY_UPDATE = re.compile(
    r"^(update|upgrade|bump|pin)\b.*(\bdependency\b|\bdependencies\b|\bdeps\b|\bto v?\d"
    r"|\bto version\b|\bfrom v?\d)|^lock ?file maintenance\b|^update (the )?lock ?file"
)
# "Fix" of the project's tooling, tests or words is no repair of the product's behaviour.
_FIX_OF_TOOLING = re.compile(
    r"^fix(e[sd]|ing)?\b(\s+\S+){0,2}?\s+(typos?|lint|linting|eslint|prettier|format|formatting"
    r"|ci|build|tests?|specs?|spelling|links?|comments?|docs?|readme|changelog|types?|typings"
    r"|type errors?|tsc|warnings?|lock ?files?|shrinkwrap|workflows?|scripts?|release"
    r"|changesets?|typecheck(s|ing)?|tslint|indentation|wording|grammar|jsdoc)\b"
)
_FLAKY = re.compile(r"\bflaky\b")
# Words anywhere in a title, by kind, checked in this order after the first word.
_TITLE_WORDS: tuple[tuple[WorkKind, re.Pattern[str]], ...] = (
    (WorkKind.FIX, re.compile(r"\b(fixes|crash(e[sd]|ing)?|regressions?)\b")),
    (WorkKind.REFACTOR, re.compile(r"\brefactor(s|ed|ing)?\b")),
    (WorkKind.DOCS, re.compile(r"\b(documentation|readme|jsdoc|docstrings?)\b")),
    (
        WorkKind.TEST,
        re.compile(_FLAKY.pattern + r"|\b(add|adds|added|more|missing) (unit )?tests?\b"),
    ),
)
_SCOPE_LEAD = re.compile(r"^\s*(?:\[[^\]]*\]\s*|[\w./-]+:\s+)")
_WORD = re.compile(r"[a-z][a-z'-]*")


def conventional_prefix(title: str) -> ConventionalPrefix | None:
    """The title's conventional-commit prefix, or ``None`` when it has none."""
    m = _PREFIX.match(title)
    if m is None:
        return None
    return ConventionalPrefix(
        type=m.group("type"),
        scope=m.group("scope"),
        breaking=m.group("bang") is not None,
        rest=m.group("rest").strip(),
    )


def prefix_kind(prefix: ConventionalPrefix) -> WorkKind | None:
    """The kind a conventional-commit prefix says, or ``None`` for a type that says none."""
    if (
        prefix.scope is not None and prefix.scope.strip().lower() in _DEPENDENCY_SCOPES
    ) or _DEPENDENCY_UPDATE.match(prefix.rest.lower()):
        return WorkKind.CHORE
    return _PREFIX_KINDS.get(prefix.type.lower())


def _label_kind(labels: Iterable[str]) -> tuple[WorkKind, str] | None:
    """The kind the labels say and the label that says it."""
    names = [(_LABEL_NAMESPACE.sub("", label.strip().lower()).strip(), label) for label in labels]
    for kind, known in _LABEL_KINDS:
        for name, label in names:
            if name in known:
                return kind, label
    return None


def _title_text(title: str) -> str:
    """The title lower-cased, without a squash merge's ``(#123)`` or a leading scope."""
    return _SCOPE_LEAD.sub("", _SQUASH_SUFFIX.sub("", title).strip().lower())


def dependency_update(title: str) -> str | None:
    """The words by which the title reads as a dependency update, if it does."""
    m = _DEPENDENCY_UPDATE.match(_title_text(title))
    return None if m is None else m.group(0)


def _title_kind(title: str) -> tuple[WorkKind, str] | None:
    """The kind the title's words say and the word that says it."""
    text = _title_text(title)
    words = _WORD.findall(text)
    if words and words[0] in _FIRST_WORDS:
        kind = _FIRST_WORDS[words[0]]
        # "Fix the lint", "fix typos": the words after it decide, or nothing does; "fix
        # the flaky upload test" repairs a test, test work; a bare "fix" names nothing it
        # repairs (a follow-up to another commit's style or tests).
        if kind is not WorkKind.FIX or (
            len(words) > 1 and _FIX_OF_TOOLING.match(text) is None and _FLAKY.search(text) is None
        ):
            return kind, f"title word `{words[0]}`"
    for kind, pattern in _TITLE_WORDS:
        m = pattern.search(text)
        if m is not None:
            return kind, f"title word `{m.group(0)}`"
    return None


# Release notes, changesets and the code host's own files (issue templates under
# ``.github/``) are documents by their extension but the project's upkeep by their purpose:
# ``path_kinds`` counts them as no code (its project files), and here they are a chore's
# files, not docs (but see ``_Files.upkeep`` for release notes alone).
_RELEASE_NOTES = re.compile(
    r"(^|/)(changelog|changes|history|news|release[-_]?notes)([-_.][^/]*)?$"
)
# A changeset (``.changeset/*.md``) is the note a change leaves for the next release's notes.
_CHANGESET = re.compile(r"(^|/)\.changeset/[^/]+\.md$")
_UPKEEP = re.compile(r"(^|/)(\.github|\.changeset)/")
# The project's own documents are documentation whatever their extension: ``LICENSE`` as
# ``LICENSE.md`` (which ``path_kinds`` already counts as a document by its extension).
_DOCUMENT = re.compile(
    r"(^|/)(readme|license|licence|copying|notice|authors|contributors|contributing"
    r"|code_of_conduct|security|maintainers|governance|support)([-_.][^/]*)?$"
)


# The project's CI: its workflows and the code host's files, CI services' configurations.
_CI = re.compile(
    r"(^|/)(\.github/|\.circleci/|\.buildkite/|\.travis\.ya?ml$|appveyor\.ya?ml$"
    r"|\.gitlab-ci\.ya?ml$|azure-pipelines\.ya?ml$|jenkinsfile$)"
)
# Stylesheets, images and fonts are part of what ships, not the project's upkeep.
_ASSET = re.compile(r"\.(css|scss|sass|less|styl|svg|png|jpe?g|gif|ico|webp|avif|woff2?|ttf|otf)$")


@dataclass(frozen=True, slots=True)
class _Files:
    """How many touched paths are code, tests, documentation and other files (CI, manifests,
    release notes, …), and how many of the others are release notes and changesets."""

    code: int = 0
    tests: int = 0
    docs: int = 0
    other: int = 0
    notes: int = 0
    changesets: int = 0
    assets: int = 0
    ci: int = 0

    @property
    def only_ci(self) -> bool:
        """Whether every file is the CI's (a workflow, a CI service's configuration)."""
        return 0 < self.ci == self.code + self.tests + self.docs + self.other

    @property
    def upkeep(self) -> bool:
        """Whether the files say chore: no code, and more than release notes or changesets.

        Release notes alone are notes written or corrected by hand, docs to some authors and
        a chore to others; a changeset without the release notes it goes into is a change
        that ships to users, not upkeep of the project. A release has both, or notes and a
        manifest's version."""
        if self.code or self.assets or not self.other:
            return False
        if self.changesets and self.notes == self.changesets:
            return False
        return self.notes < self.other + self.tests + self.docs


def _file_groups(paths: Iterable[str]) -> _Files:
    """The touched paths counted by what they are."""
    code = tests = docs = other = notes = changesets = assets = ci = 0
    for path in paths:
        k = path_kinds(path)
        lowered = path.lower()
        if _RELEASE_NOTES.search(lowered) is not None or _CHANGESET.search(lowered) is not None:
            other += 1
            notes += 1
            changesets += _CHANGESET.search(lowered) is not None
        elif _UPKEEP.search(lowered) is not None or _CI.search(lowered) is not None:
            other += 1
            ci += _CI.search(lowered) is not None
        elif k.test:
            tests += 1
        elif k.code:
            code += 1
        elif (k.aside and not k.manifest) or _DOCUMENT.search(lowered) is not None:
            # Documentation, examples and a docs site's files (``PathKinds.aside``).
            docs += 1
        else:
            other += 1
            assets += _ASSET.search(lowered) is not None
    return _Files(code, tests, docs, other, notes, changesets, assets, ci)


def classify_work(title: str, labels: Iterable[str] = (), paths: Iterable[str] = ()) -> KindOfWork:
    """The kind of work of a change with this title, these labels and these touched paths."""
    prefix = conventional_prefix(title)
    if prefix is not None:
        kind = prefix_kind(prefix)
        if kind is not None:
            said = f"conventional-commit prefix `{prefix.text}`"
            return KindOfWork(kind, KindEvidence.PREFIX, said)
    by_label = _label_kind(labels)
    if by_label is not None:
        return KindOfWork(by_label[0], KindEvidence.LABEL, f"label `{by_label[1]}`")
    words = title if prefix is None else prefix.rest
    # A dependency update is a chore whatever its type says (rule 1), so whatever its
    # files say too: a test package's or a fixture's manifest is updated like any other.
    update = dependency_update(words)
    if update is not None:
        return KindOfWork(WorkKind.CHORE, KindEvidence.TITLE, f"dependency update `{update}`")
    files = _file_groups(paths)
    code, tests, docs, other = files.code, files.tests, files.docs, files.other
    # Tests with their manifest or config are test work; a release touching every package's
    # notes and manifest, a test package's among them, is not.
    if tests and not (code or docs) and tests >= other:
        said = f"no code touched: {many(tests, 'test file')} of {many(tests + other, 'file')}"
        return KindOfWork(WorkKind.TEST, KindEvidence.FILES, said)
    if docs and not (code or tests or other):
        said = f"only documentation touched ({many(docs, 'file')})"
        return KindOfWork(WorkKind.DOCS, KindEvidence.FILES, said)
    by_title = _title_kind(words)
    # "Fix" of the CI alone repairs the project's tooling, not the product.
    if by_title is not None and not (by_title[0] is WorkKind.FIX and files.only_ci):
        return KindOfWork(by_title[0], KindEvidence.TITLE, by_title[1])
    if files.upkeep:
        said = "no code touched, only project, CI or dependency files"
        return KindOfWork(WorkKind.CHORE, KindEvidence.FILES, said)
    return KindOfWork(
        WorkKind.UNKNOWN, KindEvidence.NOTHING, "nothing in the title, labels or files says"
    )


def work_kind(change: ChangeFacts) -> KindOfWork:
    """The kind of work of ``change``, from its title, labels and files (``classify_work``)."""
    return classify_work(change.title, change.labels, (f.path for f in change.files))
