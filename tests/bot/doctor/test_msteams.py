"""`riskbrief doctor` on subscribers' Teams webhook URLs: their shape, never their secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.delivery.msteams import webhook_problem
from tests.bot.doctor.conftest import doctor, line_of

SIG = "pQ3kVnXb0dSecretSignature_9"
LOGIC = (
    "https://prod-07.westeurope.logic.azure.com:443/workflows/0a1b2c3d4e5f/triggers/manual/"
    f"paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={SIG}"
)
POWER_PLATFORM = (
    "https://default0a1b2c.3d.environment.api.powerplatform.com:443/powerautomate/automations/"
    f"direct/workflows/0a1b2c3d4e5f/triggers/manual/paths/invoke?api-version=1&sig={SIG}"
)


@pytest.mark.parametrize("url", [LOGIC, POWER_PLATFORM])
def test_workflows_urls_pass(url: str) -> None:
    """Both hosts Teams gives Workflows webhooks on are accepted."""
    assert webhook_problem(url) is None


@pytest.mark.parametrize(
    ("url", "said"),
    [
        (LOGIC.replace("https://", "http://"), "is not an https:// URL"),
        (
            "https://acme.webhook.office.com/webhookb2/abc@def/IncomingWebhook/123/456",
            "Office 365 connector's incoming webhook",
        ),
        (LOGIC.replace("logic.azure.com", "logic.azure.com.evil.example"), "not on a Teams"),
        (LOGIC.partition("&sig=")[0], "with its signature"),
    ],
)
def test_wrong_urls_are_named(url: str, said: str) -> None:
    """http, retired connectors, other hosts and a URL cut before its signature each fail."""
    problem = webhook_problem(url)
    assert problem is not None
    assert said in problem[0]


def test_doctor_fails_a_bad_webhook_without_printing_it(store: Path) -> None:
    """A subscriber whose webhook is on another host fails delivery, showing only the host."""
    toml = store.with_name("riskbrief.toml")
    bad = LOGIC.replace("prod-07.westeurope.logic.azure.com:443", "hooks.example.net")
    toml.write_text(
        toml.read_text(encoding="utf-8")
        + f'\n[[subscribers]]\nkey = "chat"\nteams_webhook_url = "{bad}"\n',
        encoding="utf-8",
    )
    result = doctor()
    line = line_of(result, "delivery")
    assert line.startswith("fail")
    assert "subscriber chat's teams_webhook_url (https://hooks.example.net/…) is not on" in line
    assert SIG not in result.output
    assert "/workflows/" not in result.output


def test_doctor_passes_a_teams_only_subscriber(store: Path) -> None:
    """Subscribers reached only by good Teams webhooks can be reached with nothing else set."""
    toml = store.with_name("riskbrief.toml")
    # The sample's subscribers (its last section) replaced by two on Teams alone.
    organisation = toml.read_text(encoding="utf-8").partition("[[subscribers]]")[0]
    toml.write_text(
        organisation
        + f'[[subscribers]]\nkey = "chat"\nteams_webhook_url = "{LOGIC}"\n'
        + f'[[subscribers]]\nkey = "room"\nteams_webhook_url = "{POWER_PLATFORM}"\n',
        encoding="utf-8",
    )
    line = line_of(doctor(), "delivery")
    assert line == "pass  delivery: all 2 subscribers can be reached."
