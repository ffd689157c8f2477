"""The scored sample organisation as test stores: built once per run, copied per test."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine

from bot.composition.pipeline import score_all
from data.config import OrgConfig
from data.sample_load import SampleSummary, load_sample
from data.sources.sample import SAMPLE_SEED, sample_org_config
from data.store.engine import make_engine, session_scope
from data.store.migrate import upgrade
from data.store.org import sync_org
from tests.stores import checkpoint

__all__ = ["SAMPLE_AS_OF", "LoadedSample", "SampleTemplate", "build_sample", "copy_store"]

# The Monday the demo's briefings would go out on.
SAMPLE_AS_OF = date(2026, 11, 23)


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
    summary = load_sample(engine, org, as_of=as_of, seed=seed)
    with session_scope(engine) as session:
        score_all(session, org)
    checkpoint(engine)
    return LoadedSample(engine, org, as_of, summary)


@dataclass(frozen=True, slots=True)
class SampleTemplate:
    """A scored sample's store file, closed, to be copied by every test that needs one."""

    path: Path
    org: OrgConfig
    as_of: date
    summary: SampleSummary

    @classmethod
    def build(cls, directory: Path, as_of: date = SAMPLE_AS_OF) -> SampleTemplate:
        """Build the sample under ``directory`` and close its store."""
        loaded = build_sample(directory, as_of)
        loaded.engine.dispose()
        return cls(directory / "t.db", loaded.org, as_of, loaded.summary)

    def copy(self, path: Path) -> LoadedSample:
        """This test's own store at ``path``, a copy of the template."""
        return LoadedSample(copy_store(self.path, path), self.org, self.as_of, self.summary)


def copy_store(template: Path, path: Path) -> Engine:
    """An engine on a copy of the store file ``template`` at ``path``."""
    shutil.copyfile(template, path)
    return make_engine(f"sqlite:///{path}")
