"""Slack mentions, links and tokens wherever riskbrief reads text.

The machinery is in ``tests/hardening/pipeline.py``; the markup and prompt families
have modules of their own.
"""

from __future__ import annotations

import pytest

from tests.hardening.corpus import Attack
from tests.hardening.pipeline import World, assert_inert, cases


@pytest.mark.parametrize(("attack", "location"), cases("slack"))
def test_attack_is_inert(world: World, attack: Attack, location: str) -> None:
    """Hostile text in one place reaches riskbrief yet pings, links, runs and changes nothing."""
    assert_inert(world, attack, location)
