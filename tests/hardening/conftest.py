"""The hardening suite's store: one per test module, so its modules run in parallel."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.hardening.pipeline import World, build_world
from tests.samples import SampleTemplate


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory, scored_sample: SampleTemplate
) -> Iterator[World]:
    """The sample organisation plus one mined commit, scored, with its week's briefings."""
    with build_world(scored_sample, tmp_path_factory.mktemp("hardening")) as world:
        yield world
