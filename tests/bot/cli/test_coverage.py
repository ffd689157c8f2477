"""`riskbrief coverage record` from the command line: reports stored by commit, then read by
`score` as the change's patch coverage, coverage delta and coverage signal."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session, col, select

from bot.cli import main
from data.store.engine import make_engine
from data.store.tables import Change, CoverageReportRow, RiskScoreRow
from tests.bot.cli.conftest import T0
from tests.bot.shop import cli_workspace, shop_toml
from tests.data.sources.coverage.reports import LCOV, cobertura
from tests.data.sources.gitrepo import GitRepo

pytestmark = pytest.mark.usefixtures("clean_git_env")

APP_V1 = "".join(f"line{i}\n" for i in range(1, 11))
APP_V2 = APP_V1 + "".join(f"new{i}\n" for i in range(11, 21))


@pytest.fixture
def clone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[str]]:
    """A clone whose second commit adds ten lines to api/app.py; a workspace naming it."""
    repo = GitRepo(tmp_path / "shop")
    first = repo.commit({"api/app.py": APP_V1, "api/tests/test_app.py": "t\n"}, "Add", T0)
    second = repo.commit({"api/app.py": APP_V2}, "Grow the API", T0 + timedelta(hours=1))
    cli_workspace(tmp_path, shop_toml(repo.path), monkeypatch)
    return tmp_path, [first, second]


def _report(tmp: Path, name: str, hits: dict[int, int]) -> Path:
    path = tmp / name
    path.write_bytes(cobertura(str(tmp / "shop"), {"api/app.py": hits}))
    return path


def _rows(workspace: Path) -> tuple[list[CoverageReportRow], dict[str, Change]]:
    engine = make_engine(f"sqlite:///{workspace / 'rb.db'}")
    with Session(engine) as session:
        reports = list(session.exec(select(CoverageReportRow)))
        changes = {c.sha or "": c for c in session.exec(select(Change))}
    engine.dispose()
    return reports, changes


def test_reports_become_patch_coverage_and_a_coverage_signal(
    clone: tuple[Path, list[str]],
) -> None:
    """Two commits' reports: the second commit's ten added lines ran none, so its patch
    coverage is 0%, its file's coverage fell 50 points, and its score carries coverage points."""
    tmp, (first, second) = clone
    full = _report(tmp, "c1.xml", dict.fromkeys(range(1, 11), 1))
    half = _report(
        tmp, "c2.xml", {**dict.fromkeys(range(1, 11), 1), **dict.fromkeys(range(11, 21), 0)}
    )
    one = CliRunner().invoke(main, ["coverage", "record", "--sha", first, "--file", str(full)])
    two = CliRunner().invoke(
        main, ["coverage", "record", "--sha", second, "--file", str(half), "--json"]
    )
    assert one.exit_code == 0, one.output
    assert one.output.startswith(f"Recorded cobertura coverage of acme/shop@{first[:12]}: 100.0%")
    assert json.loads(two.output) == {
        "repository": "acme/shop",
        "sha": second,
        "format": "cobertura",
        "files": 1,
        "coverable": 20,
        "covered": 10,
        "ignored": [],
        "new": True,
    }
    assert CliRunner().invoke(main, ["sync"]).exit_code == 0
    scored = CliRunner().invoke(main, ["score"])
    assert scored.exit_code == 0, scored.output
    reports, changes = _rows(tmp)
    assert sorted(r.sha for r in reports) == sorted([first, second])
    grown = changes[second]
    assert (grown.patch_coverage, grown.patch_coverable) == (0.0, 10)
    assert grown.line_coverage_delta == -50.0
    assert grown.service_coverage == 50.0
    engine = make_engine(f"sqlite:///{tmp / 'rb.db'}")
    with Session(engine) as session:
        row = session.exec(
            select(RiskScoreRow).where(col(RiskScoreRow.subject_key).endswith(second[:12]))
        ).one()
    engine.dispose()
    (signal,) = [s for s in row.signals if s["name"] == "coverage"]
    assert signal["points"] > 0
    assert "0% of 10 added lines covered" in signal["explanation"]


def test_a_second_report_of_a_commit_replaces_the_first(clone: tuple[Path, list[str]]) -> None:
    """A CI retry of the same commit replaces its report: one row, the later numbers."""
    tmp, (first, _) = clone
    a = _report(tmp, "a.xml", {1: 0})
    b = _report(tmp, "b.xml", {1: 1, 2: 1})
    CliRunner().invoke(main, ["coverage", "record", "--sha", first, "--file", str(a)])
    again = CliRunner().invoke(main, ["coverage", "record", "--sha", first, "--file", str(b)])
    assert again.output.startswith("Replaced cobertura coverage")
    reports, _ = _rows(tmp)
    assert [(r.coverable, r.covered) for r in reports] == [(2, 2)]


def test_lcov_and_jacoco_are_recorded_by_the_cli(clone: tuple[Path, list[str]]) -> None:
    """An LCOV tracefile with --strip-prefix and a JaCoCo report are stored like Cobertura's."""
    tmp, (first, second) = clone
    lcov = tmp / "lcov.info"
    lcov.write_bytes(LCOV.replace(b"/builds/shop/web/app.js", b"/builds/shop/api/app.py"))
    jacoco = tmp / "jacoco.xml"
    jacoco.write_text(
        '<?xml version="1.0"?><report name="x"><package name="api">'
        '<sourcefile name="app.py"><line nr="1" mi="0" ci="2"/></sourcefile></package></report>'
    )
    by_lcov = CliRunner().invoke(
        main,
        [
            "coverage",
            "record",
            "--sha",
            first,
            "--file",
            str(lcov),
            "--format",
            "lcov",
            "--strip-prefix",
            "/builds/shop",
        ],
    )
    by_jacoco = CliRunner().invoke(
        main, ["coverage", "record", "--sha", second, "--file", str(jacoco), "--repo", "acme/shop"]
    )
    assert by_lcov.exit_code == 0, by_lcov.output
    assert "over 1 file." in by_lcov.output
    assert "Left out 1 path outside the repository: 'web/util.js'" in by_lcov.output
    assert by_jacoco.exit_code == 0, by_jacoco.output
    reports, _ = _rows(tmp)
    assert sorted((r.format, r.files["api/app.py"][1]) for r in reports) == [
        ("jacoco", "1"),
        ("lcov", "1,3"),
    ]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        pytest.param(["--sha", "abc123"], "not a full commit sha", id="short-sha"),
        pytest.param(["--repo", "acme/nope"], "is not in riskbrief.toml", id="repo"),
        pytest.param(["--format", "jacoco"], "not JaCoCo's <report>", id="wrong-format"),
    ],
)
def test_coverage_record_mistakes_are_one_sentence(
    clone: tuple[Path, list[str]], args: list[str], needle: str
) -> None:
    """A bad sha, repository or format ends in one line, exit 1, and nothing stored."""
    tmp, (first, _) = clone
    report = _report(tmp, "c.xml", {1: 1})
    base = ["coverage", "record", "--sha", first, "--file", str(report)]
    result = CliRunner().invoke(main, [*base, *args])
    assert result.exit_code == 1, result.output
    assert needle in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert _rows(tmp)[0] == []


def test_a_truncated_report_stores_nothing(clone: tuple[Path, list[str]]) -> None:
    """A report cut off mid-file is refused in one sentence and leaves no row behind."""
    tmp, (first, _) = clone
    cut = tmp / "cut.xml"
    cut.write_bytes(cobertura("", {"api/app.py": {1: 1}})[:150])
    result = CliRunner().invoke(main, ["coverage", "record", "--sha", first, "--file", str(cut)])
    assert result.exit_code == 1
    assert "not well-formed XML" in result.output
    assert _rows(tmp)[0] == []
