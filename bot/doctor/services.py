"""Doctor checks of the services riskbrief talks to: Slack, GitHub, the code hosts' checks,
Anthropic and SMTP.

Each takes the settings and one probe (``bot.doctor.probes``); a service that is
not configured and not needed is skipped.
"""

from __future__ import annotations

import os

from bot.doctor.check import MANIFEST_SCOPES, Check, failed, passed, skipped
from bot.doctor.probes import (
    AnthropicProbe,
    GitHubProbe,
    ProbeError,
    SlackProbe,
    SmtpProbe,
    anthropic_model,
    github_rate_limit,
    slack_auth_test,
    smtp_login,
)
from bot.settings import Settings
from data.config import OrgConfig
from data.sources.github.credentials import github_credentials
from scoring.errors import RiskbriefError

__all__ = [
    "check_anthropic",
    "check_code_host_checks",
    "check_github",
    "check_slack_mode",
    "check_slack_token",
    "check_smtp",
]


def _missing_scopes(granted: frozenset[str]) -> list[str]:
    return [s for s in MANIFEST_SCOPES if s not in granted]


def check_slack_token(settings: Settings, probe: SlackProbe = slack_auth_test) -> Check:
    """SLACK_BOT_TOKEN passes ``auth.test`` and holds every scope the manifest asks."""
    name = "slack token"
    if settings.slack_bot_token is None:
        return skipped(name, "SLACK_BOT_TOKEN is not set: no Slack delivery, no `serve`.")
    token = settings.slack_bot_token.get_secret_value()
    try:
        who = probe(token, settings.slack_api_url)
    except ProbeError as exc:
        if exc.kind == "refused":
            return failed(
                name,
                f"Slack refused SLACK_BOT_TOKEN ({exc.reason}).",
                "copy the Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions "
                "page, reinstalling the app if it was revoked.",
            )
        if exc.kind == "unreachable":
            return failed(
                name,
                f"Slack at {settings.slack_api_url} cannot be reached ({exc.reason}).",
                "check SLACK_API_URL and the network.",
            )
        return failed(
            name,
            f"Slack's auth.test failed ({exc.reason}).",
            "check SLACK_BOT_TOKEN and SLACK_API_URL.",
        )
    if not token.startswith("xoxb-"):
        return failed(
            name,
            "SLACK_BOT_TOKEN is valid but is not a bot token (xoxb-…).",
            "use the Bot User OAuth Token from your app's OAuth & Permissions page.",
        )
    if who.scopes is None:
        return failed(
            name,
            "Slack did not say which scopes the token has (no x-oauth-scopes header).",
            "check in your app's OAuth & Permissions page that it has "
            f"{', '.join(MANIFEST_SCOPES)}.",
        )
    missing = _missing_scopes(who.scopes)
    if missing:
        return failed(
            name,
            f"the token lacks the scope{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            "that slack/manifest.yml asks for.",
            "add them under OAuth & Permissions → Bot Token Scopes (or paste the manifest "
            "again), then reinstall the app to the workspace.",
        )
    return passed(
        name,
        f"bot {who.user} in {who.team}, with every scope the manifest asks "
        f"({len(MANIFEST_SCOPES)}).",
    )


def _without_slack(settings: Settings) -> str:
    """What ``riskbrief serve`` runs with no Slack variable set, and what it leaves off."""
    from bot.checks.registry import CHECKS
    from bot.checks.secrets import webhook_secret

    runs = ["the scheduler (sync, scoring, email and Teams briefings)"]
    off = [
        "/risk and Slack briefings (set SLACK_BOT_TOKEN and SLACK_APP_TOKEN, or "
        "SLACK_SIGNING_SECRET for HTTP mode)"
    ]
    web = [
        (
            settings.mcp_tokens is not None or settings.mcp_tokens_file is not None,
            "/mcp for coding agents",
            "/mcp (RISKBRIEF_MCP_TOKENS)",
        ),
        *(
            (
                on,
                # Its path is its package's: loaded only for a check that is on.
                f"{entry.noun} at {entry.load().WEBHOOK_PATH}" if on else "",
                f"{entry.noun} ({' or '.join(entry.secrets)})",
            )
            for entry in CHECKS
            for on in [any(webhook_secret(os.environ, v) is not None for v in entry.secrets)]
        ),
        (
            settings.deploy_secret is not None,
            "/deploys and /coverage",
            "/deploys and /coverage (RISKBRIEF_DEPLOY_SECRET)",
        ),
    ]
    for on, running, missing in web:
        (runs if on else off).append(running if on else missing)
    runs.append("/healthz, /readyz and /metrics")
    return (
        f"Slack is not configured; `riskbrief serve` still runs {_listed(runs)}; "
        f"off: {_listed(off)}."
    )


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def check_slack_mode(settings: Settings) -> Check:
    """Socket Mode (SLACK_APP_TOKEN, xapp-…) or HTTP mode (SLACK_SIGNING_SECRET) is coherent."""
    name = "slack mode"
    app_token, secret = settings.slack_app_token, settings.slack_signing_secret
    if settings.slack_bot_token is None:
        if app_token is None and secret is None:
            return skipped(name, _without_slack(settings))
        return failed(
            name,
            "SLACK_APP_TOKEN or SLACK_SIGNING_SECRET is set but SLACK_BOT_TOKEN is not.",
            "set SLACK_BOT_TOKEN to your app's bot token (xoxb-…).",
        )
    if app_token is not None:
        if not app_token.get_secret_value().startswith("xapp-"):
            return failed(
                name,
                "SLACK_APP_TOKEN is set but is not an app-level token (xapp-…).",
                "set it to the xapp-… token from your app's Basic Information page "
                "(scope connections:write), or unset it for HTTP mode.",
            )
        return passed(name, "Socket Mode: `serve` connects out with SLACK_APP_TOKEN.")
    if secret is None:
        return failed(
            name,
            "HTTP mode (no SLACK_APP_TOKEN) but SLACK_SIGNING_SECRET is not set.",
            "set SLACK_SIGNING_SECRET to your app's signing secret, or set SLACK_APP_TOKEN "
            "for Socket Mode.",
        )
    return passed(
        name,
        f"HTTP mode: `serve` verifies Slack's requests on {settings.serve_host}:"
        f"{settings.serve_port}/slack/events.",
    )


def check_github(settings: Settings, probe: GitHubProbe = github_rate_limit) -> Check:
    """The GitHub token (or App) is accepted at GITHUB_API_URL, and how much quota is left."""
    name = "github"
    # The GitHub source's credentials (its spec's variables), as the sync reads them.
    credentials = github_credentials(os.environ)
    if not credentials.any_set:
        return skipped(name, "neither GITHUB_TOKEN nor the GitHub App settings are set.")
    how = "GITHUB_TOKEN" if credentials.token is not None else "the GitHub App"
    try:
        limit = probe(settings)
    except RiskbriefError as exc:
        return failed(
            name,
            f"{how} at {credentials.api_url} did not work: {exc}",
            "set GITHUB_TOKEN to a token with read access, or all three GITHUB_APP_* settings; "
            "and GITHUB_API_URL to https://api.github.com or https://HOST/api/v3.",
        )
    if limit.remaining == 0:
        return failed(
            name,
            f"{how} is valid but its rate limit is spent (0 of {limit.limit} left).",
            "wait for the hourly reset, or use a GitHub App, whose limit is higher.",
        )
    return passed(
        name,
        f"{how} is accepted at {credentials.api_url}; "
        f"{limit.remaining} of {limit.limit} requests left this hour.",
    )


def check_anthropic(settings: Settings, probe: AnthropicProbe = anthropic_model) -> Check:
    """ANTHROPIC_API_KEY is accepted and the configured model exists for it."""
    name = "anthropic"
    if settings.anthropic_api_key is None:
        return skipped(name, "ANTHROPIC_API_KEY is not set: the narrative is deterministic.")
    try:
        shown = probe(
            settings.anthropic_api_key.get_secret_value(),
            settings.anthropic_base_url,
            settings.model,
        )
    except ProbeError as exc:
        where = settings.anthropic_base_url or "Anthropic's API"
        fixes = {
            "refused": (
                f"Anthropic refused ANTHROPIC_API_KEY ({exc.reason}).",
                "create a key in the Anthropic Console and set ANTHROPIC_API_KEY to it.",
            ),
            "denied": (
                f"ANTHROPIC_API_KEY may not use {settings.model} ({exc.reason}).",
                "use a key of a workspace allowed to use the model, or another RISKBRIEF_MODEL.",
            ),
            "not_found": (
                f"the model {settings.model} is not available ({exc.reason}).",
                "set RISKBRIEF_MODEL to a current Claude model id such as claude-sonnet-5-5.",
            ),
            "unreachable": (
                f"{where} cannot be reached ({exc.reason}).",
                "check ANTHROPIC_BASE_URL (or unset it) and the network.",
            ),
        }
        detail, fix = fixes.get(
            exc.kind,
            (
                f"Anthropic's API answered {exc.reason}.",
                "try again later; briefings use the deterministic narrative meanwhile.",
            ),
        )
        return failed(name, detail, fix)
    return passed(name, f"the key is accepted and {settings.model} ({shown}) is available.")


def check_smtp(settings: Settings, probe: SmtpProbe = smtp_login) -> Check:
    """The SMTP server answers, upgrades with STARTTLS and accepts the login; nothing is sent."""
    name = "smtp"
    if settings.smtp_host is None:
        return skipped(name, "RISKBRIEF_SMTP_HOST is not set: no email delivery.")
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    if settings.smtp_from is None:
        return failed(
            name,
            "RISKBRIEF_SMTP_HOST is set but RISKBRIEF_SMTP_FROM is not.",
            "set RISKBRIEF_SMTP_FROM to the address briefings come from.",
        )
    try:
        probe(settings)
    except ProbeError as exc:
        fixes = {
            "refused": (
                f"{where} refused the login of RISKBRIEF_SMTP_USERNAME.",
                "check RISKBRIEF_SMTP_USERNAME and RISKBRIEF_SMTP_PASSWORD.",
            ),
            "denied": (
                f"{where}: {exc.reason}.",
                "use the server's submission port (587), or set RISKBRIEF_SMTP_STARTTLS=false "
                "for a local relay.",
            ),
        }
        detail, fix = fixes.get(
            exc.kind,
            (
                f"{where} could not be used: {exc.reason}.",
                "check RISKBRIEF_SMTP_HOST and RISKBRIEF_SMTP_PORT, and that the server's "
                "certificate is for that host name.",
            ),
        )
        return failed(name, detail, fix)
    steps = ["answers"]
    if settings.smtp_starttls:
        steps.append("STARTTLS")
    if settings.smtp_username is not None:
        steps.append("login")
    return passed(name, f"{where}: {', '.join(steps)} ok; no mail was sent.")


def check_code_host_checks(
    settings: Settings, org: OrgConfig | None, org_error: str | None
) -> list[Check]:
    """Whether each code host's check (``bot.checks.registry``) is on, and what is missing
    when it is half set up; no line for a check of which nothing is set (neither its
    secret nor its host's table), as an installation without that host has nothing to
    read here."""
    # Imported here: the hosts' packages are the web role's, not every doctor run's.
    from bot.checks.registry import CHECKS

    readable = org if org_error is None else None
    lines: list[Check] = []
    for entry in CHECKS:
        try:
            states = entry.load().check_states(settings, readable, os.environ)
        except RiskbriefError as exc:
            # A secret set but malformed: the one sentence `serve` would stop with.
            lines.append(failed(f"{entry.key} check", f"{exc}.", "fix the variable and run again."))
            continue
        for state in states:
            if not state.secret and not state.table:
                continue
            if readable is None:
                lines.append(
                    skipped(
                        state.name, f"not checked: {settings.config} does not read (see config)."
                    )
                )
            elif state.off is None:
                lines.append(passed(state.name, state.on))
            elif not state.secret:
                # Not asked for: an organisation may sync the host without the check.
                lines.append(skipped(state.name, state.off + "."))
            else:
                what, _, todo = state.off.partition("; ")
                lines.append(failed(state.name, what + ".", todo + "."))
    return lines
