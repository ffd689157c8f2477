"""`riskbrief backtest --repo` end to end on a tiny real repository, and its one-line errors."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from evaluation.repo_backtest import history_span
from tests.data.sources.gitrepo import GitRepo, shallow_clone
from tests.evaluation.test_kamei import JSON_KEYS
from tests.evaluation.test_repo_backtest import build_history

# Git runs with the test's environment, never the developer's config.
pytestmark = pytest.mark.usefixtures("clean_git_env")


@pytest.fixture(autouse=True)
def _elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in an empty directory, so a riskbrief.toml in the checkout is never picked up."""
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)


@pytest.fixture
def shop(tmp_path: Path) -> tuple[GitRepo, dict[str, str]]:
    """The six-commit history with one planted bug and its fix."""
    return build_history(tmp_path / "shop")


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, ["backtest", *args])


def _assert_one_line_error(result: Result, fragment: str) -> None:
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert fragment in result.output
    assert len([line for line in result.output.splitlines() if line.startswith("Error")]) == 1


def test_json_has_the_csv_modes_keys_and_counts(shop: tuple[GitRepo, dict[str, str]]) -> None:
    """The JSON has the same keys as the CSV mode, with the window's n and SZZ positives."""
    repo, _ = shop
    result = _run(
        "--repo", str(repo.path), "--since", "2026-03-03", "--until", "2026-03-06", "--json"
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert set(figures) == JSON_KEYS | {"weights"}
    assert (figures["n"], figures["positives"]) == (4, 1)
    assert figures["weights"] == "defaults"


def test_labels_file_is_used(shop: tuple[GitRepo, dict[str, str]], tmp_path: Path) -> None:
    """With --labels the listed commits are the positives, whatever SZZ would say."""
    repo, shas = shop
    labels = tmp_path / "bugs.txt"
    labels.write_text(f"# known\n{shas['small'][:8]}\n{shas['other']}\n", encoding="utf-8")
    result = _run(
        "--repo", str(repo.path), "--since", "2026-03-02", "--until", "2026-03-07",
        "--labels", str(labels), "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["positives"] == 2


def test_human_line_matches_the_csv_mode(shop: tuple[GitRepo, dict[str, str]]) -> None:
    """Without --json one line gives the counts and the three figures, like the CSV mode."""
    repo, _ = shop
    result = _run("--repo", str(repo.path), "--since", "2026-03-03", "--until", "2026-03-06")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("shop 2026-03-03…2026-03-06: 4 changes, 1 bug-inducing; AUC ")
    assert "recall at 20% effort" in result.output
    assert "top-10% lift" in result.output


def test_not_a_repository(tmp_path: Path) -> None:
    """A directory that is not a git clone ends in one line saying so."""
    result = _run("--repo", str(tmp_path), "--since", "2026-03-01", "--until", "2026-03-31")
    _assert_one_line_error(result, "is not a git repository")


def test_since_after_until(shop: tuple[GitRepo, dict[str, str]]) -> None:
    """A window that ends before it starts ends in one line telling to swap them."""
    repo, _ = shop
    result = _run("--repo", str(repo.path), "--since", "2026-03-07", "--until", "2026-03-01")
    _assert_one_line_error(result, "is after --until")


def test_without_since_or_until_the_whole_history_is_measured(
    shop: tuple[GitRepo, dict[str, str]],
) -> None:
    """--repo alone measures from the clone's first commit to its last, and says which days."""
    repo, _ = shop
    whole = _run("--repo", str(repo.path))
    assert whole.exit_code == 0, whole.output
    first, last = history_span(repo.path)
    assert whole.output.startswith(f"shop {first}…{last}: ")
    assert _run("--repo", str(repo.path), "--until", str(last)).output == whole.output


def test_not_a_repository_without_a_window(tmp_path: Path) -> None:
    """A folder that is no clone, with no window given, ends in the same one line."""
    _assert_one_line_error(_run("--repo", str(tmp_path)), "is not a git repository")


def test_both_sources(shop: tuple[GitRepo, dict[str, str]], tmp_path: Path) -> None:
    """--kamei-csv and --repo together are refused as a usage error."""
    repo, _ = shop
    csv = tmp_path / "x.csv"
    csv.write_text("date,bug\n", encoding="utf-8")
    result = _run("--kamei-csv", str(csv), "--repo", str(repo.path))
    _assert_one_line_error(result, "give exactly one of --kamei-csv FILE or --repo PATH")
    assert result.exit_code == 2


def test_neither_source() -> None:
    """A backtest without --kamei-csv or --repo is refused as a usage error."""
    result = _run("--json")
    _assert_one_line_error(result, "give exactly one of --kamei-csv FILE or --repo PATH")


def test_bad_date() -> None:
    """A --since that is not a date is refused by the option's own check."""
    result = _run("--repo", ".", "--since", "March", "--until", "2026-03-07")
    _assert_one_line_error(result, "'March' is not a date")


def test_configured_weights_are_used_and_named(shop: tuple[GitRepo, dict[str, str]]) -> None:
    """With --config naming a riskbrief.toml that sets weights, the repo backtest uses and names
    them; the same file merely in the current directory is not read."""
    repo, _ = shop
    args = ("--repo", str(repo.path), "--since", "2026-03-02", "--until", "2026-03-07")
    Path("riskbrief.toml").write_text("[scoring.weights]\nsize = 0\n", encoding="utf-8")
    assert json.loads(_run(*args, "--json").output)["weights"] == "defaults"
    named = (*args, "--config", "riskbrief.toml")
    figures = json.loads(_run(*named, "--json").output)
    assert figures["weights"] == "riskbrief.toml: its [scoring.weights], time zone UTC"
    line = _run(*named).output.splitlines()[0]
    assert line.endswith("(weights: riskbrief.toml: its [scoring.weights], time zone UTC)")


def test_calibrate_on_a_window_too_small_to_split_is_one_line(
    shop: tuple[GitRepo, dict[str, str]],
) -> None:
    """A window whose latest 20% holds no bug-inducing change cannot be measured: one line."""
    repo, _ = shop
    result = _run(
        "--repo", str(repo.path), "--since", "2026-03-02", "--until", "2026-03-07", "--calibrate"
    )
    _assert_one_line_error(result, "are all clean, so weights cannot be fitted and measured")


@pytest.mark.parametrize(
    ("bugs", "outcome"),
    [
        # The fix names a tracker issue and no bug words: only the tracker makes it a fix.
        ("SHOP-12\n", 1),
        ("SHOP-99\n", None),
    ],
)
def test_bug_issues_decide_szz_fixes(tmp_path: Path, bugs: str, outcome: int | None) -> None:
    """--bug-issues makes a commit naming a listed bug issue a fix for SZZ, and only then."""
    repo = GitRepo(tmp_path / "shop")

    def at(day: int) -> datetime:
        return datetime(2026, 3, day, 10, tzinfo=UTC)

    repo.commit({"core.py": "c = 1\n"}, "SHOP-1: add core", at(2))
    repo.commit({"parser.py": "".join(f"p{i} = {i}\n" for i in range(40))}, "SHOP-2: parser", at(3))
    repo.commit({"util.py": "u = 1\n"}, "SHOP-3: add util", at(4))
    repo.commit(
        {"parser.py": "p0 = 0\n" + "".join(f"p{i} = {i}\n" for i in range(2, 40))},
        "SHOP-12: handle empty input",
        at(5),
    )
    keys = tmp_path / "bugs.txt"
    keys.write_text(bugs, encoding="utf-8")
    result = _run(
        "--repo", str(repo.path), "--since", "2026-03-02", "--until", "2026-03-04",
        "--bug-issues", str(keys), "--json",
    )  # fmt: skip
    if outcome is None:
        _assert_one_line_error(result, "carry the same label")
    else:
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["positives"] == outcome


def test_the_score_is_printed_beside_lines_added_alone(
    shop: tuple[GitRepo, dict[str, str]],
) -> None:
    """The repo line gives lines added alone's AUC beside the score's, and bands in reader words."""
    repo, _ = shop
    args = ("--repo", str(repo.path), "--since", "2026-03-03", "--until", "2026-03-06")
    figures = json.loads(_run(*args, "--json").output)
    out = _run(*args).output
    assert f"AUC {figures['auc']:.3f} (lines added alone {figures['auc_lines_added']:.3f})" in out
    beaten = figures["auc"] > figures["auc_lines_added"]
    assert ("does not beat lines added alone" in out) is not beaten
    assert "Bands: very high " in out
    assert "critical" not in out


def test_a_history_with_a_submodule_added_then_removed_is_backtested(tmp_path: Path) -> None:
    """A fix that moved a submodule (a gitlink) no longer ends the run in "git blame failed"."""
    from tests.evaluation.test_szz import HOUR, PARSER, PARSER_FIXED, T0, _gitlink

    repo = GitRepo(tmp_path / "haml")
    repo.commit({"README.md": "hello\n"}, "Start", T0)
    repo.commit({"parser.py": PARSER}, "Add parser", T0 + HOUR)
    _gitlink(repo, "lib/support/haml", "1" * 40)
    repo.commit({}, "Add haml as a submodule", T0 + 2 * HOUR)
    _gitlink(repo, "lib/support/haml", "2" * 40)
    repo.commit({"parser.py": PARSER_FIXED}, "Fix crash in parser (#12)", T0 + 3 * HOUR)
    repo.git("rm", "-q", "--cached", "lib/support/haml")
    repo.commit({}, "Remove the haml submodule", T0 + 4 * HOUR)
    result = _run("--repo", str(repo.path), "--since", "2026-03-01", "--until", "2026-03-31")
    assert result.exit_code == 0, result.output
    assert "git blame failed" not in result.output
    assert ": 5 changes, 1 bug-inducing; AUC " in result.output


def _bug_prone_history(root: Path) -> GitRepo:
    """Forty daily commits, each adding a module (every third a large one), in March; in April
    a fix of each large module's code, so SZZ labels the large ones bug-inducing."""
    repo = GitRepo(root)
    start = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    large = []
    for i in range(40):
        size = 60 if i % 3 == 0 else 3
        body = "".join(f"value_{j} = compute({j})\n" for j in range(size))
        repo.commit({f"src/m{i}.py": body}, f"Add module {i}", start + timedelta(days=i))
        if size == 60:
            large.append((i, body))
    for n, (i, body) in enumerate(large):
        fixed = body.replace("compute(1)", "compute(1) or 0")
        repo.commit({f"src/m{i}.py": fixed}, f"Fix crash in module {i}", start + timedelta(45 + n))
    return repo


def test_calibrate_fits_on_the_clone_s_own_history_and_measures_later_changes(
    tmp_path: Path,
) -> None:
    """--repo --calibrate fits on the earlier 80% of the window's SZZ labels and measures both
    weight sets on the latest 20%, each AUC beside lines added alone."""
    repo = _bug_prone_history(tmp_path / "lib")
    args = ("--repo", str(repo.path), "--since", "2026-03-01", "--until", "2026-04-09")
    result = _run(*args, "--calibrate")
    assert result.exit_code == 0, result.output
    assert "works with --kamei-csv only" not in result.output
    lines = result.output.splitlines()
    assert (
        "fitted on the earlier 32 changes (11 bug-inducing), measured on the latest 8" in (lines[0])
    )
    for label in ("Before (defaults): AUC ", "After: AUC "):
        line = next(line for line in lines if line.startswith(label))
        assert re.search(r"AUC \d\.\d{3} \(lines added alone \d\.\d{3}\)", line), line
    figures = json.loads(_run(*args, "--calibrate", "--json").output)
    assert (figures["train_changes"], figures["test_changes"]) == (32, 8)
    assert figures["before"]["n"] == figures["after"]["n"] == 8
    assert figures["after"]["auc_lines_added"] == figures["before"]["auc_lines_added"]


def test_a_shallow_clone_is_refused_with_the_fix(
    shop: tuple[GitRepo, dict[str, str]], tmp_path: Path
) -> None:
    """`backtest --repo` of a --depth clone would score and label against a cut history (its
    oldest commit the whole tree): one line names `git fetch --unshallow` instead."""
    repo, _ = shop
    shallow = shallow_clone(repo.path, tmp_path / "ci", 2)
    result = _run("--repo", str(shallow))
    _assert_one_line_error(result, f"{shallow} is a shallow clone")
    assert "git fetch --unshallow" in result.output


def test_a_window_past_the_history_names_the_history_not_a_missing_option(
    shop: tuple[GitRepo, dict[str, str]],
) -> None:
    """--since after the newest commit without --until (or --until before the first without
    --since) says so against the clone's history, never "swap them" about an option not given."""
    repo, _ = shop
    first, last = history_span(repo.path)
    late = _run("--repo", str(repo.path), "--since", "2030-01-01")
    assert late.exit_code == 2, late.output
    line = late.output.strip()
    assert f"--since 2030-01-01 is after the clone's newest commit ({last})" in line
    assert "--until" not in line
    assert "swap" not in line
    early = _run("--repo", str(repo.path), "--until", "2000-01-01")
    assert early.exit_code == 2, early.output
    assert f"--until 2000-01-01 is before the clone's first commit ({first})" in early.output
    assert "swap" not in early.output
