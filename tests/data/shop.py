"""The small organisation the ingest tests write into: acme/shop with checkout and search."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["ORG", "T0"]

T0 = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)

ORG = """
[[repositories]]
name = "acme/shop"
[[services]]
key = "checkout"
repository = "acme/shop"
paths = ["checkout/**"]
[[services]]
key = "search"
repository = "acme/shop"
paths = ["search/**"]
[[teams]]
key = "commerce"
services = ["checkout"]
members = ["alice"]
"""
