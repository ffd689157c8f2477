"""The log redactor: token shapes and configured secrets never reach a log line."""

from __future__ import annotations

import json
import logging

import pytest
import structlog

from bot.logs import REDACTED, Redactor, configure_logging, secret_values
from bot.settings import Settings

PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
    "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n"
    "-----END RSA PRIVATE KEY-----"
)

SHAPES = [
    "xoxb-1111-2222-AbCdEfGh",
    "xoxp-1111-2222-AbCdEfGh",
    "xoxa-2-abc",
    "xoxo-abc-def",
    "xoxs-abc-def",
    "xoxr-abc-def",
    "xapp-1-A0123-456-abcdef",
    "ghp_0123456789abcdefABCDEF0123456789abcd",
    "github_pat_11ABCDEFG0_abcdefghijklmnop",
    "ghs_0123456789abcdef",
    "sk-ant-api03-abcdefghijkl_mnop-qrst",
    "glpat-AbCdEf0123456789_xyz",
    "gldt-AbCdEf0123456789",
    PEM,
]


@pytest.mark.parametrize("token", SHAPES)
def test_every_token_shape_is_redacted(token: str) -> None:
    """A token of any known shape is replaced whole, wherever it sits in a sentence."""
    text = Redactor().redact(f"calling with {token}, then stopping")
    assert token not in text
    assert REDACTED in text
    assert text == f"calling with {REDACTED}, then stopping"


@pytest.mark.parametrize(
    ("header", "kept"),
    [
        ("Authorization: Bearer abc.def-ghi", "Authorization: Bearer "),
        ("Authorization: Token token=y_abc123", "Authorization: Token token="),
        ("Authorization: GenieKey 0b1c-22de", "Authorization: GenieKey "),
    ],
)
def test_authorization_values_are_redacted(header: str, kept: str) -> None:
    """The credential after Bearer, PagerDuty's Token token= and GenieKey is redacted."""
    assert Redactor().redact(header) == kept + REDACTED


def test_configured_secrets_are_redacted_literally() -> None:
    """A configured secret with no known shape (an SMTP password) is redacted by its value."""
    redactor = Redactor(["hunter2-smtp", "abc", PEM])
    assert redactor.redact("login hunter2-smtp failed") == f"login {REDACTED} failed"
    # Too short to search for without blanking ordinary words.
    assert redactor.redact("abc") == "abc"
    # One line of a PEM key is still a secret.
    line = PEM.splitlines()[1]
    assert line not in redactor.redact(f"key line {line}")


def test_nested_values_and_objects_are_redacted() -> None:
    """Dicts, lists, exceptions and other objects inside an event are redacted too."""
    redactor = Redactor(["my-deploy-secret"])
    event = redactor(
        None,
        "info",
        {
            "event": "x",
            "headers": {"authorization": "Bearer xoxb-1-2"},
            "items": ["ok", ("my-deploy-secret",)],
            "error": ValueError("bad ghp_abcdefABCDEF123"),
            "count": 3,
        },
    )
    text = json.dumps(event)
    assert "xoxb-1-2" not in text
    assert "my-deploy-secret" not in text
    assert "ghp_abcdefABCDEF123" not in text
    assert event["count"] == 3


def test_secret_values_are_every_secret_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    """secret_values lists the value of each SecretStr setting that is set, and nothing else."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-values-1")
    monkeypatch.setenv("RISKBRIEF_SMTP_PASSWORD", "pw-values-2")
    monkeypatch.setenv("RISKBRIEF_DEPLOY_SECRET", "deploy-values-3")
    monkeypatch.setenv("RISKBRIEF_SMTP_USERNAME", "not-a-secret")
    assert sorted(secret_values(Settings())) == ["deploy-values-3", "pw-values-2", "xoxb-values-1"]


def test_secret_values_include_a_registered_source_s_token(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The GitLab token declared through the seam is redacted even without a gl… prefix."""
    monkeypatch.setenv("RISKBRIEF_GITLAB_TOKEN", "self-managed-token-4")
    assert "self-managed-token-4" in secret_values(Settings())


def test_structlog_and_library_logs_are_redacted(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """riskbrief's events and libraries' warnings (slack_bolt under `serve`) come out redacted."""
    # As in the `riskbrief` process: no handler of pytest's on the root logger.
    monkeypatch.setattr(logging.root, "handlers", [])
    monkeypatch.setattr(logging, "lastResort", logging.lastResort)
    configure_logging("debug", ["plain-secret-value"])
    structlog.get_logger("riskbrief.test").info(
        "sent", token="xoxb-9-9-abc", note="plain-secret-value"
    )
    logging.getLogger("slack_bolt.App").warning("retrying with Bearer xoxb-9-9-abc")
    logging.getLogger("httpx").info("library info is not shown")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [line["event"] for line in lines] == ["sent", f"retrying with Bearer {REDACTED}"]
    assert lines[0]["token"] == REDACTED
    assert lines[0]["note"] == REDACTED
    assert lines[1]["logger"] == "slack_bolt.App"
