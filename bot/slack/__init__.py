"""The Slack app: ``/risk`` answers (``bot.answers``) rendered as Block Kit, and the bolt app."""

from bot.slack.app import build_app, check_slack_settings

__all__ = ["build_app", "check_slack_settings"]
