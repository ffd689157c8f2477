"""A fake Microsoft Teams Workflows webhook: a real HTTP server on 127.0.0.1 for httpx.

``FakeTeams().webhook("platform")`` makes a workflow and gives its URL, shaped as
Power Automate's (``/workflows/<id>/triggers/manual/paths/invoke?api-version=…&sig=…``).
A POST to it is answered as the real trigger answers: 202 Accepted with an
``x-ms-workflow-run-id`` header once the body is JSON, 401 when the ``sig`` is
wrong, 404 for an unknown workflow, 400 when the body is not JSON. As with the
real service, what happens to the card is the run's business, after the 202: a
body that is a ``message`` with one Adaptive Card of version 1.2 or later within
Teams' 28 KB is ``posted`` to the workflow's chat; anything else is ``dropped``
(the run fails, and the sender never hears of it). ``fail_next`` makes the next
POST answer 429 with ``Retry-After``, or any other status, without running.
"""

from __future__ import annotations

import itertools
import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from fakes.http import Answer, FakeServer, Request

__all__ = ["CARD_LIMIT", "FakeTeams", "Workflow"]

# Teams' message size limit, as the flow's "post card" step enforces it.
CARD_LIMIT = 28 * 1024
ADAPTIVE = "application/vnd.microsoft.card.adaptive"
_PATH = r"/workflows/(?P<id>[0-9a-f]+)/triggers/manual/paths/invoke"


@dataclass(slots=True)
class Workflow:
    """One workflow: its name, signature, the cards it posted and the bodies it dropped."""

    name: str
    id: str
    sig: str
    posted: list[dict[str, Any]] = field(default_factory=list)
    dropped: list[tuple[str, Any]] = field(default_factory=list)


def _why_dropped(body: Any, size: int) -> str | None:
    """Why a run would fail to post ``body``, or ``None`` when it posts it."""
    if size > CARD_LIMIT:
        return f"message of {size} bytes is over Teams' limit"
    if not isinstance(body, dict) or body.get("type") != "message":
        return "not a message"
    attachments = body.get("attachments")
    if not isinstance(attachments, list) or len(attachments) != 1:
        return "not exactly one attachment"
    (attachment,) = attachments
    card = attachment.get("content") if isinstance(attachment, dict) else None
    if attachment.get("contentType") != ADAPTIVE or not isinstance(card, dict):
        return "the attachment is not an Adaptive Card"
    if card.get("type") != "AdaptiveCard" or not isinstance(card.get("body"), list):
        return "the card has no AdaptiveCard body"
    major, _, minor = str(card.get("version", "")).partition(".")
    if not (major.isdigit() and minor.isdigit()) or (int(major), int(minor)) < (1, 2):
        return "the card's version is older than 1.2"
    return None


class FakeTeams(FakeServer):
    """Teams Workflows webhooks on one local server; use it as a context manager."""

    def __init__(self) -> None:
        super().__init__()
        self.workflows: dict[str, Workflow] = {}
        self._runs = itertools.count(1)
        self.add("POST", _PATH, self._invoke)

    def webhook(self, name: str) -> str:
        """Make a workflow called ``name`` and return its webhook URL."""
        flow = Workflow(name, secrets.token_hex(16), secrets.token_urlsafe(24))
        with self.lock:
            self.workflows[flow.id] = flow
        return (
            f"{self.url}/workflows/{flow.id}/triggers/manual/paths/invoke"
            f"?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={flow.sig}"
        )

    def flow(self, name: str) -> Workflow:
        """The workflow called ``name``."""
        return next(f for f in self.workflows.values() if f.name == name)

    def fail_with(self, status: int = 429, retry_after: int | str | None = 1) -> None:
        """Answer the next POST with ``status`` (and ``Retry-After``: seconds, or an HTTP
        date as a string) without running it."""
        headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
        error = {"error": {"code": "WorkflowTriggerIsThrottled" if status == 429 else "Error"}}
        self.fail_next("/workflows/", Answer(status, error, headers))

    def _invoke(self, request: Request, match: re.Match[str]) -> Answer:
        flow = self.workflows.get(match["id"])
        if flow is None:
            return Answer(404, {"error": {"code": "WorkflowNotFound"}})
        if request.query.get("sig") != flow.sig:
            return Answer(401, {"error": {"code": "DirectApiAuthorizationRequired"}})
        if not request.headers.get("content-type", "").startswith("application/json"):
            return Answer(415, {"error": {"code": "UnsupportedMediaType"}})
        try:
            body = json.loads(request.body)
        except ValueError:
            return Answer(400, {"error": {"code": "InvalidRequestContent"}})
        run = f"08584{next(self._runs):015d}CU00"
        why = _why_dropped(body, len(request.body))
        with self.lock:
            if why is None:
                flow.posted.append(body["attachments"][0]["content"])
            else:
                flow.dropped.append((why, body))
        return Answer(202, None, {"x-ms-workflow-run-id": run})
