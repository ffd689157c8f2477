"""Local stand-ins for outside services, speaking their real protocols on 127.0.0.1.

A top-level package, not under ``tests/``, because ``bench/`` runs the product against
them too and imports nothing from ``tests/``; neither ships in the wheel.
"""

from __future__ import annotations

from fakes.anthropic_server import FakeAnthropic, Reply, Request, Usage

__all__ = ["FakeAnthropic", "Reply", "Request", "Usage"]
