"""The incident-culprit bench on tiny clones: reverts become incidents, the revert link is
withheld from the ranking it grades, and a reverted commit older than the window is counted
as missed; and the product's own path, graded by the reverts the bench reads from git."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bench.culprits import MODES, main, measure_product, measure_repo
from bench.culprits_truth import read_reverts
from data.source_values import SourceChange
from data.sources.local_git.reverts import RevertTargets
from tests.data.sources.gitrepo import GitRepo

pytestmark = pytest.mark.usefixtures("clean_git_env")

T0 = datetime(2024, 5, 6, 9, 0, tzinfo=UTC)


def _lines(n: int, tag: str) -> str:
    return "".join(f"{tag}_{i} = {i}\n" for i in range(n))


def _history(path: Path) -> GitRepo:
    """A quiet history, then a small commit, a big one on other files and a revert of the small
    one; and a commit reverted ten days after it landed."""
    repo = GitRepo(path)
    for day in range(6):
        repo.commit(
            {f"pkg/m{day}.py": _lines(5, f"m{day}")}, f"Add m{day}", T0 + timedelta(days=day)
        )
    old = repo.commit({"pkg/old.py": _lines(4, "old")}, "Add old", T0 + timedelta(days=7))
    small = repo.commit({"pkg/tiny.py": "x = 1\n"}, "Tweak tiny", T0 + timedelta(days=16))
    repo.commit(
        {f"pkg/big{i}.py": _lines(400, f"big{i}") for i in range(6)},
        "Rewrite everything at once",
        T0 + timedelta(days=16, hours=20),
    )
    repo.revert(small, T0 + timedelta(days=16, hours=21))
    repo.revert(old, T0 + timedelta(days=17))
    return repo


def test_a_revert_is_an_incident_graded_without_its_link(tmp_path: Path) -> None:
    """Two reverts make two incidents; only the recent one's commit is in the window, and the
    small old commit it reverted is not ranked first, as it would be if the link counted."""
    _history(tmp_path / "clone")
    result = measure_repo(tmp_path / "clone")
    assert (result.reverts, result.incidents, result.in_window) == (2, 2, 1)
    # The candidates are the small commit and the big rewrite: never the revert itself.
    assert result.mean_candidates == 2
    assert result.first["ranking"] == 0
    assert result.top3["ranking"] == 1
    assert set(result.first) == {mode for mode, _ in MODES}


def test_the_command_prints_a_table_or_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`python -m bench.culprits --git PATH` prints the figures; --json the same as data."""
    _history(tmp_path / "clone")
    assert main(["--git", str(tmp_path / "clone")]) == 0
    table = capsys.readouterr().out
    assert "Revert-incidents" in table
    assert "clone" in table
    assert "ranking" in table
    assert "The product's own path" in table
    assert main(["--git", str(tmp_path / "clone"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    (row,) = out["withheld"]
    assert (row["repository"], row["incidents"], row["in_window"]) == ("clone", 2, 1)
    (row,) = out["product"]
    assert (row["repository"], row["reverts"], row["recognised"]) == ("clone", 2, 2)


def test_a_path_that_is_no_clone_is_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder that is not a git repository ends in one line on stderr, exit 1."""
    assert main(["--git", str(tmp_path)]) == 1
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def _forms(path: Path) -> tuple[GitRepo, dict[str, str]]:
    """One revert in each form git names a target in, a branch that undid its own commit, and
    a revert of a commit not in the history; by name, the reverts' and targets' shas."""
    repo = GitRepo(path)
    shas = {"start": repo.commit({"pkg/a.py": _lines(5, "a")}, "Start", T0)}
    shas["a"] = repo.commit({"pkg/a.py": _lines(9, "a")}, "Add a (#1)", T0 + timedelta(hours=1))
    repo.commit({"pkg/b.py": _lines(5, "b")}, "Add b (#2)", T0 + timedelta(hours=2))
    shas["title"] = repo.commit(
        {"pkg/a.py": _lines(5, "a")}, 'Revert "Add a" (#3)', T0 + timedelta(hours=3)
    )
    shas["c"] = repo.commit({"pkg/c.py": _lines(5, "c")}, "Add c", T0 + timedelta(days=1))
    shas["sha"] = repo.revert(shas["c"], T0 + timedelta(days=1, hours=2))
    repo.git("checkout", "-q", "-b", "feature")
    tried = repo.commit({"pkg/d.py": "d = 1\n"}, "Try d", T0 + timedelta(days=2))
    repo.revert(tried, T0 + timedelta(days=2, hours=1))
    repo.commit({"pkg/e.py": "e = 1\n"}, "Add e", T0 + timedelta(days=2, hours=2))
    repo.git("checkout", "-q", "main")
    repo.merge(
        "feature", "Merge pull request #5 from acme/feature\n\nAdd e", T0 + timedelta(days=3)
    )
    shas["f"] = repo.commit({"pkg/f.py": _lines(5, "f")}, "Add f (#6)", T0 + timedelta(days=4))
    shas["request"] = repo.commit(
        {"pkg/f.py": None}, "Undo f (#7)\n\nReverts acme/shop#6", T0 + timedelta(days=4, hours=5)
    )
    repo.commit(
        {"pkg/g.py": "g = 1\n"},
        'Revert "Elsewhere"\n\nThis reverts commit 0123456789abcdef0123456789abcdef01234567.',
        T0 + timedelta(days=5),
    )
    return repo, shas


def test_the_bench_reads_each_form_of_revert_from_git(tmp_path: Path) -> None:
    """A sha, a request number and a title each name their target; a branch that undid its own
    commit before it landed and a sha not in the history are no revert of anything landed."""
    _, shas = _forms(tmp_path / "shop")
    truth = read_reverts(tmp_path / "shop")
    found = {r.form: (r.landed, r.targets) for r in truth.reverts}
    assert found == {
        "title": (shas["title"], frozenset({shas["a"]})),
        "sha": (shas["sha"], frozenset({shas["c"]})),
        "request": (shas["request"], frozenset({shas["f"]})),
    }
    assert (truth.same_landing, truth.target_missing) == (1, 1)


def test_the_product_path_is_graded_by_the_reverts_git_shows(tmp_path: Path) -> None:
    """Through the product's own sync, each revert is recognised, made an incident and its
    reverted change ranked first."""
    _forms(tmp_path / "shop")
    result = measure_product(tmp_path / "shop")
    assert (result.reverts, result.recognised, result.wrong, result.false) == (3, 3, 0, 0)
    assert result.by_form == result.recognised_by_form == {"title": 1, "sha": 1, "request": 1}
    assert (result.incidents, result.first, result.top3) == (3, 3, 3)
    assert result.misses == ()


def test_a_revert_the_product_does_not_see_is_a_miss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The grade comes from git, not from the product's links: with the product's revert
    detection switched off, every revert git shows is counted and missed."""

    def unlinked(_self: RevertTargets, record: SourceChange, *_: object) -> SourceChange:
        return record

    monkeypatch.setattr(RevertTargets, "link", unlinked)
    _forms(tmp_path / "shop")
    result = measure_product(tmp_path / "shop")
    assert (result.reverts, result.recognised, result.incidents, result.first) == (3, 0, 0, 0)
    assert len(result.misses) == 3
    assert all("not recognised" in m for m in result.misses)
