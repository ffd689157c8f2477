"""Instructions to the model, invisible Unicode and oversized text wherever riskbrief reads.

The machinery is in ``tests/hardening/pipeline.py``; the slack and markup families
have modules of their own.
"""

from __future__ import annotations

import pytest

from tests.hardening.corpus import Attack
from tests.hardening.pipeline import World, assert_inert, cases


@pytest.mark.parametrize(("attack", "location"), cases("prompt", "unicode", "size"))
def test_attack_is_inert(world: World, attack: Attack, location: str) -> None:
    """Hostile text in one place reaches riskbrief yet pings, links, runs and changes nothing."""
    assert_inert(world, attack, location)
