"""Fake Slack and SMTP for the bot's tests, with the wall clock on a Monday afternoon."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

from fakes.slack_server import FakeSlack
from fakes.smtp_server import FakeSMTP

# A Monday afternoon everywhere in the sample: last week is complete for every subscriber.
MONDAY = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    """The fake Slack Web API, with the wall clock at ``MONDAY`` so its ts and our claims agree."""
    with time_machine.travel(MONDAY, tick=True), FakeSlack() as fake:
        yield fake


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[FakeSMTP]:
    """The fake SMTP server, STARTTLS and login required."""
    with FakeSMTP(tmp_path) as server:
        yield server
