"""The MCP server's tools called in process: the one declaration the Slack assistant asks with.

``McpTools`` builds the server of ``build_server`` once (its tools' schemas are slow to
make) and answers each asker within their own ``Access``, carried to the tool by a
context variable, so one server serves every asker of a process. A tool's refusal (the
one sentence the server gives an MCP client: something outside the scope, an unknown
key, arguments that do not fit) is an ``is_error`` outcome; anything else is the SDK's
generic error, its detail logged, never shown.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
from collections.abc import Sequence
from dataclasses import dataclass

import structlog
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp_types import CallToolResult, TextContent
from sqlalchemy.engine import Engine

from bot.answers.access import Access
from bot.assistant.tools import ToolOutcome, ToolSpec, ToolUse
from bot.mcp.server import build_server
from data.config import OrgConfig

__all__ = ["ASSISTANT_TOOLS", "AskerTools", "McpTools"]

# The read-only tools a plain-word question is answered with. ``proposal_risk`` scores a
# diff or a clone's refs, which nobody types into a chat, and would warm the history.
ASSISTANT_TOOLS = (
    "briefing",
    "service_record",
    "change_risk",
    "deploy_risk",
    "incident_culprits",
    "review_plan",
    "open_pull_requests",
    "agent_activity",
)
# A tool's JSON beyond this many characters is cut: the model reads it, and Claude's
# context is better spent on the question than on the fiftieth open pull request.
MAX_RESULT_CHARS = 24_000
_GENERIC = "The tool failed; riskbrief's logs say why."

log = structlog.get_logger("riskbrief.assistant")
_ACCESS: contextvars.ContextVar[Access] = contextvars.ContextVar("riskbrief_assistant_access")


def _sentence(exc: ToolError, name: str) -> str:
    """The refusal without the SDK's ``Error executing tool <name>:`` before it."""
    return str(exc).removeprefix(f"Error executing tool {name}:").strip() or _GENERIC


def _text(result: CallToolResult) -> str:
    if result.structured_content is not None:
        text = json.dumps(result.structured_content, ensure_ascii=False, separators=(",", ":"))
    else:
        text = " ".join(c.text for c in result.content if isinstance(c, TextContent))
    return text[:MAX_RESULT_CHARS]


class McpTools:
    """The server's assistant tools over ``engine``'s store, built once per process."""

    def __init__(self, engine: Engine, org: OrgConfig) -> None:
        self._server = build_server(engine, org, lambda _ctx: _ACCESS.get())
        listed = asyncio.run(self._server.list_tools())
        self.specs: tuple[ToolSpec, ...] = tuple(
            ToolSpec(t.name, t.description or "", dict(t.input_schema))
            for name in ASSISTANT_TOOLS
            for t in listed
            if t.name == name
        )

    def for_access(self, access: Access) -> AskerTools:
        """The tools as ``access`` may call them."""
        return AskerTools(self, access)

    def call(self, use: ToolUse, access: Access) -> ToolOutcome:
        """``use`` answered within ``access``."""
        if use.name not in {s.name for s in self.specs}:
            known = ", ".join(s.name for s in self.specs)
            return ToolOutcome(use, f"There is no tool called {use.name}; use {known}.", True)
        token = _ACCESS.set(access)
        try:
            result = asyncio.run(self._server.call_tool(use.name, dict(use.input)))
        except UnexpectedToolError as exc:
            log.error("assistant.tool_failed", tool=use.name, error=type(exc.__cause__).__name__)
            return ToolOutcome(use, _GENERIC, True)
        except ToolError as exc:
            return ToolOutcome(use, _sentence(exc, use.name), True)
        except Exception as exc:
            log.error("assistant.tool_failed", tool=use.name, error=type(exc).__name__)
            return ToolOutcome(use, _GENERIC, True)
        finally:
            _ACCESS.reset(token)
        if not isinstance(result, CallToolResult):
            return ToolOutcome(use, _GENERIC, True)
        return ToolOutcome(use, _text(result), bool(result.is_error))


@dataclass(frozen=True, slots=True)
class AskerTools:
    """``McpTools`` as one asker calls them: a ``bot.assistant.tools.ToolBox``."""

    tools: McpTools
    access: Access

    @property
    def specs(self) -> Sequence[ToolSpec]:
        """Every assistant tool."""
        return self.tools.specs

    def call(self, use: ToolUse) -> ToolOutcome:
        """``use`` answered within this asker's scope."""
        return self.tools.call(use, self.access)
