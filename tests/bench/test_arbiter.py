"""The arbiter on two tiny ApacheJIT-shaped projects: leave-one-project-out, through the product."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bench import arbiter
from scoring.model import load_model
from tests.data.sources.gitrepo import GitRepo

pytestmark = pytest.mark.usefixtures("clean_git_env")

T0 = datetime(2015, 3, 2, 10, 0, tzinfo=UTC)
BIG = (3, 7, 11, 13, 16, 18)


def _project(path: Path, key: str) -> list[str]:
    """Twenty commits in 2015; the big ones (``BIG``) are the ones the tracker will blame."""
    repo = GitRepo(path)
    shas = []
    for i in range(20):
        body = "".join(f"v{i}_{j} = {j}\n" for j in range(3 + 120 * (i in BIG)))
        shas.append(
            repo.commit({f"m{i}.py": body}, f"{key}-{i}: change {i}", T0 + timedelta(days=i))
        )
    return shas


def _apachejit(path: Path, projects: dict[str, list[str]]) -> None:
    """ApacheJIT's link files naming the big commits and a one-bug tracker export."""
    data = path / "data"
    data.mkdir(parents=True)
    for key, shas in projects.items():
        rows = "".join(f"{shas[i + 1]},0,{shas[i]},0,{key}\n" for i in BIG)
        (data / f"commit_links_{key}.csv").write_text(
            "fix_hash,fix_date,bug_hash,bug_date,project\n" + rows, encoding="utf-8"
        )
    (data / "2015.csv").write_text(
        "Issue Type,Issue key,Summary,Created,Updated\n"
        "Bug,GROOVY-4,a bug,03/Mar/15 10:00,05/Mar/15 10:00\n",
        encoding="utf-8",
    )


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path]:
    """Clones of ``groovy`` and ``kafka`` and an ApacheJIT work tree."""
    made = {
        "GROOVY": _project(tmp_path / "repos" / "groovy", "GROOVY"),
        "KAFKA": _project(tmp_path / "repos" / "kafka", "KAFKA"),
    }
    _apachejit(tmp_path / "apachejit", made)
    return tmp_path / "repos", tmp_path / "apachejit"


def test_each_project_is_measured_by_a_model_fitted_on_the_other(
    setup: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Both projects get a row on their latest 30%, and the model written names both."""
    repos, jit = setup
    out = tmp_path / "model.json"
    arbiter.main(
        [
            "--repos",
            str(repos),
            "--apachejit",
            str(jit),
            "--projects",
            "GROOVY,KAFKA",
            "--cache",
            str(tmp_path / "cache"),
            "--no-git-only",
            "--write-model",
            str(out),
        ]
    )
    printed = capsys.readouterr().out
    lines = [line for line in printed.splitlines() if line.startswith(("| GROOVY", "| KAFKA"))]
    # A row in the latest-30% table and one in the whole-window table each.
    rows, whole = lines[:2], lines[2:]
    assert len(rows) == 2
    assert len(whole) == 2
    assert all(row.count("|") == 7 for row in whole)
    assert all("| 6 |" in row for row in rows)  # 30% of 20 changes
    model = load_model(json.loads(out.read_text(encoding="utf-8")))
    assert model.trained_on == ("GROOVY", "KAFKA")
    assert model.measured[2:4] == tuple(rows)
    assert model.most("size") > 0


def test_zookeeper_cannot_be_asked_for(setup: tuple[Path, Path]) -> None:
    """Naming ZooKeeper is refused before anything is read: it is held out of every fit."""
    repos, jit = setup
    with pytest.raises(SystemExit):
        arbiter.main(["--repos", str(repos), "--apachejit", str(jit), "--projects", "ZOOKEEPER"])


def test_the_mean_over_years_skips_a_year_too_small_to_rank() -> None:
    """Each year with five changes of each label counts once; a thinner year counts not at all."""
    years = [2011] * 10 + [2012] * 10 + [2013] * 3
    labels = [i % 2 == 0 for i in range(20)] + [True, False, True]
    # 2011 ranks perfectly, 2012 backwards: a mean of 0.5; 2013 would pull it anywhere.
    scores = [1.0 if b else 0.0 for b in labels[:10]] + [0.0 if b else 1.0 for b in labels[10:20]]
    scores += [1.0, 0.0, 1.0]
    assert arbiter.by_year(years, scores, labels) == pytest.approx(0.5)
    assert arbiter.by_year([2011] * 4, [1.0, 0.0, 1.0, 0.0], [True, False, True, False]) is None
