"""What ``riskbrief doctor`` asks the outside world: one probe per service, one method each.

Each probe uses the real client (slack_sdk, httpx, the anthropic SDK, smtplib)
and says what it saw in a few safe words; it never puts a secret in a message.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol
from urllib.error import URLError

from bot.settings import Settings
from data.config import OrgConfig

__all__ = [
    "AnthropicProbe",
    "GitHubProbe",
    "ProbeError",
    "Probes",
    "RateLimit",
    "SlackIdentity",
    "SlackProbe",
    "SmtpProbe",
    "SourcesProbe",
    "anthropic_model",
    "github_rate_limit",
    "slack_auth_test",
    "smtp_login",
    "source_names",
]

_TIMEOUT = 10.0


def source_names(settings: Settings, org: OrgConfig) -> list[str]:
    """The names of the sources `riskbrief sync` would run."""
    from bot.composition.sources import configured_sources

    sources = configured_sources(settings, org)
    try:
        return [source.name for source in sources]
    finally:
        for source in sources:
            close = getattr(source, "close", None)
            if callable(close):
                close()


class ProbeError(Exception):
    """A probe could not confirm something; ``kind`` says why, ``reason`` in a few safe words.

    ``kind``: ``refused`` (credentials rejected), ``denied`` (allowed in but not
    to this), ``not_found``, ``unreachable`` (network, TLS, timeout) or ``other``.
    """

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


# -- probes: one method each ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SlackIdentity:
    """Who the bot token is (``auth.test``) and the scopes Slack says it was granted."""

    team: str
    user: str
    scopes: frozenset[str] | None


class SlackProbe(Protocol):
    """Calls ``auth.test`` with a bot token."""

    def __call__(self, token: str, api_url: str) -> SlackIdentity:
        """The token's identity, or ``ProbeError``."""
        ...


@dataclass(frozen=True, slots=True)
class RateLimit:
    """GitHub's primary (core) rate limit for the credentials."""

    limit: int
    remaining: int


class GitHubProbe(Protocol):
    """``GET /rate_limit`` with the configured GitHub credentials."""

    def __call__(self, settings: Settings) -> RateLimit:
        """The core rate limit, or ``ProbeError``/``RiskbriefError``."""
        ...


class AnthropicProbe(Protocol):
    """``client.models.retrieve(model)`` with the configured key."""

    def __call__(self, api_key: str, base_url: str | None, model: str) -> str:
        """The model's display name, or ``ProbeError``."""
        ...


SourcesProbe = Callable[[Settings, OrgConfig], list[str]]


class SmtpProbe(Protocol):
    """EHLO, STARTTLS when asked, LOGIN when a username is set, then QUIT; no mail."""

    def __call__(self, settings: Settings) -> None:
        """Return when all of that worked, or raise ``ProbeError``."""
        ...


def slack_auth_test(token: str, api_url: str) -> SlackIdentity:
    """The real Slack probe: slack_sdk's ``auth.test``, scopes from ``x-oauth-scopes``."""
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    client = WebClient(token=token, base_url=api_url, timeout=int(_TIMEOUT))
    try:
        response = client.auth_test()
    except SlackApiError as exc:
        error = str(exc.response.get("error") or f"HTTP {exc.response.status_code}")
        kind = (
            "refused"
            if error
            in ("invalid_auth", "not_authed", "token_revoked", "account_inactive", "token_expired")
            else "other"
        )
        raise ProbeError(kind, error) from None
    except (URLError, OSError) as exc:
        raise ProbeError("unreachable", type(exc).__name__) from None
    headers = {k.lower(): v for k, v in response.headers.items()}
    raw = headers.get("x-oauth-scopes")
    if isinstance(raw, list):
        raw = ",".join(raw)
    scopes = frozenset(s.strip() for s in raw.split(",") if s.strip()) if raw is not None else None
    return SlackIdentity(str(response.get("team", "")), str(response.get("user", "")), scopes)


def github_rate_limit(settings: Settings) -> RateLimit:  # noqa: ARG001 (GitHubProbe's protocol)
    """The real GitHub probe: riskbrief's ``GitHubClient``, token or App, at ``GITHUB_API_URL``
    (the GitHub source's credentials, read from the environment)."""
    from data.sources.github.client import GitHubClient
    from data.sources.github.credentials import github_credentials

    credentials = github_credentials(os.environ)
    client = GitHubClient(credentials.api_url, credentials.auth(), timeout=_TIMEOUT, max_wait=0.0)
    try:
        page = client.get("/rate_limit")
    finally:
        client.close()
    data = page.data if isinstance(page.data, dict) else {}
    core = data.get("resources", {}).get("core") or data.get("rate") or {}
    return RateLimit(int(core.get("limit", 0)), int(core.get("remaining", 0)))


def anthropic_model(api_key: str, base_url: str | None, model: str) -> str:
    """The real Anthropic probe: ``client.models.retrieve(model)``, no retries."""
    import anthropic

    from data.http.client import tls_context

    client = anthropic.Anthropic(
        api_key=api_key,
        base_url=base_url,
        max_retries=0,
        timeout=_TIMEOUT,
        http_client=anthropic.DefaultHttpxClient(verify=tls_context()),
    )
    try:
        info = client.models.retrieve(model)
    except anthropic.AuthenticationError:
        raise ProbeError("refused", "401 authentication_error") from None
    except anthropic.PermissionDeniedError:
        raise ProbeError("denied", "403 permission_error") from None
    except anthropic.NotFoundError:
        raise ProbeError("not_found", "404 not_found_error") from None
    except anthropic.APIStatusError as exc:
        raise ProbeError("other", f"HTTP {exc.status_code}") from None
    except anthropic.APIConnectionError as exc:
        raise ProbeError("unreachable", type(exc).__name__) from None
    finally:
        client.close()
    return str(info.display_name or info.id)


def smtp_login(settings: Settings, context: ssl.SSLContext | None = None) -> None:
    """The real SMTP probe: smtplib EHLO, STARTTLS, LOGIN, QUIT; sends nothing."""
    assert settings.smtp_host is not None
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=_TIMEOUT) as smtp:
            smtp.ehlo()
            if settings.smtp_starttls:
                smtp.starttls(context=context or ssl.create_default_context())
                smtp.ehlo()
            if settings.smtp_username is not None:
                password = settings.smtp_password
                smtp.login(settings.smtp_username, password.get_secret_value() if password else "")
            smtp.quit()
    except smtplib.SMTPAuthenticationError:
        raise ProbeError("refused", "the login was refused") from None
    except smtplib.SMTPNotSupportedError:
        raise ProbeError("denied", "STARTTLS or login is not offered") from None
    except ssl.SSLError as exc:
        raise ProbeError("unreachable", f"TLS failed ({exc.reason or 'TLS error'})") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise ProbeError("unreachable", type(exc).__name__) from None


@dataclass(frozen=True, slots=True)
class Probes:
    """The outside world, as the checks see it; tests swap single probes."""

    slack: SlackProbe = slack_auth_test
    github: GitHubProbe = github_rate_limit
    anthropic: AnthropicProbe = anthropic_model
    smtp: SmtpProbe = smtp_login
    # The names of the sources `riskbrief sync` would run.
    sources: SourcesProbe = field(default_factory=lambda: source_names)
