"""The Bitbucket check's tests: a copy of the loaded sample store, a fake Bitbucket, `serve`."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from data.sources.bitbucket.client import Edition
from data.store.engine import make_engine
from fakes.bitbucket_check_world import BitbucketWorld, bitbucket_world
from fakes.check_world import load_world
from tests.stores import checkpoint, migrated_copy


@pytest.fixture(scope="session")
def loaded_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store with the sample loaded, once, for each test to copy."""
    path = migrated_copy(tmp_path_factory.mktemp("bb-loaded") / "riskbrief.db")
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


@pytest.fixture(params=["cloud", "dc"])
def edition(request: pytest.FixtureRequest) -> Edition:
    """Each edition in turn: Bitbucket Cloud, then Data Center."""
    value: Edition = request.param
    return value


@pytest.fixture
def world(store: Engine, edition: Edition) -> Iterator[BitbucketWorld]:
    """The sample store, a fake Bitbucket of ``edition`` with a token that may write reports."""
    with bitbucket_world(store, edition) as w:
        yield w
