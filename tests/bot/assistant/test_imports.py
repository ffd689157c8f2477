"""The Slack app without an Anthropic key never imports the anthropic SDK (seconds to load)."""

from __future__ import annotations

import subprocess
import sys


def test_the_slack_app_imports_no_model_sdk_until_a_key_asks_for_it() -> None:
    """Importing the app and the pane's model answers leaves the SDK unloaded."""
    code = (
        "import sys, bot.slack.app, bot.slack.model_answer, bot.assistant.conversation; "
        "print(sorted(m for m in ('anthropic', 'bot.assistant.claude') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"
