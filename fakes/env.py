"""The environment that points riskbrief's own Slack and SMTP clients at the fakes."""

from __future__ import annotations

from fakes.slack_server import FakeSlack
from fakes.smtp_server import USERNAME, FakeSMTP

__all__ = ["delivery_env"]


def delivery_env(slack: FakeSlack, smtp: FakeSMTP, *, token: str, sender: str) -> dict[str, str]:
    """Slack and SMTP settings for a riskbrief process sending to ``slack`` and ``smtp``."""
    return {
        "SLACK_BOT_TOKEN": token,
        "SLACK_API_URL": slack.base_url,
        "RISKBRIEF_SMTP_HOST": smtp.host,
        "RISKBRIEF_SMTP_PORT": str(smtp.port),
        "RISKBRIEF_SMTP_USERNAME": USERNAME,
        "RISKBRIEF_SMTP_PASSWORD": smtp.password,
        "RISKBRIEF_SMTP_FROM": f"Risk Brief <{sender}>",
        # The system trust store, as smtplib sees it, made to trust the fake's CA.
        "SSL_CERT_FILE": str(smtp.ca_file),
    }
