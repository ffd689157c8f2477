"""The Slack app: ``/risk`` parsing, answers from the store, subscriptions, and the bolt app."""

from bot.slack.app import build_app, check_slack_settings

__all__ = ["build_app", "check_slack_settings"]
