"""A clone synced into the store keeps where each renamed file came from and what each file
held before a change, as git has them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete, select

from bot.cli import main
from data.store.tables import Change, ChangeFile, RiskScoreRow, SyncState
from scoring.change_key import ChangeKey
from tests.data.sources.gitrepo import GitRepo

pytestmark = pytest.mark.usefixtures("clean_git_env")

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
_CART = "".join(f"def step_{i}(cart):\n    return cart + {i}\n\n" for i in range(20))


def _toml(clone: Path) -> str:
    return (
        f'[organisation]\nname = "Acme"\n\n[[repositories]]\nname = "acme/shop"\npath = "{clone}"\n'
        '\n[[services]]\nkey = "shop"\nrepository = "acme/shop"\npaths = ["src/**"]\n'
    )


def _sync_and_score(
    repo: GitRepo, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Configure the clone as acme/shop, then `riskbrief sync` and `score` it into ``engine``."""
    config = tmp_path / "riskbrief.toml"
    config.write_text(_toml(repo.path), encoding="utf-8")
    monkeypatch.setenv("RISKBRIEF_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("RISKBRIEF_CONFIG", str(config))
    for command in (["sync"], ["score"]):
        done = CliRunner().invoke(main, command)
        assert done.exit_code == 0, done.output


def test_a_moved_file_keeps_its_lines_in_the_explanation(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file moved and edited is stored with its old path, and the move's size line counts the
    lines the file held under that path, as git shows them."""
    repo = GitRepo(tmp_path / "shop")
    repo.commit({"src/shop/cart.py": _CART}, "Start", T0)
    repo.commit({"src/shop/cart.py": _CART + "x = 1\n"}, "Grow", T0 + timedelta(days=1))
    (repo.path / "src" / "shop" / "basket").mkdir()
    repo.git("mv", "src/shop/cart.py", "src/shop/basket/cart.py")
    moved = repo.commit(
        {"src/shop/basket/cart.py": _CART + "x = 1\ny = 2\n"}, "Move", T0 + timedelta(days=2)
    )
    held = len(repo.git("show", f"{moved}^:src/shop/cart.py").splitlines())
    _sync_and_score(repo, engine, tmp_path, monkeypatch)
    key = str(ChangeKey.commit("acme/shop", moved))
    with Session(engine) as session:
        stored = [
            (f.path, f.previous_path)
            for f in session.exec(select(ChangeFile).order_by(col(ChangeFile.id)))
        ]
        (row,) = [r for r in session.exec(select(RiskScoreRow)) if r.subject_key == key]
    assert stored[-1] == ("src/shop/basket/cart.py", "src/shop/cart.py")
    assert [p for _, p in stored[:-1]] == [None, None]
    (size,) = [s for s in row.signals if s["name"] == "size"]
    assert f"in files that held {held} lines" in size["explanation"], size


def test_a_clone_read_again_from_the_start_stores_no_change_twice(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With its commit cursor gone (migration 0023), a clone's sync reads every commit again:
    the same changes, none twice, each moved file now with its old path."""
    repo = GitRepo(tmp_path / "shop")
    repo.commit({"src/shop/cart.py": _CART}, "Start", T0)
    (repo.path / "src" / "shop" / "basket").mkdir()
    repo.git("mv", "src/shop/cart.py", "src/shop/basket/cart.py")
    repo.commit({"src/shop/basket/cart.py": _CART + "y = 2\n"}, "Move", T0 + timedelta(days=1))
    config = tmp_path / "riskbrief.toml"
    config.write_text(_toml(repo.path), encoding="utf-8")
    monkeypatch.setenv("RISKBRIEF_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("RISKBRIEF_CONFIG", str(config))

    def sync() -> list[tuple[str, str, str | None]]:
        done = CliRunner().invoke(main, ["sync"])
        assert done.exit_code == 0, done.output
        with Session(engine) as session:
            found = session.exec(
                select(Change.key, ChangeFile.path, ChangeFile.previous_path)
                .join(ChangeFile, col(ChangeFile.change_id) == col(Change.id))
                .order_by(col(Change.key), col(ChangeFile.path))
            )
            return [(key, path, old) for key, path, old in found]

    first = sync()
    with Session(engine) as session:
        for f in session.exec(select(ChangeFile)):
            f.previous_path = None
            session.add(f)
        session.exec(delete(SyncState).where(col(SyncState.source) == "git"))
        session.commit()
    assert sync() == first
    assert len(first) == 2
    assert ("src/shop/basket/cart.py", "src/shop/cart.py") in [(p, o) for _, p, o in first]


def test_work_landed_twice_leaves_the_lines_git_counts(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fix made on a maintenance branch, cherry-picked to main, and the branch then merged
    forward lands twice in the history; the next change's size line still counts the lines
    git shows its file held, and they are stored with each file."""
    repo = GitRepo(tmp_path / "shop")
    repo.commit({"src/shop/cart.py": _CART}, "Start", T0)
    repo.git("branch", "stable")
    repo.git("checkout", "-q", "stable")
    fixed = _CART + "".join(f"FIX_{i} = {i}\n" for i in range(10))
    repo.commit({"src/shop/cart.py": fixed}, "Fix the cart", T0 + timedelta(days=1))
    repo.git("checkout", "-q", "main")
    # The same fix picked onto main: git shows it once in the file, the history twice.
    repo.commit({"src/shop/cart.py": fixed}, "Fix the cart (picked)", T0 + timedelta(days=2))
    repo.merge("stable", "Merge stable forward", T0 + timedelta(days=3))
    last = repo.commit({"src/shop/cart.py": fixed + "z = 3\n"}, "Grow", T0 + timedelta(days=4))
    held = len(repo.git("show", f"{last}^:src/shop/cart.py").splitlines())
    _sync_and_score(repo, engine, tmp_path, monkeypatch)
    key = str(ChangeKey.commit("acme/shop", last))
    with Session(engine) as session:
        lengths = [
            f.lines_before for f in session.exec(select(ChangeFile).order_by(col(ChangeFile.id)))
        ]
        (row,) = [r for r in session.exec(select(RiskScoreRow)) if r.subject_key == key]
    assert lengths[0] == 0
    assert lengths[-1] == held
    (size,) = [s for s in row.signals if s["name"] == "size"]
    assert f"in files that held {held} lines" in size["explanation"], size
