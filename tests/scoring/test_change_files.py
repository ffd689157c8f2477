"""What a change's files say: tests, source lines, risky kinds and CODEOWNERS coverage."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scoring.change_files import (
    ChangeFiles,
    change_files,
    code_lines_of,
    is_generated_name,
    written_by_hand,
)
from scoring.config import ScoringConfig
from scoring.facts import ChangeFacts, FileChange, Marked
from scoring.history_context import HistoryContext
from scoring.paths import path_kinds
from scoring.risk import score_change
from scoring.signal import Signal

TUESDAY = datetime(2026, 11, 17, 11, 0, tzinfo=UTC)


def _file(path: str, added: int, deleted: int, **kw: Any) -> FileChange:
    kw.setdefault("service", "svc")
    kw.setdefault("owners", ("@acme/team",))
    return FileChange(path, added, deleted, **kw)


def _change(files: tuple[FileChange, ...]) -> ChangeFacts:
    return ChangeFacts(
        key="r#1", repository="r", title="t", author="alice", merged_at=TUESDAY, files=files
    )


def test_change_files_answers_for_the_change_asked_about() -> None:
    """Each change is read for itself, asked twice or after another change."""
    plain = _change(files=(_file("svc/a.py", 60, 0), _file("svc/tests/test_a.py", 5, 5)))
    risky = _change(
        files=(
            _file("svc/a.py", 1, 0, owners=("@carol",)),
            _file("db/migrations/0002.sql", 3, 0, owners=("@dave", "@acme/db")),
            _file("db/migrations/0001.sql", 3, 0, owners=()),
            _file("infra/main.tf", 1, 1, owners=None),
        )
    )
    team = frozenset[str]()
    both = frozenset({"carol", "dave"})
    for _ in range(2):
        assert change_files(plain) == ChangeFiles(
            1, 60, 60, None, False, False, False, 2, 0, team, 0, 1
        )
        assert change_files(risky) == ChangeFiles(
            0,
            9,
            8,
            "db/migrations/0002.sql",
            True,
            False,
            False,
            3,
            1,
            both,
            0,
            1,
            1,
            shipping="infra/main.tf",
        )
    twin = replace(risky, files=risky.files[:1])
    assert change_files(twin).migration is None
    assert change_files(twin).personal_owners == {"carol"}


def test_a_migration_edited_only_in_its_comments_is_no_migration() -> None:
    """A migration whose edit the source read as comments or blank lines only (an encoding
    line in db/schema.rb) makes no migration gate and touches no code; one line of code, or a
    rename that changes no line, still does."""
    comment = _change(files=(_file("db/schema.rb", 1, 0, code_added=0, code_deleted=0),))
    assert change_files(comment).migration is None
    assert not change_files(comment).touches_code
    ctx = HistoryContext(50, 1, 1, 0, 0, 30)
    assert not score_change(comment, ctx, ScoringConfig()).gates
    one_line = _change(files=(_file("db/schema.rb", 2, 0, code_added=1, code_deleted=0),))
    assert change_files(one_line).migration == "db/schema.rb"
    renamed = _change(
        files=(
            _file(
                "db/migrate/20240102_add.rb",
                0,
                0,
                code_added=0,
                code_deleted=0,
                previous_path="db/migrate/20240101_add.rb",
            ),
        )
    )
    assert change_files(renamed).migration == "db/migrate/20240102_add.rb"
    # A code host's counts alone say nothing of comments: the migration stands.
    counted = _change(files=(_file("db/schema.rb", 1, 0),))
    assert change_files(counted).migration == "db/schema.rb"


def test_a_rails_schema_dump_is_a_migration_but_no_size() -> None:
    """A migration with the schema dump ``db:schema:dump`` wrote after it (``db/schema.rb``,
    Solid Queue's ``db/queue_schema.rb``) is sized by the migration alone and gated by it; the
    dump alone is still a schema migration that touches code, with no lines of code."""
    both = _change(
        files=(
            _file("db/migrate/20240101_add_jobs.rb", 12, 0),
            _file("db/queue_schema.rb", 129, 0),
        )
    )
    files = change_files(both)
    assert (files.code_added, files.generated_files) == (12, 1)
    assert files.migration == "db/migrate/20240101_add_jobs.rb"
    dump = change_files(_change(files=(_file("db/schema.rb", 30, 4),)))
    assert (dump.migration, dump.code_added, dump.touches_code) == ("db/schema.rb", 0, True)


def test_generated_files_and_hand_written_services_are_counted() -> None:
    """Files no one wrote by hand are counted, and only hand-written files name services."""
    files = change_files(
        _change(
            files=(
                _file("svc/a.py", 5, 0),
                _file("api/b.py", 5, 0, service="api"),
                _file("web/yarn.lock", 900, 0, service="web"),
                _file("gen/x_pb2.py", 50, 0, service="gen"),
                _file("svc/schema.py", 50, 0, generated=True),
                _file("README.md", 1, 0, service=None),
            )
        )
    )
    assert (files.generated_files, files.services) == (3, 2)


def test_lock_vendored_and_generated_names() -> None:
    """Lock files, vendored folders and minified or compiled output are recognised by name."""
    for path in (
        "uv.lock",
        "web/package-lock.json",
        "pnpm-lock.yaml",
        "Cargo.lock",
        "go.sum",
        "Gemfile.lock",
        "composer.lock",
        "yarn.lock",
        "poetry.lock",
        "Pipfile.lock",
        "static/app.min.js",
        "vendor/github.com/x/y.go",
        "third_party/zlib/inflate.c",
        "api/v1/service.pb.go",
    ):
        assert is_generated_name(path), path
    for path in ("src/flask/app.py", "package.json", "go.mod", "src/vendors.py", "lockfile.py"):
        assert not is_generated_name(path), path
    assert not written_by_hand(_file("src/schema.py", 900, 0, generated=True))


def test_vendored_minified_packed_and_report_files_are_no_one_s_hand() -> None:
    """Vendored folders of every spelling, NuGet's restored packages, minified files, packed
    archives, coverage reports, binary-like design files and amalgamated headers are no size."""
    for path in (
        "thirdparty/lz4/lz4.c",
        "external/googletest/src/gtest.cc",
        "packages/Newtonsoft.Json.13.0.3/lib/net45/Newtonsoft.Json.xml",
        "packages/xunit.runner.visualstudio.2.4.5-beta/build/xunit.props",
        "public/css/site.min.css",
        "assets/app.min.mjs",
        "tools/phpunit.phar",
        "coverage/lcov-report/prettify.js",
        "coverage/index.html",
        "coverage/src/app.js.html",
        "htmlcov/index.html",
        "build/coverage-report/sorter.js",
        "art/logo.ai",
        "design/banner.psd",
        "single_include/nlohmann/json.hpp",
        "dist/sqlite-amalgamation/sqlite3.c",
        "src/json_amalgamated.hpp",
        "Forms/Main.Designer.cs",
    ):
        assert is_generated_name(path), path
    for path in (
        "packages/core/src/index.ts",
        "src/admin.py",
        "coverage/control.py",
        "lib/externals.rb",
        "tools/amalgamate.py",
        "tools/amalgamation.py",
        "src/minify.js",
    ):
        assert not is_generated_name(path), path


def test_data_in_test_folders_is_no_size() -> None:
    """A large XML fixture or JSON/CSV/YAML test data is no size and no spread, like a lock
    file; a test's code and a data file outside tests are not."""
    for path in (
        "src/test/resources/big-fixture.xml",
        "src/testcases/org/acme/data/sample.xml",
        "tests/fixtures/orders.json",
        "spec/fixtures/users.yml",
        "pkg/testdata/golden.csv",
        "web/__snapshots__/App.test.js.snap",
    ):
        assert is_generated_name(path), path
    for path in (
        "src/test/java/AppTest.java",
        "src/main/resources/app.xml",
        "tests/conftest.py",
        "tests/requirements.txt",
        "e2e/package.json",
        "tests/CMakeLists.txt",
    ):
        assert not is_generated_name(path), path
    fixture = _file("src/test/resources/big-fixture.xml", 31_775, 0)
    code = _file("src/main/java/App.java", 2, 0)
    assert _scored((code, fixture))["size"].points == _scored((code,))["size"].points


def test_a_one_line_change_in_a_test_support_module_keeps_a_test_change_damped() -> None:
    """Test-support modules and source sets (Gradle, .NET, Go) are test code: a one-line change
    in one beside 13,791 test lines touches no code, so the change stays damped."""
    support = (
        "okhttp-testing-support/src/main/kotlin/okhttp3/FakeDns.kt",
        "lib/src/testFixtures/java/acme/Fakes.java",
        "core/src/jvmTest/kotlin/acme/ClockTest.kt",
        "src/Polly.Core.Tests/Retry/RetryHelper.cs",
        "internal/testutil/clock.go",
        "acme-test-support/src/main/java/acme/Stub.java",
        "smoketests/stacktrace1/app.R",
        "loadtests/k6/script.js",
    )
    for path in support:
        assert path_kinds(path).test, path
    for path in (
        "src/latest/index.ts",
        "app/testimonials/page.tsx",
        "src/contest/rules.py",
        "src/protests/list.py",
    ):
        assert not path_kinds(path).test, path
    files = (
        _file(support[0], 1, 0),
        _file("okhttp/src/test/kotlin/okhttp3/CallTest.kt", 13_791, 0),
    )
    assert not change_files(_change(files)).touches_code


def test_the_docs_table_of_files_no_one_writes_by_hand_holds() -> None:
    """Every example of a name rule in docs/scoring.md's table of files no one writes by hand
    is recognised by its name."""
    doc = (Path(__file__).parents[2] / "docs" / "scoring.md").read_text(encoding="utf-8")
    table = doc.split("**Files no one writes by hand**", 1)[1].split("\n\n| ", 1)[1]
    rows = ("| " + table).split("\n\n", 1)[0].splitlines()[2:]
    examples = [
        example
        for row in rows
        if row.rstrip(" |").endswith("every")
        for example in re.findall(r"`([^`]+)`", row.split(" | ")[2])
    ]
    assert len(examples) > 20
    for example in examples:
        assert is_generated_name(example), example


def _scored(files: tuple[FileChange, ...]) -> dict[str, Signal]:
    ctx = HistoryContext(
        author_prior_changes=50,
        files_with_history=len(files),
        files_known_to_author=len(files),
        prior_fixes_on_files=0,
        recent_incidents=0,
        lookback_days=30,
    )
    return {s.name: s for s in score_change(_change(files), ctx, ScoringConfig()).signals}


def test_a_lock_file_adds_neither_size_nor_spread() -> None:
    """2 hand-written lines plus 1,641 in uv.lock score as the 2 lines alone, and say so."""
    code = _file("src/flask/app.py", 1, 1)
    alone = _scored((code,))
    with_lock = _scored((code, _file("uv.lock", 1200, 441, service=None)))
    assert with_lock["size"].points == alone["size"].points
    assert with_lock["diffusion"].points == alone["diffusion"].points
    assert with_lock["tests"].points == alone["tests"].points
    assert "besides 1641 lines in 1 lock or generated file" in with_lock["size"].explanation


def test_a_change_of_only_generated_files_says_so_and_scores_low() -> None:
    """A lock-only change is a dependency change: no size or spread points, and its line says so."""
    signals = _scored(
        (
            _file("uv.lock", 1200, 441, service=None),
            _file("web/pnpm-lock.yaml", 300, 20),
            _file("api/gen.go", 5000, 0, generated=True),
        )
    )
    assert signals["size"].points == 0.0
    assert signals["diffusion"].points == 0.0
    assert signals["size"].explanation.startswith("only lock files or generated files changed")
    assert signals["diffusion"].explanation == "only lock files or generated files changed"


def test_tool_configuration_alone_is_no_dependency_change() -> None:
    """A pyproject.toml edit the source found declaring nothing new is capped like docs."""
    tool = _file("pyproject.toml", 2, 0, service=None, code_added=0, code_deleted=0)
    files = change_files(_change((tool,)))
    assert not files.touches_code
    assert not files.manifest
    assert "never more than moderate risk" in _scored((tool,))["size"].explanation
    assert "dependency manifest" not in _scored((tool,))["risky_content"].explanation


def test_deployment_configuration_edited_in_comments_only_ships_nothing() -> None:
    """A Dockerfile edit the source read as comments only (Renovate's markers) is no
    infrastructure change and is capped like docs; one whose lines it did not read, or that
    changed an instruction, still ships."""
    marker = _file("src/ads/Dockerfile", 1, 0, code_added=0, code_deleted=0)
    files = change_files(_change((marker,)))
    assert not files.touches_code
    assert not files.infra
    assert "never more than moderate risk" in _scored((marker,))["size"].explanation
    bump = _file("src/ads/Dockerfile", 1, 1, code_added=1, code_deleted=1)
    assert change_files(_change((bump,))).touches_code
    assert change_files(_change((bump,))).infra
    unread = _file("src/ads/Dockerfile", 1, 0)
    assert change_files(_change((unread,))).touches_code


def test_a_change_with_no_code_says_why_it_is_not_capped() -> None:
    """A dependency edit or deployment config with no line of code names what ships instead."""
    dependency = _file("pyproject.toml", 1, 0, service=None)
    assert change_files(_change((dependency,))).touches_code
    said = _scored((dependency,))["size"].explanation
    assert said.endswith(
        "it changes a dependency manifest (pyproject.toml), so the no-code cap does not apply"
    )
    deploy = _scored((_file("k8s/deploy.yaml", 3, 1),))["size"].explanation
    assert "deployment configuration (k8s/deploy.yaml)" in deploy


def test_a_file_marked_no_documentation_is_code_of_the_change() -> None:
    """An example's file its repository marks no documentation (``Marked.UNDOCUMENTED``: a
    repository of examples, or ``linguist-documentation=false``) adds lines of code and makes
    the change touch code; the same file unmarked adds none."""
    path = "play-java-forms-example/app/controllers/WidgetController.java"
    marked = change_files(_change((_file(path, 40, 2, marked=Marked.UNDOCUMENTED),)))
    plain = change_files(_change((_file(path, 40, 2),)))
    assert (marked.source_lines, marked.code_added, marked.touches_code) == (42, 40, True)
    assert (plain.source_lines, plain.code_added, plain.touches_code) == (0, 0, False)
    assert code_lines_of(_file(path, 40, 2, marked=Marked.UNDOCUMENTED)) == (40, 2)
    assert code_lines_of(_file(path, 40, 2)) == (0, 0)
