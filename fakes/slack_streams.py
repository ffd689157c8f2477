"""The fake Slack's streaming methods: ``chat.startStream``, ``chat.appendStream`` and
``chat.stopStream``, as Slack's 2025 reference documents them.

A stream is a message in a thread: ``chat.startStream`` posts it (with ``markdown_text``,
if any) and answers its ``ts``; each ``chat.appendStream`` adds ``markdown_text`` to it
while it streams; ``chat.stopStream`` ends it, with ``markdown_text`` or ``blocks`` to add
last. ``markdown_text`` is at most 12,000 characters a call; outside a DM the recipient's
user and team are required; appending to a stream that stopped, or to no stream, fails.
Each piece is kept with the monotonic time it arrived (``streamed``), for benchmarks.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["MARKDOWN_CHARS", "StreamMethods", "StreamStore"]

MARKDOWN_CHARS = 12_000


class _Host(Protocol):
    def _next_ts(self) -> str: ...

    @staticmethod
    def _dm(channel: str) -> str: ...


@dataclass(frozen=True, slots=True)
class StreamStore:
    """Where the streams live in the fake: its lock, its messages by channel, and the
    (channel, ts) of each message still streaming."""

    lock: threading.Lock
    messages: dict[str, list[dict[str, Any]]]
    streaming: set[tuple[str, str]]


class StreamMethods:
    """Mixed into ``FakeSlack``: the streaming methods, over its messages and lock."""

    def _streams(self) -> StreamStore:
        raise NotImplementedError

    def _stream_of(self, params: dict[str, Any]) -> dict[str, Any] | None:
        """The streaming message ``channel`` and ``ts`` name, while it streams."""
        channel = self._channel(str(params.get("channel") or ""))
        ts = str(params.get("ts") or "")
        store = self._streams()
        with store.lock:
            if (channel, ts) not in store.streaming:
                return None
            return next(m for m in store.messages[channel] if m["ts"] == ts)

    def _channel(self, channel: str) -> str:
        host: _Host = self  # type: ignore[assignment]
        return host._dm(channel)

    @staticmethod
    def _too_long(params: dict[str, Any]) -> bool:
        return len(str(params.get("markdown_text") or "")) > MARKDOWN_CHARS

    def _m_chat_startStream(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel") or "")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        in_dm = channel.startswith("D")
        if not in_dm and not (params.get("recipient_user_id") and params.get("recipient_team_id")):
            return {"ok": False, "error": "invalid_arguments"}
        if self._too_long(params):
            return {"ok": False, "error": "msg_too_long"}
        host: _Host = self  # type: ignore[assignment]
        ts = host._next_ts()
        text = str(params.get("markdown_text") or "")
        message: dict[str, Any] = {
            "type": "message",
            "user": "U0BOT",
            "bot_id": "B0BOT",
            "ts": ts,
            "text": text,
            "streamed": [(time.monotonic(), text)] if text else [],
        }
        if params.get("thread_ts"):
            message["thread_ts"] = params["thread_ts"]
        channel = self._channel(channel)
        store = self._streams()
        with store.lock:
            store.messages.setdefault(channel, []).append(message)
            store.streaming.add((channel, ts))
        return {"ok": True, "channel": channel, "ts": ts}

    def _m_chat_appendStream(self, params: dict[str, Any]) -> dict[str, Any]:
        text = params.get("markdown_text")
        if not isinstance(text, str) or not text:
            return {"ok": False, "error": "invalid_arguments"}
        if self._too_long(params):
            return {"ok": False, "error": "msg_too_long"}
        message = self._stream_of(params)
        if message is None:
            return {"ok": False, "error": "message_not_in_streaming_state"}
        with self._streams().lock:
            message["text"] += text
            message["streamed"].append((time.monotonic(), text))
        return {"ok": True, "channel": params["channel"], "ts": message["ts"]}

    def _m_chat_stopStream(self, params: dict[str, Any]) -> dict[str, Any]:
        if self._too_long(params):
            return {"ok": False, "error": "msg_too_long"}
        message = self._stream_of(params)
        if message is None:
            return {"ok": False, "error": "message_not_in_streaming_state"}
        channel = self._channel(str(params["channel"]))
        store = self._streams()
        with store.lock:
            message["text"] += str(params.get("markdown_text") or "")
            if isinstance(params.get("blocks"), list):
                message["blocks"] = params["blocks"]
            store.streaming.discard((channel, message["ts"]))
        return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}
