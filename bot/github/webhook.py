"""``POST /github/webhook``: GitHub's pull request events, through the one pipeline.

GitHub's door (``bot.checks.webhook`` runs the steps): the endpoint is on with
``GITHUB_WEBHOOK_SECRET``, credentials and repositories (else 404 saying what to set);
``X-Hub-Signature-256`` is the HMAC-SHA256 of the body with the secret (401); an event
other than ``pull_request`` (``X-GitHub-Event``), or one of its actions the check does
not act on, or a repository riskbrief.toml does not list, is 204; a delivery without a
usable ``X-GitHub-Delivery`` id is 400. The work is done inline (``bot.github.check``:
well under GitHub's 10 seconds).
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from wsgiref.types import WSGIApplication, WSGIEnvironment

from pydantic import SecretStr
from sqlalchemy.engine import Engine

from bot.checks.door import MAX_BODY, hub_signature
from bot.checks.webhook import Door, HostWords, host_webhook
from bot.github.check import USED_ACTIONS, GitHubCheck, GitHubEvent, github_event
from data.clock import utcnow

__all__ = ["EVENT", "MAX_BODY", "WEBHOOK_PATH", "GitHubDoor", "github_webhook"]

WEBHOOK_PATH = "/github/webhook"
EVENT = "pull_request"
GITHUB = HostWords(
    "github",
    "GitHub",
    "the GitHub webhook is off; set GITHUB_WEBHOOK_SECRET and GitHub credentials",
)
_SIGNATURE = re.compile(r"sha256=[0-9a-f]{64}")
_DELIVERY = re.compile(r"[A-Za-z0-9-]{1,100}")


class GitHubDoor(Door[GitHubEvent]):
    """GitHub's differences: its signature, its event and delivery headers, its event."""

    def __init__(self, secret: SecretStr, check: GitHubCheck) -> None:
        super().__init__(check)
        self.secret = secret
        self.github = check  # as its own type: the door asks it which repositories it knows

    def verify(self, environ: WSGIEnvironment, body: bytes, now: datetime) -> str | None:
        given = str(environ.get("HTTP_X_HUB_SIGNATURE_256", ""))
        expected = hub_signature(self.secret.get_secret_value(), body)
        if _SIGNATURE.fullmatch(given) and hmac.compare_digest(given, expected):
            return None
        return "the delivery is not signed with the webhook secret (X-Hub-Signature-256)"

    def event(self, environ: WSGIEnvironment) -> str | None:
        return EVENT if environ.get("HTTP_X_GITHUB_EVENT") == EVENT else None

    def delivery(self, environ: WSGIEnvironment) -> str | None:
        delivery = str(environ.get("HTTP_X_GITHUB_DELIVERY", ""))
        return delivery if _DELIVERY.fullmatch(delivery) else None

    @property
    def no_delivery(self) -> str:
        return "the delivery has no usable X-GitHub-Delivery id"

    def parse(self, payload: Any) -> GitHubEvent | None:
        # An action the check ignores is answered before the rest of the event is read.
        action = payload.get("action") if isinstance(payload, dict) else None
        if isinstance(action, str) and action not in USED_ACTIONS:
            return None
        event = github_event(payload)
        return event if self.github.knows(event.repository) else None


def github_webhook(
    engine: Engine,
    secret: SecretStr | None,
    check: GitHubCheck | None,
    clock: Callable[[], datetime] = utcnow,
    *,
    off: str | None = None,
) -> WSGIApplication:
    """The WSGI application answering ``POST /github/webhook`` (see the module's doc).

    ``off`` says why the webhook is off (``bot.github.webhook_off``) when ``check`` is None.
    """
    doors = [GitHubDoor(secret, check)] if secret is not None and check is not None else []
    return host_webhook(engine, GITHUB, doors, clock, off=off)
