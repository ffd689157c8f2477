"""The real-history bench on a tiny ApacheJIT-shaped data set and a tiny project clone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bench import real_history
from bench.real_history import load_projects, measure_project
from scoring.config import ScoringConfig
from tests.data.sources.gitrepo import GitRepo

pytestmark = pytest.mark.usefixtures("clean_git_env")

T0 = datetime(2015, 3, 2, 10, 0, tzinfo=UTC)


def _project(path: Path) -> dict[str, str]:
    """Eight commits in 2015: two planted bugs, fixes naming tracker issues, and chores."""
    repo = GitRepo(path)
    shas: dict[str, str] = {}
    for i in range(8):
        body = "".join(f"v{i}_{j} = {j}\n" for j in range(5 + 40 * (i in (2, 5))))
        shas[f"c{i}"] = repo.commit(
            {f"m{i}.py": body}, f"GROOVY-{i}: change {i}", T0 + timedelta(days=i)
        )
    return shas


def _apachejit(path: Path, shas: dict[str, str]) -> None:
    """ApacheJIT's files for GROOVY, plus a ZooKeeper file that must never be read."""
    data = path / "data"
    data.mkdir(parents=True)
    (data / "commit_links_GROOVY.csv").write_text(
        "fix_hash,fix_date,bug_hash,bug_date,project\n"
        f"{shas['c3']},0,{shas['c2']},0,GROOVY\n{shas['c6']},0,{shas['c5']},0,GROOVY\n",
        encoding="utf-8",
    )
    (data / "GROOVY.csv").write_text(
        f"issue_key,commit_id\nGROOVY-3,{shas['c3']}\nGROOVY-6,{shas['c6']}\n", encoding="utf-8"
    )
    (data / "2015.csv").write_text(
        "Issue Type,Custom field (Patch Info),Issue key\nBug,,GROOVY-3\nBug,,GROOVY-6\n"
        "Bug,,ZOOKEEPER-1\n",
        encoding="utf-8",
    )
    (data / "commit_links_ZOOKEEPER.csv").write_text("poison", encoding="utf-8")


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path]:
    """A folder of clones holding ``groovy`` and an ApacheJIT work tree."""
    shas = _project(tmp_path / "repos" / "groovy")
    _apachejit(tmp_path / "apachejit", shas)
    return tmp_path / "repos", tmp_path / "apachejit"


def test_labels_fixes_and_bands_of_a_project(setup: tuple[Path, Path]) -> None:
    """The window's commits are labelled by the links, fixes by the tracker's bug list."""
    repos, jit = setup
    (project,) = load_projects(repos, jit, ["GROOVY", "ZOOKEEPER", "KAFKA"])
    report = measure_project(project, ScoringConfig(), szz=False, signals=False)
    assert (report.key, report.result.n, report.result.positives) == ("GROOVY", 8, 2)
    assert (report.fix_precision, report.fix_recall) == (1.0, 1.0)
    assert sum(b.n for b in report.result.bands) == 8
    assert report.result.auc_lines_added is not None
    assert report.szz_precision is None


def test_zookeeper_is_never_read(setup: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Asking for ZooKeeper reads none of its files: it is held out of every measurement."""
    repos, jit = setup
    read: list[str] = []
    original = real_history._ApacheJit.text

    def spy(self: real_history._ApacheJit, name: str) -> str:
        read.append(name)
        return original(self, name)

    monkeypatch.setattr(real_history._ApacheJit, "text", spy)
    assert load_projects(repos, jit, ["ZOOKEEPER"]) == []
    assert not any("ZOOKEEPER" in name.upper() for name in read)
    with pytest.raises(ValueError, match="held out"):
        original(real_history._ApacheJit(jit), "data/commit_links_ZOOKEEPER.csv")


def test_a_cached_history_is_reused(setup: tuple[Path, Path], tmp_path: Path) -> None:
    """With --cache the second load reads the mined history instead of mining again."""
    repos, jit = setup
    cache = tmp_path / "cache"
    first = load_projects(repos, jit, ["GROOVY"], cache)
    assert len(list(cache.glob("GROOVY-*.pickle"))) == 1
    second = load_projects(repos, jit, ["GROOVY"], cache)
    assert second[0].mined == first[0].mined


def test_per_signal_figures_name_dropped_and_zero_weights(setup: tuple[Path, Path]) -> None:
    """Each weighted signal gets a dropped-AUC change; a zero-weight one is not re-scored."""
    repos, jit = setup
    (project,) = load_projects(repos, jit, ["GROOVY"])
    config = ScoringConfig().with_overrides({"weights": {"author_expertise": 0.0}})
    report = measure_project(project, config, szz=False)
    assert "size" in report.signal_dropped
    assert "author_expertise" not in report.signal_dropped
