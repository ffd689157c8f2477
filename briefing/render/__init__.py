"""Rendering a briefing for people: Slack Block Kit and email, every outside string escaped."""

from __future__ import annotations

from briefing.render.chart import distribution_png
from briefing.render.email import EmailMessageParts, build_mime, render_email
from briefing.render.escape import mrkdwn, truncate
from briefing.render.slack import SlackMessage, render_slack

__all__ = [
    "EmailMessageParts",
    "SlackMessage",
    "build_mime",
    "distribution_png",
    "mrkdwn",
    "render_email",
    "render_slack",
    "truncate",
]
