"""The store fixtures the code hosts' check tests share: the sample loaded once, a copy each.

Imported into a package's conftest (``from tests.bot.check_stores import loaded_store,
store``), they are that package's fixtures: loading the sample takes seconds, copying
the file a few milliseconds.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from data.store.engine import make_engine
from fakes.check_world import load_world
from tests.stores import checkpoint, migrated_copy

__all__ = ["loaded_store", "store"]


@pytest.fixture(scope="session")
def loaded_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store with the sample loaded, once, for each test to copy."""
    path = migrated_copy(tmp_path_factory.mktemp("check-loaded") / "riskbrief.db")
    eng = make_engine(f"sqlite:///{path}")
    load_world(eng)
    checkpoint(eng)
    eng.dispose()
    return path


@pytest.fixture
def store(loaded_store: Path, tmp_path: Path) -> Iterator[Engine]:
    """A fresh copy of the loaded sample store."""
    path = tmp_path / "riskbrief.db"
    shutil.copyfile(loaded_store, path)
    eng = make_engine(f"sqlite:///{path}")
    yield eng
    eng.dispose()
