"""Local stand-ins for outside services, speaking their real protocols on 127.0.0.1."""

from __future__ import annotations

from tests.fakes.anthropic_server import FakeAnthropic, Reply, Request, Usage

__all__ = ["FakeAnthropic", "Reply", "Request", "Usage"]
