"""Whether a subscriber's ``teams_webhook_url`` looks like a Teams Workflows webhook.

Only the URL's shape is checked: a request to it would run the workflow, which
posts a message to the chat or channel. Nothing said here repeats the URL past
its host (``bot.delivery.teams.redact``): whoever has it can post there.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

__all__ = ["webhook_problem"]

# Hosts Teams gives Workflows webhook URLs on: Logic Apps' regional endpoints
# (prod-NN.<region>.logic.azure.com) and Power Platform's environment endpoints
# (<env>.environment.api.powerplatform.com), and Power Automate's own.
_WORKFLOW_HOSTS = re.compile(
    r"(?:[a-z0-9-]+\.)+(?:logic\.azure\.com|api\.powerplatform\.com|powerautomate\.com)"
    r"|(?:[a-z0-9-]+\.)*flow\.microsoft\.com",
)
# The Office 365 connectors' incoming webhooks, which Microsoft retired.
_RETIRED_HOSTS = re.compile(r"(?:[a-z0-9-]+\.)*(?:webhook\.office\.com|outlook\.office\.com)")


def webhook_problem(url: str) -> tuple[str, str] | None:
    """What is wrong with ``url`` as a Workflows webhook and its fix, or ``None``."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https":
        return (
            "is not an https:// URL",
            "copy the URL Teams shows for the workflow's webhook trigger, which is https://",
        )
    if _RETIRED_HOSTS.fullmatch(host):
        return (
            "is an Office 365 connector's incoming webhook, which Microsoft retired",
            "in Teams, add the Workflows template 'Send webhook alerts to a chat' (or to a "
            "channel) and use its URL",
        )
    if not _WORKFLOW_HOSTS.fullmatch(host):
        return (
            "is not on a Teams Workflows host (logic.azure.com, api.powerplatform.com or "
            "powerautomate.com)",
            "use the URL of a Teams workflow's 'When a Teams webhook request is received' trigger",
        )
    if "/workflows/" not in parts.path or "sig" not in parse_qs(parts.query):
        return (
            "is not a workflow trigger's URL with its signature (…/workflows/…?…&sig=…)",
            "copy the whole URL again from the workflow's trigger; it was cut short",
        )
    return None
