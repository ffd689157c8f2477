"""A change's size is its lines of hand-written code; a change touching no code is never high."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from scoring.change_files import change_files
from scoring.config import BandThresholds, ScoringConfig
from scoring.facts import ChangeFacts, FileChange
from scoring.history_context import HistoryContext
from scoring.risk import Band, score_change
from scoring.risk_score import RiskScore

# A Friday evening: the timing signal is full too.
FRIDAY_NIGHT = datetime(2026, 11, 20, 22, 0, tzinfo=UTC)
CONFIG = ScoringConfig()


def _risky_ctx(**kw: Any) -> HistoryContext:
    """Everything the history can say against a change: new author, hot and buggy files."""
    fields: dict[str, Any] = {
        "author_prior_changes": 0,
        "files_with_history": 40,
        "files_known_to_author": 0,
        "prior_fixes_on_files": 50,
        "recent_incidents": 5,
        "lookback_days": 30,
        "file_prior_changes": 500,
        "file_prior_devs": 100,
        "file_age_days": 1.0,
        "file_lines_before": 50_000,
        "service_deploys": 10,
        "service_failed_deploys": 8,
    }
    fields.update(kw)
    return HistoryContext(**fields)


def _change(*files: FileChange, title: str = "Rework") -> ChangeFacts:
    """A bare-clone change (review unknown) of ``files``, a bug fix merged on a Friday night."""
    return ChangeFacts(
        key="r@abc",
        repository="r",
        title=title,
        author="newcomer",
        merged_at=FRIDAY_NIGHT,
        files=files,
        is_fix=True,
        reviews_known=False,
    )


def _score(change: ChangeFacts, config: ScoringConfig = CONFIG, **ctx: Any) -> RiskScore:
    return score_change(change, _risky_ctx(**ctx), config)


def _size_text(risk: RiskScore) -> str:
    return next(s.explanation for s in risk.signals if s.name == "size")


def _many(folder: str, n: int, lines: int, ext: str = "py", **kw: Any) -> list[FileChange]:
    return [
        FileChange(f"{folder}/part{i}/mod{i}.{ext}", lines, lines // 2, service="svc", **kw)
        for i in range(n)
    ]


def test_the_same_change_in_code_is_very_high() -> None:
    """The control: the risky history and a large change in code make a very high score."""
    risk = _score(_change(*_many("src", 42, 110)))
    assert risk.band is Band.CRITICAL
    assert "large_change" in [g.name for g in risk.gates]
    assert _size_text(risk).startswith("4620 lines of code added")


@pytest.mark.parametrize(
    ("what", "files"),
    [
        ("a Markdown-only docs restructuring", _many("docs", 40, 115, "md")),
        ("a change of 42 files under examples/", _many("examples", 42, 110)),
        ("a README translation", [FileChange("README.zh-CN.md", 900, 0, service="svc")]),
        (
            "CI and project files",
            [
                FileChange(".github/workflows/ci.yml", 300, 200),
                FileChange("CHANGELOG.md", 400, 0),
                FileChange("LICENSE", 200, 0),
                FileChange("tox.ini", 80, 10),
            ],
        ),
        ("tests and their data", [*_many("tests", 30, 200), *_many("testdata", 10, 400, "json")]),
        (
            "a Javadoc-only change",
            _many("src/main/java/org/x", 30, 62, "java", code_added=0, code_deleted=0),
        ),
        (
            "a whitespace-only change",
            _many("src/pkg", 60, 80, code_added=0, code_deleted=0),
        ),
    ],
)
def test_a_change_touching_no_code_is_not_high(what: str, files: list[FileChange]) -> None:
    """Docs, examples, CI, project files, tests, comments or whitespace alone are never high."""
    risk = _score(_change(*files, title=what))
    assert risk.band in (Band.SAFE, Band.MODERATE), what
    assert not risk.gates
    text = _size_text(risk)
    assert text.startswith("no code changed"), text
    assert text.endswith("so it is never more than moderate risk")
    assert "lines of code added" not in text


def test_no_code_stays_below_a_lowered_high_band() -> None:
    """With the high band starting at 20, a no-code change whose points reach it stops at the top
    of moderate, its number with it."""
    config = ScoringConfig(bands=BandThresholds(moderate=10, high=20, critical=70))
    risk = _score(_change(*_many("docs", 40, 115, "md")), config)
    assert sum(s.points for s in risk.signals) >= 20
    assert risk.score == 19
    assert risk.band is Band.MODERATE


def test_comment_lines_do_not_count_as_size() -> None:
    """Of 500 added lines, the 20 lines of code are the size; the rest are named as comments."""
    f = FileChange("src/a.py", 500, 0, service="svc", code_added=20, code_deleted=0)
    risk = _score(_change(f))
    size = next(s for s in risk.signals if s.name == "size")
    assert size.value == 20
    assert size.explanation.startswith("20 lines of code added, 0 deleted")
    assert size.explanation.endswith(", besides 480 comment, blank or repeated lines")
    assert change_files(_change(f)).code_added == 20


def test_large_change_gate_counts_code_lines_only() -> None:
    """1,863 added lines that are Javadoc do not lift a change to high; 400 lines of code do."""
    doc = FileChange("src/main/java/A.java", 1863, 0, code_added=12, code_deleted=0)
    assert "large_change" not in [g.name for g in _score(_change(doc)).gates]
    code = FileChange("src/main/java/A.java", 1863, 0, code_added=400, code_deleted=0)
    gates = _score(_change(code)).gates
    assert [g.explanation for g in gates] == [
        "400 lines of code added: more than one review takes in"
    ]


def test_code_host_counts_are_used_when_no_text_was_read() -> None:
    """Without the lines' text (a code host's API), every line of a code file is size."""
    risk = _score(_change(FileChange("src/a.py", 120, 30)))
    size = next(s for s in risk.signals if s.name == "size")
    assert size.value == 150


def test_a_manifest_change_is_not_damped() -> None:
    """A dependency manifest is no code by size, but a change to it ships: it is not damped."""
    files = change_files(_change(FileChange("pom.xml", 40, 10)))
    assert files.touches_code
    assert files.code_added == 0


def test_a_test_projects_manifest_and_its_tests_are_damped() -> None:
    """Swapping a test library in a test project's manifest, or the docs' requirements, ships
    nothing: the change touches no code, while risky_content still names the manifest."""
    files = change_files(
        _change(
            FileChange("test/Polly.Core.Tests/Polly.Core.Tests.csproj", 2, 2),
            FileChange("test/Polly.Core.Tests/RetryTests.cs", 300, 280),
        )
    )
    assert not files.touches_code
    assert files.manifest
    docs = change_files(_change(FileChange("docs/requirements.txt", 3, 1)))
    assert not docs.touches_code
    assert change_files(_change(FileChange("requirements.txt", 3, 1))).touches_code


def test_error_budget_gate_skips_a_change_touching_no_code() -> None:
    """A docs change merged during a spent error budget cannot burn it: no gate."""
    docs = _score(_change(FileChange("docs/a.md", 10, 0)), error_budget_spent=True)
    assert not docs.gates
    code = _score(_change(FileChange("src/a.py", 10, 0)), error_budget_spent=True)
    assert [g.name for g in code.gates] == ["error_budget"]


def test_tests_and_other_files_count_beside_code_for_less_than_code() -> None:
    """Beside its code, a change's test and docs lines add size: more than the code alone,
    less than had they been code, and the line names each part."""
    code = FileChange("src/a.py", 100, 0, service="svc", code_added=100, code_deleted=0)
    tests = FileChange("tests/test_a.py", 400, 0, service="svc")
    docs = FileChange("docs/a.md", 200, 0, service="svc")
    alone = next(s for s in _score(_change(code)).signals if s.name == "size")
    both = next(s for s in _score(_change(code, tests, docs)).signals if s.name == "size")
    as_code = FileChange("src/b.py", 120, 0, service="svc", code_added=120, code_deleted=0)
    bigger = next(s for s in _score(_change(code, as_code)).signals if s.name == "size")
    assert alone.points < both.points < bigger.points + 10
    assert both.value == alone.value == 100
    assert both.explanation == (
        "100 lines of code added, 0 deleted in files that held 50000 lines, with 400 lines "
        "added to tests and 200 lines added to docs, examples, CI, configuration or project files"
    )


def test_a_change_to_development_requirements_and_ci_touches_no_code() -> None:
    """flask's "update dev dependencies" (CI workflows and requirements/dev.txt, typing.txt,
    build.txt) and click's CI rework (.ci/, .travis.yml, tox.ini) ship nothing; a runtime
    requirements.txt still does."""
    flask = change_files(
        _change(
            FileChange(".github/workflows/tests.yaml", 4, 4),
            FileChange("requirements/dev.txt", 30, 40),
            FileChange("requirements/typing.txt", 10, 11),
            FileChange("requirements/build.txt", 2, 2),
        )
    )
    assert not flask.touches_code
    assert flask.manifest
    click = change_files(
        _change(
            FileChange(".ci/run_with_env.cmd", 0, 47),
            FileChange(".travis.yml", 40, 30),
            FileChange("tox.ini", 20, 10),
        )
    )
    assert not click.touches_code
    runtime = change_files(_change(FileChange("requirements.txt", 1, 1)))
    assert runtime.touches_code


def test_a_translation_s_lines_are_no_size() -> None:
    """A new language's catalogue adds strings shown to users, not lines sized as a change's:
    the change of one settings page's line and a 110-line catalogue (hovancik/stretchly's every
    new language) is sized as the one line and the README's, and says what it left out."""
    page = FileChange("app/settings.html", 1, 0, service="svc")
    readme = FileChange("README.md", 1, 0, service="svc")
    catalogue = FileChange("app/locales/de.json", 110, 0, service="svc")
    notes = FileChange("app/notes/de.json", 110, 0, service="svc")
    translated = _score(_change(page, readme, catalogue))
    plain = _score(_change(page, readme))
    data = _score(_change(page, readme, notes))
    size = {r: next(s for s in r.signals if s.name == "size") for r in (translated, plain, data)}
    assert size[translated].points == size[plain].points < size[data].points
    assert _size_text(translated).endswith(", besides 110 lines of translated strings")
    assert change_files(_change(page, readme, catalogue)).translated_lines == 110
