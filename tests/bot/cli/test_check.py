"""`riskbrief check`: a branch of a real clone, a diff, with and without a store, and its exits."""

from __future__ import annotations

import hashlib
import json
import re
import shlex
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlmodel import Session

from bot.cli import main
from bot.cli.check import check
from bot.settings import load_settings
from data.coverage_report import CoverageFormat, CoverageReport, FileLines
from data.store.coverage import save_report
from data.store.engine import make_engine
from data.store.facts import load_changes
from data.store.scores import load_scores
from scoring.signals import SIGNAL_WORDS
from tests.bot.shop import cli_workspace, shop_toml
from tests.data.sources.gitrepo import GitRepo, shallow_clone
from tests.samples import SampleTemplate

T0 = datetime(2026, 10, 5, 10, 0, tzinfo=UTC)
# Names and messages a shell, a terminal or an HTML page would act on.
HOSTILE_BRANCH = "feature/$(id);`id`'\"<b>&amp;"
HOSTILE_TITLE = "Grow pay \x1b[31mRED\x1b[0m $(rm -rf ~) <script>alert(1)</script>"

pytestmark = pytest.mark.usefixtures("clean_git_env")


def _clone(path: Path) -> GitRepo:
    """main with history in pay/ and web/; a hostile branch with a large change checked out."""
    repo = GitRepo(path)
    repo.commit(
        {"CODEOWNERS": "pay/ @alice\n", "pay/a.py": "x = 1\n", "web/b.py": "y\n"}, "Start", T0
    )
    for i in range(4):
        repo.commit({"pay/a.py": f"x = {i}\n"}, f"Fix pay {i}", T0 + timedelta(days=i + 1))
    repo.git("checkout", "-q", "-b", HOSTILE_BRANCH)
    repo.commit(
        {
            "pay/a.py": "".join(f"v{n} = {n}\n" for n in range(400)),
            "web/b.py": "y\nz\n",
        },
        f"{HOSTILE_TITLE}\n\nCo-authored-by: Claude <noreply@anthropic.com>",
        T0 + timedelta(days=10),
        "Bob <bob@example.com>",
    )
    return repo


@pytest.fixture
def clone(workdir: Path) -> GitRepo:
    """The clone beside an empty working directory with no settings: no store, no riskbrief.toml."""
    return _clone(workdir.parent / "shop")


def _run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, ["check", *args], input=stdin)


def _one_line_error(result: Result) -> str:
    """The error a failed check printed: one line, no traceback, exit 2."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    return lines[0]


def test_a_branch_without_a_store_is_scored_from_the_clone_s_history(clone: GitRepo) -> None:
    """No store: the clone's commits are the history, unknown signals are named, exit 0 below."""
    result = _run(str(clone.path), "--threshold", "100")
    assert result.exit_code == 0, result.output
    out = result.output
    head = clone.git("rev-parse", "HEAD").strip()
    assert f"riskbrief check: shop@{head[:12]}" in out
    assert "History: the git history of" in out
    assert "(5 commits, no store)" in out
    assert "Unknown (their weight is spread over the known policy signals):" in out
    assert "review unknown" in out
    assert "split it into smaller changes" in out
    # The hostile title is shown without its escape sequences.
    assert "\x1b" not in out
    assert "?[31mRED?[0m" in out


def test_the_points_shown_add_up_to_the_score_in_json(clone: GitRepo) -> None:
    """--json: the documented shape, contributions adding up, advice in the signals' words."""
    result = _run(str(clone.path), "--json", "--threshold", "100")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["version"] == 1
    assert sum(c["points"] for c in data["contributions"]) == data["score"]
    assert data["threshold"] == 100
    assert data["at_or_above_threshold"] is False
    assert data["history"] == {"source": "git", "changes": 5}
    assert data["change"]["title"].startswith("Grow pay \x1b[31mRED")
    assert data["change"]["agent_involved"] is True
    assert {u["name"] for u in data["unknowns"]} >= {"review", "service_incidents"}
    advice = {a["concerns"]: a["advice"] for a in data["advice"]}
    assert advice["size"] == SIGNAL_WORDS["size"].advice
    assert {f["path"] for f in data["change"]["files"]} == {"pay/a.py", "web/b.py"}


def test_the_threshold_decides_exit_one_or_zero(clone: GitRepo) -> None:
    """At or above the threshold: exit 1; one point above the score: exit 0."""
    score = json.loads(_run(str(clone.path), "--json").output)["score"]
    assert score > 0
    assert _run(str(clone.path), "--threshold", str(score)).exit_code == 1
    assert _run(str(clone.path), "--threshold", str(score + 1)).exit_code == 0


def test_an_empty_database_url_is_no_store(clone: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    """RISKBRIEF_DATABASE_URL="" (Actions' missing secret) scores against the clone's history."""
    monkeypatch.setenv("RISKBRIEF_DATABASE_URL", "")
    assert load_settings().database_url == f"sqlite:///{Path.cwd() / 'riskbrief.db'}"
    result = _run(str(clone.path), "--json", "--threshold", "101")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["history"]["source"] == "git"
    monkeypatch.setenv("RISKBRIEF_DATABASE_URL", "  ")
    assert "History: the git history of" in _run(str(clone.path)).output


def test_an_empty_config_variable_is_no_file_named(
    clone: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """RISKBRIEF_CONFIG="" (a missing secret or variable in CI) names no organisation file:
    check runs without one instead of failing on the current folder."""
    monkeypatch.setenv("RISKBRIEF_CONFIG", "")
    monkeypatch.setenv("RISKBRIEF_DATABASE_URL", "")
    assert load_settings().config == Path("riskbrief.toml")
    result = _run(str(clone.path), "--json", "--threshold", "101")
    assert result.exit_code == 0, result.output


def test_threshold_101_reports_without_failing(clone: GitRepo) -> None:
    """--threshold 101, which docs/check.md gives to report without blocking, exits 0."""
    result = _run(str(clone.path), "--threshold", "101")
    assert result.exit_code == 0, result.output
    assert "below the threshold 101" in result.output
    assert "0..101" in _run("--help").output
    assert "102" in _one_line_error(_run(str(clone.path), "--threshold", "102"))


def test_the_actions_step_summary_keeps_the_text_in_a_code_fence() -> None:
    """The text output (titles, paths) goes into the step summary fenced, not as markdown."""
    doc = (Path(__file__).parents[3] / "docs" / "check.md").read_text(encoding="utf-8")
    (line,) = [x for x in doc.splitlines() if '>> "$GITHUB_STEP_SUMMARY"' in x]
    opens, runs, closes = (
        line.index("echo '```text'"),
        line.index("riskbrief check"),
        line.rindex("echo '```'"),
    )
    assert opens < runs < closes


def test_explicit_refs_with_a_hostile_branch_name(clone: GitRepo) -> None:
    """--base main --head <hostile branch> is the same change as the default refs."""
    default = json.loads(_run(str(clone.path), "--json").output)
    named = json.loads(
        _run(str(clone.path), "--json", "--base", "main", "--head", HOSTILE_BRANCH).output
    )
    assert named["score"] == default["score"]
    assert named["change"]["head"] == clone.git("rev-parse", "HEAD").strip()


def test_mistakes_are_one_sentence_and_exit_two(clone: GitRepo, tmp_path: Path) -> None:
    """An unknown ref, a folder that is no clone, a malformed diff, a missing diff file."""
    assert "is not a commit" in _one_line_error(_run(str(clone.path), "--base", "nope"))
    assert "is not a ref" in _one_line_error(_run(str(clone.path), "--head", "--exec=x"))
    plain = tmp_path / "plain"
    plain.mkdir()
    assert "not a git clone" in _one_line_error(_run(str(plain)))
    bad = _run(str(clone.path), "--diff", "-", "--author", "a@x", stdin="--- a/x\n@@ nonsense\n")
    assert "'+++ '" in _one_line_error(bad)
    missing = _run(str(clone.path), "--diff", str(tmp_path / "none.diff"))
    assert "none.diff" in _one_line_error(missing)
    config = _run(str(clone.path), "--config", str(tmp_path / "missing.toml"))
    assert "missing.toml does not exist" in _one_line_error(config)
    both = _run(str(clone.path), "--diff", "-", "--base", "main", stdin="")
    assert "--diff" in _one_line_error(both)


def test_an_unreachable_store_is_one_sentence_and_exit_two(clone: GitRepo) -> None:
    """A store URL nothing answers at: exit 2, not a traceback."""
    url = "postgresql://riskbrief@127.0.0.1:9/nothing"
    line = _one_line_error(_run(str(clone.path), "--database-url", url))
    assert "127.0.0.1" in line


def test_a_diff_on_stdin_is_scored_with_the_clone_s_owners(clone: GitRepo) -> None:
    """--diff - reads a unified diff; CODEOWNERS of the clone's HEAD give the owner."""
    diff = clone.git("diff", "main", "HEAD")
    result = _run(
        str(clone.path), "--diff", "-", "--author", "bob@example.com", "--json", stdin=diff
    )
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.output)
    files = {f["path"]: f for f in data["change"]["files"]}
    assert files["pay/a.py"]["owners"] == ["@alice"]
    assert files["pay/a.py"]["added"] == 400
    assert data["history"]["source"] == "git"
    # Keyed by the diff's digest, said to be one: no commit has that sha.
    assert data["keyed_by"] == "diff"
    assert (
        data["key"]
        == data["change"]["key"]
        == "sha256:" + hashlib.sha256(diff.encode()).hexdigest()[:16]
    )


def test_with_the_synced_store_the_history_is_the_store_s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A clone synced into a store: check reads the store's merged changes, not git."""
    repo = _clone(tmp_path / "shop")
    repo.git("checkout", "-q", "main")
    cli_workspace(tmp_path, shop_toml(repo.path, "pay", "web"), monkeypatch)
    synced = CliRunner().invoke(main, ["sync"])
    assert synced.exit_code == 0, synced.output
    repo.git("checkout", "-q", HOSTILE_BRANCH)
    result = _run(str(repo.path), "--json")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.output)
    assert data["history"] == {"source": "store", "changes": 5}
    assert data["change"]["repository"] == "acme/shop"
    files = {f["path"]: f for f in data["change"]["files"]}
    assert files["pay/a.py"]["service"] == "pay"
    # Bob has no merged change yet: the output says he counts as new.
    assert any("no earlier change by bob@example.com" in n for n in data["notes"])
    text = _run(str(repo.path)).output
    assert "History: the store at sqlite:///" in text
    assert "5 merged changes" in text


@pytest.mark.usefixtures("workdir")
def _lines(count: int) -> frozenset[int]:
    return frozenset(range(1, count + 1))


def test_a_report_at_the_head_is_the_coverage_signal_as_after_merge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reports at the merge base and the head: check counts the untested added lines, and
    `riskbrief score` gives the branch, once merged, the same coverage signal."""
    repo = _clone(tmp_path / "shop")
    repo.git("checkout", "-q", "main")
    base = repo.git("rev-parse", "HEAD").strip()
    cli_workspace(tmp_path, shop_toml(repo.path, "pay", "web"), monkeypatch)
    assert CliRunner().invoke(main, ["sync"]).exit_code == 0
    repo.git("checkout", "-q", HOSTILE_BRANCH)
    head = repo.git("rev-parse", "HEAD").strip()
    engine = make_engine(f"sqlite:///{tmp_path / 'rb.db'}")
    with Session(engine) as session:
        for sha, report in (
            (
                base,
                [
                    FileLines("pay/a.py", _lines(1), _lines(1)),
                    FileLines("web/b.py", _lines(1), _lines(1)),
                ],
            ),
            (
                head,
                [
                    FileLines("pay/a.py", _lines(400), _lines(40)),
                    FileLines("web/b.py", _lines(2), _lines(1)),
                ],
            ),
        ):
            save_report(
                session, "acme/shop", sha, CoverageReport(CoverageFormat.LCOV, tuple(report)), T0
            )
        session.commit()
    result = _run(str(repo.path), "--json")
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.output)
    checked = next(s for s in data["signals"] if s["name"] == "coverage")
    assert checked["known"] is True
    # 40 of the 400 + 1 added lines covered; the touched files' coverage fell from 100%.
    assert "10% of 401 added lines covered" in checked["explanation"]
    # Merged as it is (fast-forward), synced and scored: the same facts, the same signal.
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", HOSTILE_BRANCH)
    assert CliRunner().invoke(main, ["sync"]).exit_code == 0
    scored = CliRunner().invoke(main, ["score"])
    assert scored.exit_code == 0, scored.output
    with Session(engine) as session:
        stored = load_scores(session, "change", data["scorer"])
    engine.dispose()
    merged = next(s for s in stored[f"acme/shop@{head[:12]}"].signals if s.name == "coverage")
    assert (merged.value, merged.explanation) == (checked["value"], checked["explanation"])


# No PATH means the current folder, which must not be riskbrief's own clone (its files
# would belong to a repository the sample does not know).
@pytest.mark.usefixtures("workdir")
def test_the_demo_store_scores_a_diff_of_its_own_files(
    tmp_path: Path, scored_sample: SampleTemplate
) -> None:
    """The sample organisation's store and riskbrief.toml: a diff of a busy file it knows."""
    loaded = scored_sample.copy(tmp_path / "demo.db")
    with Session(loaded.engine) as session:
        changes = load_changes(session)
    loaded.engine.dispose()
    busy = max(
        (f for c in changes for f in c.files if f.service is not None),
        key=lambda f: sum(1 for c in changes for g in c.files if g.path == f.path),
    )
    # The demo's own riskbrief.toml, as `riskbrief demo` writes it beside its store.
    config = tmp_path / "sample.toml"
    config.write_text(
        (files("data.sources.sample") / "sample.toml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    diff = f"--- a/{busy.path}\n+++ b/{busy.path}\n@@ -1,2 +1,3 @@\n x\n-y\n+z\n+w\n"
    result = _run(
        "--diff",
        "-",
        "--author",
        "newcomer@example.com",
        "--config",
        str(config),
        "--database-url",
        f"sqlite:///{tmp_path / 'demo.db'}",
        "--json",
        stdin=diff,
    )
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.output)
    assert data["history"]["source"] == "store"
    assert data["history"]["changes"] == len(changes)
    (f,) = data["change"]["files"]
    assert f["service"] == busy.service
    assert any("no earlier change by newcomer@example.com" in n for n in data["notes"])
    history = next(s for s in data["signals"] if s["name"] == "file_history")
    assert history["known"] is True


def test_every_command_line_in_docs_check_md_parses() -> None:
    """The documented invocations (shell, CI jobs, hook) use only options the command has."""
    doc = Path(__file__).parents[3] / "docs" / "check.md"
    text = doc.read_text(encoding="utf-8")
    # A command, not prose: `riskbrief check` followed by its arguments up to a pipe,
    # a redirection, a comment or the end of the line.
    found = re.findall(
        r"(?m)(?:^\s*(?:- )?|\| |; )riskbrief check(?=[ \n;]|$)((?: [^|>#;\n]*)?)", text
    )
    # Options the prose recommends, such as `--threshold 101` to report without blocking.
    found += re.findall(r"`(--threshold \d+)`", text)
    assert len(found) >= 10
    for rest in found:
        args = shlex.split(rest)
        with check.make_context("check", args) as ctx:
            assert ctx.params["path"] is not None, rest


def test_a_diff_outside_any_clone_and_store_is_scored_against_nothing(workdir: Path) -> None:
    """No clone, no store, no riskbrief.toml: every file is new, and the output says why."""
    diff = "--- a/pay/a.py\n+++ b/pay/a.py\n@@ -1 +1,2 @@\n-x\n+y\n+z\n"
    result = _run("--diff", "-", "--author", "ada@example.com", stdin=diff)
    assert result.exit_code == 0, result.output
    assert "History: none (no store and no clone); every file counts as new." in result.output
    digest = hashlib.sha256(diff.encode()).hexdigest()[:16]
    assert f"riskbrief check: sha256:{digest} (a diff's digest: no commit)" in result.output
    assert not any(workdir.iterdir())


def test_a_shallow_clone_s_history_is_unknown_not_one_change_by_one_developer(
    clone: GitRepo, workdir: Path
) -> None:
    """`check --head WORKTREE` in a --depth 1 clone without a store exits 2 naming the fix,
    rather than scoring every touched file as "changed 1 time before by 1 developer"."""
    clone.git("checkout", "-q", "main")
    shallow = shallow_clone(clone.path, workdir.parent / "ci", 1)
    (shallow / "pay" / "a.py").write_text("x = 5\n", encoding="utf-8")
    line = _one_line_error(_run(str(shallow), "--head", "WORKTREE"))
    assert line == (
        f"Error: {shallow} is a shallow clone, so how often its files changed before, and by "
        "whom, is unknown; fetch the whole history (`git fetch --unshallow`, or fetch-depth: 0 "
        "in CI) and check again, or check against a synced store (--database-url)."
    )


def test_only_uncommitted_changes_are_checked_as_the_working_tree(clone: GitRepo) -> None:
    """On the default branch with nothing committed since, `check` scores the uncommitted
    changes, saying so, instead of failing with "no change between the default branch and
    HEAD"; with nothing uncommitted either, it still exits 2 in one sentence."""
    clone.git("checkout", "-q", "main")
    clean = _one_line_error(_run(str(clone.path)))
    assert "there is no change between the default branch and HEAD" in clean
    (clone.path / "pay" / "a.py").write_text("x = 3\ny = 4\n", encoding="utf-8")
    result = _run(str(clone.path), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["change"]["head"] is None
    assert {f["path"] for f in data["change"]["files"]} == {"pay/a.py"}
    text = _run(str(clone.path)).output
    assert "head the working tree" in text
    assert (
        "Note: nothing is committed between the default branch and HEAD, so this checks the "
        "uncommitted changes (as --head WORKTREE does)."
    ) in text


def test_nothing_committed_names_head_worktree_in_its_one_sentence(clone: GitRepo) -> None:
    """With nothing committed since the default branch, the refusal names `--head WORKTREE`:
    for a clean clone, and for `--head HEAD` asked for while changes are uncommitted."""
    clone.git("checkout", "-q", "main")
    clean = _one_line_error(_run(str(clone.path)))
    assert clean == (
        "Error: there is no change between the default branch and HEAD; commit the change, "
        "check what is not committed yet with --head WORKTREE, or pass --base or --head."
    )
    (clone.path / "pay" / "a.py").write_text("x = 3\ny = 4\n", encoding="utf-8")
    asked = _one_line_error(_run(str(clone.path), "--head", "HEAD"))
    assert "check what is not committed yet with --head WORKTREE" in asked
    clone.git("checkout", "-q", "--", "pay/a.py")
    nothing = _one_line_error(_run(str(clone.path), "--head", "WORKTREE"))
    assert nothing == (
        "Error: there is no change between the default branch and the working tree, committed "
        "or not; make the change, or pass --base or another --head."
    )


def test_a_ten_line_change_is_not_told_to_split_itself(clone: GitRepo) -> None:
    """`check` of a 10-line branch advises no split (the 400-line branch above does)."""
    clone.git("checkout", "-q", "-b", "small", "main")
    clone.commit({"web/b.py": "".join(f"w{n} = {n}\n" for n in range(10))}, "Grow web", T0)
    result = _run(str(clone.path), "--threshold", "101")
    assert result.exit_code == 0, result.output
    assert "10 lines of code added" in result.output
    assert "split it" not in result.output
