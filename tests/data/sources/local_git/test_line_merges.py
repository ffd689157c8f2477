"""A pull request that merged a whole line brings that line's pull requests, each its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from data.config import parse_org_config
from data.sources.local_git.line_merges import line_merges
from data.store.tables import Change
from tests.data.sources.gitrepo import GitRepo, sync_clone

T0 = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)

pytestmark = pytest.mark.usefixtures("clean_git_env")


def _next_line(repo: GitRepo) -> dict[str, str]:
    """``stable`` takes squash-merged pull requests #40–#42 while ``main`` takes #43; then
    pull request #44 merges stable into main."""
    shas = {"init": repo.commit({"src/a.py": "a\n"}, "Initial (#39)", T0)}
    repo.git("checkout", "-q", "-b", "stable")
    for n, name in enumerate(("b", "c", "d")):
        shas[f"#{40 + n}"] = repo.commit(
            {f"src/{name}.py": f"{name}\n"}, f"Add {name} (#{40 + n})", T0 + timedelta(days=n + 1)
        )
    repo.git("checkout", "-q", "main")
    shas["#43"] = repo.commit({"src/e.py": "e\n"}, "Add e (#43)", T0 + timedelta(days=4))
    shas["#44"] = repo.merge("stable", "Merge stable into main (#44)", T0 + timedelta(days=5))
    return shas


def _keys(engine: Engine) -> set[str]:
    with Session(engine) as session:
        return set(session.exec(select(Change.key)).all())


def test_a_pull_request_merging_a_line_is_opened_into_its_requests(
    engine: Engine, tmp_path: Path
) -> None:
    """Pull request #44 (stable merged into main) is no change of its own: the pull requests it
    brought, #40–#42, are stored one by one beside main's own #43 (OpenZeppelin's "Merge
    master in next-v5.0 (#4280)")."""
    repo = GitRepo(tmp_path / "lib")
    shas = _next_line(repo)
    assert line_merges(repo.path, "main") == {shas["#44"]}
    sync_clone(
        engine, parse_org_config(f'[[repositories]]\nname = "acme/lib"\npath = "{repo.path}"\n')
    )
    keys = _keys(engine)
    assert {"acme/lib#40", "acme/lib#41", "acme/lib#42", "acme/lib#43"} <= keys
    assert "acme/lib#44" not in keys


def test_a_fork_s_own_pull_requests_inside_one_leave_it_one_change(
    engine: Engine, tmp_path: Path
) -> None:
    """A contributor's branch holding two pull requests of their fork (numbered from 1, as
    Pillow's #4746 held its author's #53 and #55) is still one change: the fork's numbers are
    not this repository's."""
    repo = GitRepo(tmp_path / "lib")
    for n in range(5):
        repo.commit({"src/a.py": f"a{n}\n"}, f"Change {n} (#{30 + n})", T0 + timedelta(hours=n))
    repo.git("checkout", "-q", "-b", "feature")
    for n, name in enumerate(("x", "y")):
        repo.git("checkout", "-q", "-b", f"suggestion-{n}")
        repo.commit({f"src/{name}.py": f"{name}\n"}, f"Suggest {name}", T0 + timedelta(days=n + 1))
        repo.git("checkout", "-q", "feature")
        repo.merge(
            f"suggestion-{n}",
            f"Merge pull request #{n + 1} from reviewer/suggestion-{n}",
            T0 + timedelta(days=n + 1, hours=1),
        )
    repo.git("checkout", "-q", "main")
    repo.merge("feature", "Merge pull request #40 from someone/feature", T0 + timedelta(days=4))
    assert line_merges(repo.path, "main") == frozenset()
    sync_clone(
        engine, parse_org_config(f'[[repositories]]\nname = "acme/lib"\npath = "{repo.path}"\n')
    )
    keys = _keys(engine)
    assert "acme/lib#40" in keys
    assert not {"acme/lib#1", "acme/lib#2"} & keys


def test_a_sync_after_the_line_merge_finds_none_again(tmp_path: Path) -> None:
    """Only merges made since the last sync's commit are looked at."""
    repo = GitRepo(tmp_path / "lib")
    shas = _next_line(repo)
    assert line_merges(repo.path, "main", after=shas["#44"]) == frozenset()
    assert line_merges(repo.path, "main", after=shas["#43"]) == {shas["#44"]}


def test_a_gitlab_merge_request_merging_a_line_is_found_by_its_bodies(tmp_path: Path) -> None:
    """GitLab names a merge request in the merge commit's body ("See merge request g/p!N"), for
    the line's merge and the requests it brought alike."""
    repo = GitRepo(tmp_path / "lib")
    repo.commit({"src/a.py": "a\n"}, "Initial", T0)
    repo.git("checkout", "-q", "-b", "stable")
    for n, name in enumerate(("b", "c")):
        repo.git("checkout", "-q", "-b", f"fix-{name}")
        repo.commit({f"src/{name}.py": f"{name}\n"}, f"Fix {name}", T0 + timedelta(days=n + 1))
        repo.git("checkout", "-q", "stable")
        repo.merge(
            f"fix-{name}",
            f"Merge branch 'fix-{name}' into 'stable'\n\nFix {name}\n\n"
            f"See merge request acme/lib!{40 + n}",
            T0 + timedelta(days=n + 1, hours=1),
        )
    repo.git("checkout", "-q", "main")
    repo.commit({"src/e.py": "e\n"}, "Add e", T0 + timedelta(days=4))
    merge = repo.merge(
        "stable",
        "Merge branch 'stable' into 'main'\n\nBring stable in\n\nSee merge request acme/lib!44",
        T0 + timedelta(days=5),
    )
    assert line_merges(repo.path, "main") == {merge}
