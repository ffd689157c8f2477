"""The configured ways out, and which of them reach a subscriber."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.delivery.email import EmailSender
from bot.delivery.slack import SlackSender
from bot.settings import Settings
from data.tables import Subscriber

__all__ = ["Senders", "channels_of"]


@dataclass(frozen=True, slots=True)
class Senders:
    """The configured ways out; ``None`` where the settings for a channel are missing."""

    slack: SlackSender | None = None
    email: EmailSender | None = None
    missing: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def from_settings(settings: Settings) -> Senders:
        """Senders for every channel whose settings are present."""
        slack = email = None
        missing: dict[str, str] = {}
        if settings.slack_bot_token is not None:
            slack = SlackSender(
                settings.slack_bot_token.get_secret_value(),
                settings.slack_api_url,
                channel=settings.slack_channel,
            )
        else:
            missing["slack"] = (
                "set SLACK_BOT_TOKEN to the Slack app's bot token (xoxb-…) to send to Slack"
            )
        if settings.smtp_host is not None and settings.smtp_from is not None:
            email = EmailSender(
                host=settings.smtp_host,
                port=settings.smtp_port,
                sender=settings.smtp_from,
                username=settings.smtp_username,
                password=settings.smtp_password,
                starttls=settings.smtp_starttls,
            )
        else:
            unset = [
                name
                for name, value in (
                    ("RISKBRIEF_SMTP_HOST", settings.smtp_host),
                    ("RISKBRIEF_SMTP_FROM", settings.smtp_from),
                )
                if value is None
            ]
            missing["email"] = f"set {' and '.join(unset)} to send briefings by email"
        return Senders(slack=slack, email=email, missing=missing)

    def has(self, channel: str) -> bool:
        """True when ``channel`` can be sent on."""
        return (self.slack if channel == "slack" else self.email) is not None


def channels_of(subscriber: Subscriber) -> tuple[str, ...]:
    """The channels a subscriber is reached on: Slack with a member id, email with an address."""
    found = []
    if subscriber.slack_user_id:
        found.append("slack")
    if subscriber.email:
        found.append("email")
    return tuple(found)
