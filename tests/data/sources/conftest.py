"""Sample stores: copies of the run's scored sample, or loaded anew for other dates and seeds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from tests.samples import SAMPLE_AS_OF, LoadedSample, SampleTemplate, build_sample

__all__ = ["AS_OF", "SHIFTED_AS_OF", "LoadedSample", "build_sample"]

AS_OF = SAMPLE_AS_OF
# A Wednesday in another season and ISO year, across a DST change in New York and Berlin.
SHIFTED_AS_OF = date(2027, 3, 31)


@pytest.fixture(scope="module")
def sample(
    tmp_path_factory: pytest.TempPathFactory, scored_sample: SampleTemplate
) -> Iterator[LoadedSample]:
    """The sample as the demo loads it (a copy of the run's one scored sample)."""
    loaded = scored_sample.copy(tmp_path_factory.mktemp("sample") / "t.db")
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
