"""What one doctor check found, and the ways a check ends: passed, skipped, failed with a fix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["MANIFEST_SCOPES", "Check", "Status", "failed", "passed", "skipped"]

Status = Literal["pass", "fail", "skip"]

# The bot scopes slack/manifest.yml asks for (a test keeps the two in step).
MANIFEST_SCOPES: tuple[str, ...] = (
    "commands",
    "chat:write",
    "im:write",
    "im:history",
    "users:read",
)


@dataclass(frozen=True, slots=True)
class Check:
    """What one check found: its name, status, what it saw, and the fix when it failed."""

    name: str
    status: Status
    detail: str
    fix: str | None = None

    def line(self) -> str:
        """``pass  name: detail``, with ``fix: …`` after a failure."""
        detail = self.detail if self.detail.endswith((".", "?", "!")) else self.detail + "."
        text = f"{self.status:<4}  {self.name}: {detail}"
        return f"{text} Fix: {self.fix}" if self.fix else text


def passed(name: str, detail: str) -> Check:
    return Check(name, "pass", detail)


def skipped(name: str, detail: str) -> Check:
    return Check(name, "skip", detail)


def failed(name: str, detail: str, fix: str) -> Check:
    return Check(name, "fail", detail, fix)
