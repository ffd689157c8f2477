"""A small history made for the web view's verdict tests: one library, twelve weeks of small
changes by one person, then, in 2026-W47, one very large change by another that scores very
high risk while no card fires (too few changes to compare). Its data ends in that week.

Built once per module from a real git clone, synced and scored as a user's would be.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from werkzeug.test import Client

from bot.composition.pipeline import score_all
from bot.pages.app import PagesApp, PagesConfig
from data.config import OrgConfig, parse_org_config
from data.store.engine import make_engine
from tests.data.sources.gitrepo import GitRepo, git_env, sync_clone

__all__ = ["BIG_WEEK", "SmallHistory", "build_small_history", "end_of_week_after"]

# The week of the very large change, and the last with any data.
BIG_WEEK = "2026-W47"
_START = datetime(2026, 9, 7, 10, tzinfo=UTC)
_BIG = datetime(2026, 11, 18, 14, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class SmallHistory:
    """The store, its organisation, and the key of the very-high-risk change."""

    engine: Engine
    org: OrgConfig
    big: str

    def client(self, now: datetime) -> Client:
        """The open web view (no sign-in) of this store, its clock at ``now``."""
        return Client(PagesApp(self.engine, self.org, PagesConfig(open=True), clock=lambda: now))


def end_of_week_after() -> datetime:
    """Sunday night of the week after the big change's: ``BIG_WEEK`` is the last complete."""
    return datetime.combine(_BIG.date() + timedelta(days=11), time(23, 0), UTC)


def build_small_history(root: Path, migrated: Path) -> SmallHistory:
    """Write the clone under ``root``, sync it into a copy of the migrated store, score it."""
    with pytest.MonkeyPatch.context() as mp:
        for key in [k for k in os.environ if k.startswith("GIT_")]:
            mp.delenv(key)
        for key, value in git_env().items():
            mp.setenv(key, value)
        repo = GitRepo(root / "lib")
        for i in range(40):
            repo.commit(
                {f"src/lib/m{i % 5}.py": f"x = {i}\n" * (5 + i % 3)},
                f"Tweak {i}",
                _START + timedelta(days=i * 1.75),
                author="Grace Hopper <grace@example.com>",
            )
        body = "".join(f"def f{k}():\n    return {k}\n" for k in range(300))
        repo.commit(
            {f"src/lib/new{j}.py": body for j in range(6)},
            "Add everything",
            _BIG,
            author="Ada Lovelace <ada@example.com>",
        )
        big = repo.git("rev-parse", "HEAD").strip()
        org = parse_org_config(
            f"""
[organisation]
timezone = "UTC"
[[repositories]]
name = "acme/lib"
path = "{repo.path}"
[[services]]
key = "lib"
name = "Lib"
repository = "acme/lib"
paths = ["src/lib/**"]
"""
        )
        db = root / "small.db"
        shutil.copyfile(migrated, db)
        engine = make_engine(f"sqlite:///{db}")
        sync_clone(engine, org)
        with Session(engine) as session:
            score_all(session, org)
            session.commit()
    return SmallHistory(engine, org, f"acme/lib@{big[:12]}")
