"""What one doctor check found, and the ways a check ends: passed, skipped, failed with a fix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "MANIFEST_SCOPES",
    "Check",
    "Status",
    "failed",
    "next_step",
    "passed",
    "skipped",
    "warned",
]

# ``next``: nothing is wrong, but a step is left to do (a draft's placeholder to replace).
# ``warn``: riskbrief runs, but something it reads is missing (a clone without release tags
# has no deploys); the line says what to do, and doctor still exits 0.
Status = Literal["pass", "fail", "skip", "next", "warn"]

# The bot scopes slack/manifest.yml asks for (a test keeps the two in step).
MANIFEST_SCOPES: tuple[str, ...] = (
    "commands",
    "chat:write",
    "im:write",
    "im:history",
    "users:read",
    "assistant:write",
)


@dataclass(frozen=True, slots=True)
class Check:
    """What one check found: its name, status, what it saw, and the fix when it failed."""

    name: str
    status: Status
    detail: str
    fix: str | None = None

    def line(self) -> str:
        """``pass  name: detail``, with ``Fix: …`` after a failure and ``Next: …`` after a step
        left to do."""
        detail = self.detail if self.detail.endswith((".", "?", "!")) else self.detail + "."
        text = f"{self.status:<4}  {self.name}: {detail}"
        if not self.fix:
            return text
        return f"{text} {'Next' if self.status == 'next' else 'Fix'}: {self.fix}"


def passed(name: str, detail: str) -> Check:
    return Check(name, "pass", detail)


def skipped(name: str, detail: str) -> Check:
    return Check(name, "skip", detail)


def failed(name: str, detail: str, fix: str) -> Check:
    return Check(name, "fail", detail, fix)


def next_step(name: str, detail: str, step: str) -> Check:
    return Check(name, "next", detail, step)


def warned(name: str, detail: str, fix: str) -> Check:
    return Check(name, "warn", detail, fix)
