"""The MCP server over streamable HTTP at ``/mcp`` of ``riskbrief serve``, behind bearer tokens.

``serve`` is WSGI under waitress; the SDK's HTTP app is ASGI. ``a2wsgi``'s
``ASGIMiddleware`` carries each WSGI request into the ASGI app on one event loop
that this module owns in a thread of its own. a2wsgi sends no ASGI lifespan, so the
SDK's session manager (whose task group every request runs in) is entered on that
loop here, before the first request, and left on ``close``. The server is stateless
with JSON responses: any replica answers any request, and no request holds a thread
open for a stream.

Every request needs ``Authorization: Bearer <token>``; the token is looked up in
constant time before the SDK sees the request, and its scope travels to the tools in
the WSGI environ (a2wsgi hands it on as the ASGI scope's ``wsgi_environ``), which no
client can write. A missing or wrong token is a 401 of one sentence; no token is logged.
A body that is not one JSON-RPC 2.0 message (not JSON, an array, no ``jsonrpc`` of
``"2.0"``, an id that is neither text nor a whole number, ``params`` that are no object) is
a 400 with a JSON-RPC error of one sentence, before the SDK reads it. The token, POST and
the body's limit are guards of the one chain (``bot.doors.chain``), which answers those
refusals as JSON ``{"error": "<one sentence>"}`` and logs them as ``mcp.refused``; the
JSON-RPC error is the protocol's own shape, which an MCP client reads.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterable
from concurrent.futures import Future
from typing import Any, Literal, cast
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

import structlog
from a2wsgi import ASGIMiddleware
from mcp.server.mcpserver import Context
from mcp.server.transport_security import TransportSecuritySettings
from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy.engine import Engine
from werkzeug.wrappers import Request

from bot.answers.access import Access, TokenTable, configured_tokens
from bot.doors.answer import JSON, Refused, json_answer
from bot.doors.chain import bearer_token, body_within, content_type, door, post_only
from bot.mcp.server import build_server
from bot.settings import Settings
from data.config import OrgConfig
from data.store.history import HistoryCache

__all__ = ["ACCESS_KEY", "MCP_PATH", "McpHttp", "mcp_endpoint"]

MCP_PATH = "/mcp"
# Where the WSGI layer leaves the caller's scope for the tools.
ACCESS_KEY = "riskbrief.mcp.access"

log = structlog.get_logger("riskbrief.mcp")

# Headers of one connection, not of the response (RFC 9110 7.6.1), which WSGI leaves to the server.
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailers",
        "transfer-encoding",
        "upgrade",
    }
)

_NO_TOKEN = (
    "This endpoint needs an Authorization: Bearer header with a token from "
    "RISKBRIEF_MCP_TOKENS or RISKBRIEF_MCP_TOKENS_FILE."
)
_NOT_BEARER = (
    "The Authorization header must be Bearer followed by a token, not another scheme or "
    "Bearer alone; use a token from RISKBRIEF_MCP_TOKENS or RISKBRIEF_MCP_TOKENS_FILE."
)
_POST_ONLY = (
    "This endpoint answers MCP requests sent with POST only (stateless, JSON responses); "
    "there is no stream to open or session to end."
)
_BAD_TOKEN = (
    "That bearer token is not one riskbrief knows; use a token from RISKBRIEF_MCP_TOKENS "
    "or RISKBRIEF_MCP_TOKENS_FILE."
)


_NOT_JSON_RPC = (
    "The body must be one JSON-RPC 2.0 message as MCP sends it: an object with "
    '"jsonrpc": "2.0", a method and, for a request, an id that is text or a whole number.'
)


class _Message(BaseModel):
    """One JSON-RPC 2.0 message from a client: a request or notification (``method``, its
    ``params`` an object), or a response to the server (``result`` or ``error``)."""

    model_config = ConfigDict(strict=True, extra="allow", frozen=True)

    jsonrpc: Literal["2.0"]
    id: int | str | None = None
    method: str | None = None
    params: dict[str, Any] | None = None


def _malformed(body: bytes) -> tuple[int, str] | None:
    """The JSON-RPC error code and sentence for a body that is not one MCP message, else
    ``None``: the SDK answers those with a multi-line dump of its validation, or (an id that
    is an object) with 202 as if it were a notification."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return -32700, "The body is not JSON; send one JSON-RPC 2.0 message as MCP does."
    try:
        message = _Message.model_validate(data)
    except ValidationError:
        return -32600, _NOT_JSON_RPC
    fields = data.keys()
    if message.method is None and not (message.id is not None and fields & {"result", "error"}):
        return -32600, _NOT_JSON_RPC
    if "id" in fields and message.id is None:
        return -32600, _NOT_JSON_RPC
    return None


def _request_access(ctx: Context) -> Access:
    """The scope the WSGI layer found for this request's token."""
    request: Any = ctx.request_context.request
    environ = request.scope.get("wsgi_environ", {}) if request is not None else {}
    access = environ.get(ACCESS_KEY)
    if not isinstance(access, Access):
        # Unreachable through McpHttp, which refuses a request without a token.
        raise RuntimeError("an MCP request reached a tool without an authenticated scope")
    return access


_CHALLENGE = [("WWW-Authenticate", 'Bearer realm="riskbrief"')]
# Every request body serve takes but a coverage report's (bot.runtime.server.BODY_LIMIT).
_MAX_BODY = 1 << 20


class McpHttp:
    """The WSGI application at ``/mcp``: bearer tokens, then the SDK's streamable HTTP app."""

    def __init__(self, engine: Engine, org: OrgConfig, tokens: TokenTable) -> None:
        self._tokens = tokens
        history = HistoryCache.of(engine)
        history.warm(engine, org)
        server = build_server(engine, org, _request_access, history)
        asgi = server.streamable_http_app(
            streamable_http_path=MCP_PATH,
            json_response=True,
            stateless_http=True,
            # The SDK's DNS-rebinding guard checks Host against 127.0.0.1 only, which would
            # refuse every real host name. It guards servers without credentials; here a
            # browser tricked into calling /mcp has no bearer token to send.
            transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
        )
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="mcp", daemon=True)
        self._thread.start()
        self._started = threading.Event()
        self._stop: asyncio.Event | None = None
        self._running: Future[None] = asyncio.run_coroutine_threadsafe(
            self._lifespan(server.session_manager.run()), self._loop
        )
        self._started.wait(10)
        if self._running.done():
            # Let the manager's own error out, rather than serve without it.
            self._running.result()
        # Stateless with JSON answers: no session to end, and no stream to open (a GET), which
        # would hold one of waitress's threads for as long as the client kept it.
        guards = [
            self._token,
            post_only(_POST_ONLY),
            body_within(_MAX_BODY, "body too large"),
            content_type(
                [JSON],
                "MCP over HTTP takes JSON-RPC messages: send them with "
                "Content-Type: application/json",
                undeclared=True,
            ),
        ]
        self._door = door(self._handle, guards, refused="mcp.refused", logger="riskbrief.mcp")
        # a2wsgi types the WSGI side with its own protocols; it is a WSGI application.
        self._wsgi = cast(
            "WSGIApplication",
            ASGIMiddleware(asgi, loop=self._loop),  # type: ignore[arg-type]
        )

    async def _lifespan(self, manager: Any) -> None:
        self._stop = asyncio.Event()
        async with manager:
            self._started.set()
            await self._stop.wait()

    def close(self, timeout: float = 10.0) -> None:
        """Leave the session manager and stop the loop's thread."""
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        try:
            self._running.result(timeout)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout)

    def _token(self, request: Request) -> None:
        """The chain's proof: a bearer token riskbrief knows, its scope left for the tools."""
        if not request.environ.get("HTTP_AUTHORIZATION", "").strip():
            raise Refused(401, _NO_TOKEN, _CHALLENGE)
        token = bearer_token(request)
        if token is None:
            raise Refused(401, _NOT_BEARER, _CHALLENGE)
        access = self._tokens.access(token)
        if access is None:
            raise Refused(401, _BAD_TOKEN, _CHALLENGE)
        # The SDK never sees the token: nothing behind this line can log it.
        del request.environ["HTTP_AUTHORIZATION"]
        request.environ[ACCESS_KEY] = access

    def _handle(self, request: Request) -> WSGIApplication:
        why = _malformed(request.get_data())
        if why is not None:
            log.info("mcp.refused", reason="not a JSON-RPC message")
            error = {"code": why[0], "message": why[1]}
            return json_answer(400, {"jsonrpc": "2.0", "id": None, "error": error})
        return self._sdk

    def _sdk(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            # The ASGI app may name hop-by-hop headers (Connection on a refused GET); under
            # WSGI the server owns those (PEP 3333), and waitress refuses the response.
            kept = [(k, v) for k, v in headers if k.lower() not in _HOP_BY_HOP]
            return start_response(status, kept, exc_info)

        return self._wsgi(environ, start)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        return self._door(environ, start_response)


def mcp_endpoint(settings: Settings, engine: Engine, org: OrgConfig) -> McpHttp | None:
    """``/mcp`` with the configured tokens, or ``None`` when none are configured."""
    inline = settings.mcp_tokens.get_secret_value() if settings.mcp_tokens else None
    tokens = configured_tokens(engine, org, inline, settings.mcp_tokens_file)
    return None if tokens is None else McpHttp(engine, org, tokens)
