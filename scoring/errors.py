"""The one exception tree of riskbrief.

It lives in the lowest layer so that every package can raise and catch the same
types without breaking the one-way layering of docs/architecture.md.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "DeliveryError",
    "NotFoundError",
    "RiskbriefError",
    "SendWithheld",
    "SourceError",
    "StoreError",
]


class RiskbriefError(Exception):
    """Base of every error riskbrief raises on purpose.

    The message is one sentence a user can act on; the CLI prints it without a
    traceback.
    """


class ConfigError(RiskbriefError):
    """A setting is missing or wrong; the message names the key and what to put there."""


class StoreError(RiskbriefError):
    """The database cannot be reached or is not migrated."""


class SourceError(RiskbriefError):
    """An outside system (GitHub, git, an incident tool) did not give usable data."""


class DeliveryError(RiskbriefError):
    """A briefing could not be delivered to Slack or email."""


class SendWithheld(DeliveryError):
    """A send stopped at its last check before the message left: this process may no longer send."""


class NotFoundError(RiskbriefError):
    """Something a user named (a PR, a service, a subscriber) does not exist."""
