"""A subscriber's ``teams_webhook_url`` in riskbrief.toml: enough on its own, never echoed."""

from __future__ import annotations

import pytest

from data.channels import ChannelName
from data.config import parse_org_config
from scoring.errors import ConfigError

URL = "https://prod-07.westeurope.logic.azure.com/workflows/0a1b/triggers/manual?sig=s3cr3tSIG"


def test_a_subscriber_reached_only_on_teams_is_valid() -> None:
    """A webhook URL alone is a way to deliver to a subscriber."""
    org = parse_org_config(f"[[subscribers]]\nkey = 'chat'\nteams_webhook_url = '{URL}'\n")
    assert org.subscribers[0].address_on(ChannelName.MSTEAMS) == URL


@pytest.mark.parametrize("url", ["teams.example/hook?sig=s3cr3tSIG", "https:// x?sig=s3cr3tSIG"])
def test_a_malformed_webhook_url_is_refused_without_repeating_it(url: str) -> None:
    """A URL that is not http(s) fails in one sentence that does not repeat its signature."""
    with pytest.raises(ConfigError) as caught:
        parse_org_config(f"[[subscribers]]\nkey = 'chat'\nteams_webhook_url = '{url}'\n")
    message = str(caught.value)
    assert "subscribers[0].teams_webhook_url must be the https:// URL Teams gives" in message
    assert "s3cr3tSIG" not in message
