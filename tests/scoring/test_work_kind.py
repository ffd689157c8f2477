"""Kinds of work: prefix, labels, doc- or test-only files, title words, then other files."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scoring.facts import ChangeFacts, FileChange
from scoring.work_kind import (
    KindEvidence,
    KindOfWork,
    WorkKind,
    classify_work,
    conventional_prefix,
    prefix_kind,
    work_kind,
)


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("feat: add a search endpoint", WorkKind.FEATURE),
        ("fix(parser)!: reject empty input", WorkKind.FIX),
        ("refactor: split the store", WorkKind.REFACTOR),
        ("perf: cache the parsed config", WorkKind.REFACTOR),
        ("style: format with ruff", WorkKind.REFACTOR),
        ("chore: tidy the release script", WorkKind.CHORE),
        ("build: pin the compiler", WorkKind.CHORE),
        ("ci: run on Python 3.13", WorkKind.CHORE),
        ("docs: explain the bands", WorkKind.DOCS),
        ("test: cover the quiet week", WorkKind.TEST),
        ("Feat(UI): dark mode", WorkKind.FEATURE),
        # A dependency update is a chore whatever its type says (Renovate, Greenkeeper).
        ("fix(deps): update all non-major dependencies", WorkKind.CHORE),
        ("fix(package): update execa to version 1.0.0", WorkKind.CHORE),
    ],
)
def test_the_prefix_decides_first(title: str, kind: WorkKind) -> None:
    """A conventional-commit prefix names the kind, even against the files and labels."""
    got = classify_work(title, ("documentation",), ("docs/index.md",))
    assert got.kind is kind
    assert got.source is KindEvidence.PREFIX
    assert got.evidence.startswith("conventional-commit prefix `")


def test_the_evidence_quotes_the_prefix_as_written() -> None:
    """The evidence names the prefix with its scope and breaking mark."""
    assert classify_work("fix(parser)!: reject empty input") == KindOfWork(
        WorkKind.FIX, KindEvidence.PREFIX, "conventional-commit prefix `fix(parser)!:`"
    )


def test_a_prefix_of_no_kind_leaves_the_words_after_it_to_decide() -> None:
    """``wip:`` and ``revert:`` name no kind: the title after them is read instead."""
    prefix = conventional_prefix("wip: refactor the store")
    assert prefix is not None
    assert prefix_kind(prefix) is None
    got = classify_work("wip: refactor the store", (), ("src/store.py",))
    assert (got.kind, got.source) == (WorkKind.REFACTOR, KindEvidence.TITLE)


def test_no_prefix_in_a_plain_title() -> None:
    """A title without ``type:`` has no prefix; a colon later in it is no prefix either."""
    assert conventional_prefix("Fix the parser") is None
    assert conventional_prefix("Add a note: why the cap") is None


@pytest.mark.parametrize(
    ("labels", "kind", "label"),
    [
        (("bug",), WorkKind.FIX, "bug"),
        (("type: enhancement",), WorkKind.FEATURE, "type: enhancement"),
        (("kind/cleanup",), WorkKind.REFACTOR, "kind/cleanup"),
        (("Documentation",), WorkKind.DOCS, "Documentation"),
        (("dependencies", "javascript"), WorkKind.CHORE, "dependencies"),
        (("flaky-test",), WorkKind.TEST, "flaky-test"),
        # Fix outranks docs whatever the labels' order.
        (("documentation", "bug"), WorkKind.FIX, "bug"),
    ],
)
def test_labels_decide_after_the_prefix(
    labels: tuple[str, ...], kind: WorkKind, label: str
) -> None:
    """A label names the kind when no prefix does, before the title's words."""
    got = classify_work("Refactor the checkout", labels, ("src/checkout.py",))
    assert got == KindOfWork(kind, KindEvidence.LABEL, f"label `{label}`")


def test_an_unknown_label_says_nothing() -> None:
    """A label of no kind (``javascript``, ``size/L``) leaves the title to decide."""
    got = classify_work("Refactor the checkout", ("javascript", "size/L"), ("src/checkout.py",))
    assert (got.kind, got.source) == (WorkKind.REFACTOR, KindEvidence.TITLE)


@pytest.mark.parametrize(
    ("title", "kind", "evidence"),
    [
        ("Fix crash on empty cart (#4521)", WorkKind.FIX, "title word `fix`"),
        ("Fixed off-by-one in pagination", WorkKind.FIX, "title word `fixed`"),
        ("Refactor the scorer", WorkKind.REFACTOR, "title word `refactor`"),
        ("[api] Simplify the router", WorkKind.REFACTOR, "title word `simplify`"),
        ("Bump requests from 2.31.0 to 2.32.0", WorkKind.CHORE, None),
        ("update dependency eslint to v9", WorkKind.CHORE, None),
        ("Lock file maintenance", WorkKind.CHORE, None),
        ("Implement SSO login", WorkKind.FEATURE, "title word `implement`"),
        ("Document the bands", WorkKind.DOCS, "title word `document`"),
        ("Handle a crash when the cache is cold", WorkKind.FIX, "title word `crash`"),
        ("Add unit tests for the parser", WorkKind.TEST, "title word `add unit tests`"),
    ],
)
def test_title_words(title: str, kind: WorkKind, evidence: str | None) -> None:
    """With code touched and no prefix or label, the title's words decide."""
    got = classify_work(title, (), ("src/app.py", "src/parser.py"))
    assert (got.kind, got.source) == (kind, KindEvidence.TITLE)
    if evidence is None:
        assert got.evidence.startswith("dependency update `")
    else:
        assert got.evidence == evidence


@pytest.mark.parametrize(
    "title",
    [
        "Fix lint",
        "fix typos in comments",
        "Fix the type errors",
        "fix typecheck",
        "fix wording in the error comment",
        "Fix",
    ],
)
def test_a_fix_of_tooling_or_words_is_no_fix(title: str) -> None:
    """ "Fix" of lint, typos or types, or a bare "fix", names no repaired behaviour: unknown."""
    assert classify_work(title, (), ("src/app.py",)).kind is WorkKind.UNKNOWN


@pytest.mark.parametrize(
    ("paths", "kind"),
    [
        (("docs/guide.md", "README.md", "docs/.vitepress/config.ts"), WorkKind.DOCS),
        (("tests/test_app.py", "src/app.test.ts"), WorkKind.TEST),
        # Tests with their manifest: still no code, test work.
        (("tests/test_app.py", "package.json"), WorkKind.TEST),
    ],
)
def test_doc_or_test_only_files_outrank_the_title(paths: tuple[str, ...], kind: WorkKind) -> None:
    """ "Fix a typo" in the docs is docs work, "fix a flaky test" test work."""
    got = classify_work("Fix the broken example", (), paths)
    assert (got.kind, got.source) == (kind, KindEvidence.FILES)


@pytest.mark.parametrize(
    "paths",
    [
        (".github/workflows/ci.yml",),
        ("package.json", "pnpm-lock.yaml"),
        ("CHANGELOG.md", "package.json"),
        # A release: the changesets consumed into the notes, the version bumped.
        (".changeset/brave-cats.md", "CHANGELOG.md", "package.json"),
        # A release of every package, a test package's among them, is no test work.
        (
            "testing/temp-store/CHANGELOG.md",
            "testing/temp-store/package.json",
            "cache/CHANGELOG.md",
        ),
    ],
)
def test_no_code_and_no_telling_title_is_a_chore(paths: tuple[str, ...]) -> None:
    """Only CI, manifests, lock files or release notes touched, and a mute title: a chore."""
    got = classify_work("Tweak things", (), paths)
    assert (got.kind, got.source) == (WorkKind.CHORE, KindEvidence.FILES)


@pytest.mark.parametrize(
    "paths",
    [
        # Release notes written or corrected by hand: docs to some authors, a chore to others.
        ("CHANGELOG.md",),
        ("packages/core/CHANGELOG.md", "packages/cli/CHANGELOG.md"),
        # A changeset is a note for the next release: the change ships to users.
        (".changeset/brave-cats.md",),
        (".changeset/brave-cats.md", "package.json", "pnpm-lock.yaml"),
    ],
)
def test_release_notes_alone_or_a_changeset_to_ship_say_no_chore(paths: tuple[str, ...]) -> None:
    """Release notes alone, or a changeset without the release that consumes it, say no kind."""
    got = classify_work("Tweak things", (), paths)
    assert (got.kind, got.source) == (WorkKind.UNKNOWN, KindEvidence.NOTHING)


@pytest.mark.parametrize("path", ["LICENSE", "COPYING", "packages/cli/LICENSE.txt", "AUTHORS"])
def test_the_projects_documents_are_docs_whatever_their_extension(path: str) -> None:
    """``LICENSE`` is documentation as ``LICENSE.md`` is, not a chore's project file."""
    got = classify_work("Tweak things", (), (path,))
    assert (got.kind, got.source) == (WorkKind.DOCS, KindEvidence.FILES)
    assert classify_work("Tweak things", (), ("LICENSE.md",)).kind is WorkKind.DOCS


@pytest.mark.parametrize(
    "paths",
    [
        ("packages/test-utils/package.json", "tests/helpers/registry.ts"),
        ("fixtures/basic/package.json",),
    ],
)
def test_a_dependency_update_outranks_the_files(paths: tuple[str, ...]) -> None:
    """A title reading as a dependency update is a chore whatever its files, as in rule 1."""
    got = classify_work("update dependency jest to v30", (), paths)
    assert (got.kind, got.source) == (WorkKind.CHORE, KindEvidence.TITLE)
    assert got.evidence == "dependency update `update dependency jest to v3`"


@pytest.mark.parametrize("title", ["Clean up the store", "cleanup stale temp files on exit"])
def test_clean_up_says_no_kind(title: str) -> None:
    """ "Clean up" is tidying called a chore as often as a refactor, or a fix of files left."""
    assert classify_work(title, (), ("src/store.py",)).kind is WorkKind.UNKNOWN


def test_a_fix_of_a_flaky_test_is_test_work() -> None:
    """ "Fix the flaky upload test" repairs a test, whatever code it touches: test work."""
    got = classify_work("Fix the flaky upload test on Windows", (), ("src/upload.ts",))
    assert got == KindOfWork(WorkKind.TEST, KindEvidence.TITLE, "title word `flaky`")


def test_a_fix_of_a_changeset_is_no_fix() -> None:
    """ "Fix the changeset" corrects a release note, not the product: nothing else says, unknown."""
    assert classify_work("fix the changeset", (), ("src/app.py",)).kind is WorkKind.UNKNOWN


@pytest.mark.parametrize(
    "paths",
    [
        (".github/workflows/ci.yml",),
        (".travis.yml", "appveyor.yml"),
    ],
)
def test_a_fix_of_the_ci_alone_is_a_chore(paths: tuple[str, ...]) -> None:
    """ "Fix" touching only the CI repairs the project's tooling: the files decide, a chore."""
    got = classify_work("fix semgrep permissions", (), paths)
    assert (got.kind, got.source) == (WorkKind.CHORE, KindEvidence.FILES)
    # With code beside the CI, the fix is the product's.
    assert classify_work("fix semgrep permissions", (), (*paths, "src/app.py")).kind is (
        WorkKind.FIX
    )


@pytest.mark.parametrize(
    "paths",
    [
        ("templates/react/src/index.css",),
        ("templates/react/tsconfig.json", "templates/react/public/logo.svg"),
    ],
)
def test_a_stylesheet_or_image_is_no_upkeep(paths: tuple[str, ...]) -> None:
    """A stylesheet, image or font ships to users: the files say no chore, and nothing else does."""
    got = classify_work("Tweak things", (), paths)
    assert (got.kind, got.source) == (WorkKind.UNKNOWN, KindEvidence.NOTHING)


def test_a_title_word_outranks_the_no_code_chore() -> None:
    """The title is read before the chore-by-files rule: "Fix" in a manifest is a fix."""
    got = classify_work("Fix the start command", (), ("package.json",))
    assert (got.kind, got.source) == (WorkKind.FIX, KindEvidence.TITLE)
    # A fix of the project's own tooling is no fix: the files decide.
    ci = classify_work("Fix the release workflow", (), (".github/workflows/release.yml",))
    assert (ci.kind, ci.source) == (WorkKind.CHORE, KindEvidence.FILES)


@pytest.mark.parametrize(
    ("title", "paths"),
    [
        ("Add a search endpoint", ("src/search.py",)),
        ("Update the checkout", ("src/checkout.py", "tests/test_checkout.py")),
        ("Support dark mode", ()),
    ],
)
def test_unknown_where_nothing_says(title: str, paths: tuple[str, ...]) -> None:
    """ "Add", "update" and "support" say no kind; code touched says none either: unknown."""
    assert classify_work(title, (), paths) == KindOfWork(
        WorkKind.UNKNOWN, KindEvidence.NOTHING, "nothing in the title, labels or files says"
    )


def test_work_kind_reads_a_changes_title_labels_and_files() -> None:
    """``work_kind`` classifies a ``ChangeFacts`` by its own title, labels and files."""
    change = ChangeFacts(
        key="acme/shop#7",
        repository="acme/shop",
        title="Tidy up",
        author="ada",
        merged_at=datetime(2026, 11, 20, tzinfo=UTC),
        files=(FileChange("docs/setup.md", 4, 1),),
        labels=("wontfix-later",),
    )
    assert work_kind(change) == KindOfWork(
        WorkKind.DOCS, KindEvidence.FILES, "only documentation touched (1 file)"
    )
    labelled = ChangeFacts(
        key="acme/shop#8",
        repository="acme/shop",
        title="Tidy up",
        author="ada",
        merged_at=datetime(2026, 11, 20, tzinfo=UTC),
        files=(FileChange("src/shop.py", 4, 1),),
        labels=("bug",),
    )
    assert work_kind(labelled).kind is WorkKind.FIX
