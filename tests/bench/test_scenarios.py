"""The planted-story bench: its histories read as GitHub writes them, and its judging."""

from __future__ import annotations

import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bench.scenarios.__main__ import judge, main
from bench.scenarios.org import steady_plan
from bench.scenarios.repo import Commit, FastImportRepo
from bench.scenarios.run import CardSeen, brief_org, write_org
from bench.scenarios.stories import LAST, Expect, Story
from scoring.card_terms import CardKind, Severity

pytestmark = pytest.mark.usefixtures("clean_git_env")

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
ADA = "Ada <ada@acme.example>"


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


def test_fast_import_writes_github_merges_with_exact_line_counts(tmp_path: Path) -> None:
    """A PR becomes its branch commits plus GitHub's merge commit on main, whose first-parent
    diff has exactly the lines the plan added and deleted."""
    repo = FastImportRepo(tmp_path / "r")
    repo.direct(Commit(ADA, T0, "Initial", {"svc/a.py": (10, 0)}))
    commits = [
        Commit(ADA, T0 + timedelta(hours=1), "Add x", {"svc/a.py": (5, 2)}),
        Commit(ADA, T0 + timedelta(hours=2), "Test x", {"svc/tests/test_a.py": (7, 0)}),
    ]
    repo.merge_pr(7, "topic-7", commits, T0 + timedelta(hours=3), "Add x", ADA)
    repo.close()
    subject = _git(repo.path, "log", "-1", "--format=%s%n%b").splitlines()
    assert subject[:2] == ["Merge pull request #7 from acme/topic-7", "Add x"]
    stat = _git(repo.path, "diff", "--numstat", "HEAD^1", "HEAD")
    assert sorted(stat.split("\n")[:2]) == ["5\t2\tsvc/a.py", "7\t0\tsvc/tests/test_a.py"]
    assert len(_git(repo.path, "rev-list", "--all").split()) == 4


def test_a_message_can_name_an_earlier_commits_sha(tmp_path: Path) -> None:
    """``{sha:<mark>}`` in a message becomes that commit's sha, as a Revert button writes it."""
    repo = FastImportRepo(tmp_path / "r")
    first = repo.direct(Commit(ADA, T0, "Initial", {"a.py": (3, 0)}))
    repo.direct(Commit(ADA, T0 + timedelta(hours=1), f"This reverts commit {{sha:{first}}}.", {}))
    repo.close()
    root = _git(repo.path, "rev-list", "--max-parents=0", "HEAD").strip()
    assert _git(repo.path, "log", "-1", "--format=%s").strip() == f"This reverts commit {root}."


def _seen(
    sub: str, week: int, kind: CardKind, severity: Severity, subject: str | None = None
) -> CardSeen:
    return CardSeen(sub, week, kind, severity, subject, kind)


STORY = Story(
    "planted",
    lambda _plan, _rng: None,
    (Expect(CardKind.CONCENTRATION, Severity.CRITICAL, "payments"),),
    ("payments",),
)


@pytest.mark.parametrize(
    ("cards", "found", "right", "leaks", "alarms"),
    [
        pytest.param(
            [
                _seen("vp", LAST, CardKind.CONCENTRATION, Severity.CRITICAL, "payments"),
                _seen("commerce-lead", LAST, CardKind.CONCENTRATION, Severity.CRITICAL, "payments"),
            ],
            1,
            1,
            0,
            0,
            id="found-at-severity",
        ),
        pytest.param(
            [
                _seen("vp", LAST, CardKind.CONCENTRATION, Severity.WARNING, "payments"),
                _seen("commerce-lead", LAST, CardKind.CONCENTRATION, Severity.WARNING, "payments"),
            ],
            1,
            0,
            0,
            0,
            id="found-too-mild",
        ),
        pytest.param(
            [_seen("vp", LAST, CardKind.CONCENTRATION, Severity.CRITICAL, "payments")],
            0,
            0,
            0,
            0,
            id="owning-team-not-told",
        ),
        pytest.param(
            [_seen("vp", LAST, CardKind.CONCENTRATION, Severity.CRITICAL, "checkout")],
            0,
            0,
            0,
            0,
            id="wrong-service",
        ),
        pytest.param(
            [
                _seen("vp", LAST, CardKind.CONCENTRATION, Severity.CRITICAL, "payments"),
                _seen("commerce-lead", LAST, CardKind.CONCENTRATION, Severity.CRITICAL, "payments"),
                _seen("platform-lead", LAST, CardKind.CONCENTRATION, Severity.CRITICAL, "payments"),
                _seen("vp", 5, CardKind.SHIFT, Severity.WARNING),
                _seen("vp", 6, CardKind.IMPROVEMENT, Severity.INFO, "discovery"),
            ],
            1,
            1,
            1,
            1,
            id="leak-and-a-steady-alarm",
        ),
        pytest.param(
            [
                _seen("vp", LAST, CardKind.CONCENTRATION, Severity.CRITICAL, "payments"),
                _seen("commerce-lead", LAST, CardKind.CONCENTRATION, Severity.CRITICAL, "payments"),
                _seen("platform-lead", LAST, CardKind.CONCENTRATION, Severity.WARNING, "identity"),
            ],
            1,
            1,
            0,
            0,
            id="another-scope-s-own-card-of-the-kind-is-no-leak",
        ),
    ],
)
def test_judge_counts_found_right_leaks_and_steady_alarms(
    cards: list[CardSeen], found: int, right: int, leaks: int, alarms: int
) -> None:
    """A story is found when the whole-org and the owning team's briefings hold its card; a
    card of its kind about the story for a team outside its services is a leak (one about that
    team's own service is its own news); steady weeks count warnings and criticals only."""
    result = judge(STORY, cards)
    assert (result.found, result.right) == (found, right)
    assert len(result.leaks) == leaks
    assert len(result.steady_alarms) == alarms


def test_a_short_organisation_is_briefed_through_the_cli(tmp_path: Path) -> None:
    """Four steady weeks written as a clone and files are synced, scored and briefed by the
    product's commands: every subscriber gets a recorded briefing for each week."""
    plan = steady_plan(7, weeks=4)
    root = write_org(plan, tmp_path / "org")
    cards = brief_org(root, range(2, 4))
    assert all(c.week in (2, 3) for c in cards)
    with sqlite3.connect(root / "riskbrief.db") as conn:
        (briefed,) = conn.execute("SELECT count(*) FROM briefing").fetchone()
    assert briefed == 8


def test_volume_scales_a_steady_weeks_ordinary_prs_and_keeps_the_default_plan() -> None:
    """A busier shape brings about ``volume`` times the ordinary PRs of the default one, and the
    default volume plans exactly what the seed always planned."""
    default = steady_plan(11)
    same = steady_plan(11, volume=1.0)
    assert [(p.number, p.author, p.files, p.merged_at) for p in default.prs] == [
        (p.number, p.author, p.files, p.merged_at) for p in same.prs
    ]
    ordinary = sum(1 for p in default.prs if p.kind == "human")
    busier = sum(1 for p in steady_plan(11, volume=3.0).prs if p.kind == "human")
    assert 2.6 * ordinary < busier < 3.4 * ordinary
    with pytest.raises(ValueError, match="positive multiple"):
        steady_plan(11, volume=0)


def test_a_volume_that_is_no_positive_multiple_is_one_sentence_and_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``--volume 0`` ends before any organisation is built, with one line saying what it takes."""
    with pytest.raises(SystemExit) as ended:
        main(["--volume", "0"])
    assert ended.value.code == 2
    assert "--volume is a positive multiple" in capsys.readouterr().err
