"""Sample stores, loaded and scored once per module because scoring twelve weeks takes a second."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.pipeline import score_all
from data.config import OrgConfig
from data.engine import make_engine, session_scope
from data.migrate import upgrade
from data.org import sync_org
from data.sources.sample import SAMPLE_SEED, SampleSummary, load_sample, sample_org_config

__all__ = ["AS_OF", "SHIFTED_AS_OF", "LoadedSample", "build_sample"]

# The Monday the demo's briefings would go out on.
AS_OF = date(2026, 11, 23)
# A Wednesday in another season and ISO year, across a DST change in New York and Berlin.
SHIFTED_AS_OF = date(2027, 3, 31)


@dataclass(frozen=True, slots=True)
class LoadedSample:
    """A migrated SQLite store with the sample loaded and scored."""

    engine: Engine
    org: OrgConfig
    as_of: date
    summary: SampleSummary


def build_sample(directory: Path, as_of: date, seed: int = SAMPLE_SEED) -> LoadedSample:
    """Load and score the sample into a fresh SQLite file under ``directory``."""
    engine = make_engine(f"sqlite:///{directory}/t.db")
    upgrade(engine)
    org = sample_org_config()
    with session_scope(engine) as session:
        sync_org(session, org)
        summary = load_sample(session, org, as_of=as_of, seed=seed)
        score_all(session, org)
    return LoadedSample(engine, org, as_of, summary)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoadedSample]:
    """The sample as the demo loads it."""
    loaded = build_sample(tmp_path_factory.mktemp("sample"), AS_OF)
    yield loaded
    loaded.engine.dispose()


@pytest.fixture(scope="module")
def sample_again(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoadedSample]:
    """The same seed and date loaded into a second, independent store."""
    loaded = build_sample(tmp_path_factory.mktemp("again"), AS_OF)
    yield loaded
    loaded.engine.dispose()


@pytest.fixture(scope="module")
def sample_shifted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoadedSample]:
    """The same seed loaded for a later ``as_of``."""
    loaded = build_sample(tmp_path_factory.mktemp("shifted"), SHIFTED_AS_OF)
    yield loaded
    loaded.engine.dispose()
