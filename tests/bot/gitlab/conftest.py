"""The GitLab check's tests: a copy of the loaded sample store each, a fake GitLab, `serve`."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from data.store.engine import make_engine
from fakes.check_world import load_world
from fakes.gitlab_check_world import GitLabWorld, gitlab_world
from tests.stores import checkpoint, migrated_copy


@pytest.fixture(scope="session")
def loaded_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store with the sample loaded, once, for each test to copy."""
    path = migrated_copy(tmp_path_factory.mktemp("gl-loaded") / "riskbrief.db")
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


@pytest.fixture
def world(store: Engine) -> Iterator[GitLabWorld]:
    """The sample store, a fake GitLab with an `api` token, `serve` with the GitLab webhook."""
    with gitlab_world(store) as w:
        yield w
