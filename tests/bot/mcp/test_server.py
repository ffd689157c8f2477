"""The MCP server as built: it leaves riskbrief's logging alone and reads nothing."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import create_engine

from bot.answers.access import Access
from bot.mcp.server import build_server
from data.sources.sample import sample_org_config


def test_building_the_server_keeps_the_root_logger_as_it_was(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The SDK's logging.basicConfig is undone: library logs still go through bot.logs."""
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])
    monkeypatch.setattr(root, "level", logging.WARNING)
    org = sample_org_config()
    # A store nobody can open: building the server must not need it.
    engine = create_engine("sqlite:////nonexistent/folder/riskbrief.db")
    build_server(engine, org, lambda _ctx: Access.organisation(org))
    assert root.handlers == []
    assert root.level == logging.WARNING
