"""``riskbrief doctor``: is this installation ready? One check per thing it needs.

Each check is a function of the settings and one probe, returning a ``Check``:
``pass``, ``fail`` (with the fix, in one sentence) or ``skip`` (not configured,
and not needed). Probes are the one place a check touches the outside world,
one method each, so the checks are tested with the real clients against local
fakes and their logic with stubs. Nothing a check says contains a secret: the
probes never put one in a message and ``render`` redacts what they say anyway.
"""

from __future__ import annotations

import json
import smtplib
import ssl
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal, Protocol
from urllib.error import URLError
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel import Session, col, select

from bot.logs import Redactor, secret_values
from bot.settings import Settings
from data.config import OrgConfig, load_org_config
from data.engine import make_engine
from data.migrate import current_revision, head_revision
from data.sources.github.deploys import github_repositories
from scoring.errors import RiskbriefError

__all__ = [
    "MANIFEST_SCOPES",
    "Check",
    "ProbeError",
    "Probes",
    "RateLimit",
    "SlackIdentity",
    "check_anthropic",
    "check_database",
    "check_github",
    "check_slack_mode",
    "check_slack_token",
    "check_smtp",
    "check_sources",
    "check_timezones",
    "render",
    "render_json",
    "run_checks",
]

Status = Literal["pass", "fail", "skip"]

# The bot scopes slack/manifest.yml asks for (a test keeps the two in step).
MANIFEST_SCOPES: tuple[str, ...] = (
    "commands",
    "chat:write",
    "im:write",
    "im:history",
    "users:read",
)

_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class Check:
    """What one check found: its name, status, what it saw, and the fix when it failed."""

    name: str
    status: Status
    detail: str
    fix: str | None = None

    def line(self) -> str:
        """``pass  name: detail``, with ``fix: …`` after a failure."""
        detail = self.detail if self.detail.endswith((".", "?", "!")) else self.detail + "."
        text = f"{self.status:<4}  {self.name}: {detail}"
        return f"{text} Fix: {self.fix}" if self.fix else text


def _pass(name: str, detail: str) -> Check:
    return Check(name, "pass", detail)


def _skip(name: str, detail: str) -> Check:
    return Check(name, "skip", detail)


def _fail(name: str, detail: str, fix: str) -> Check:
    return Check(name, "fail", detail, fix)


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


def github_rate_limit(settings: Settings) -> RateLimit:
    """The real GitHub probe: riskbrief's ``GitHubClient``, token or App, at ``GITHUB_API_URL``."""
    from bot.sources import _github_auth
    from data.sources.github.client import GitHubClient

    client = GitHubClient(
        settings.github_api_url, _github_auth(settings), timeout=_TIMEOUT, max_wait=0.0
    )
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

    client = anthropic.Anthropic(
        api_key=api_key, base_url=base_url, max_retries=0, timeout=_TIMEOUT
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
    sources: SourcesProbe = field(default_factory=lambda: _source_names)


# -- the checks ----------------------------------------------------------------------


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def check_database(settings: Settings) -> Check:
    """The store answers and is migrated to the newest schema."""
    name = "database"
    try:
        shown = make_url(settings.database_url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return _fail(
            name,
            "RISKBRIEF_DATABASE_URL is not a database URL.",
            "set it to sqlite:///riskbrief.db or postgresql://user@host/db.",
        )
    path = _sqlite_file(settings.database_url)
    if path is not None and not path.exists():
        # Connecting would create an empty file; say what is missing instead.
        return _fail(
            name,
            f"there is no database at {path}.",
            "run `riskbrief db upgrade` to create it, or point RISKBRIEF_DATABASE_URL at yours.",
        )
    engine = make_engine(settings.database_url)
    try:
        current = current_revision(engine)
    except sa.exc.SQLAlchemyError as exc:
        reason = type(getattr(exc, "orig", None) or exc).__name__
        return _fail(
            name,
            f"cannot reach the database at {shown} ({reason}).",
            "check RISKBRIEF_DATABASE_URL and that the database server is running.",
        )
    finally:
        engine.dispose()
    head = head_revision()
    if current != head:
        state = "was never migrated" if current is None else f"is at revision {current}"
        return _fail(
            name,
            f"{shown} {state}, not {head}.",
            "run `riskbrief db upgrade`.",
        )
    return _pass(name, f"{shown} answers and is at the newest schema ({head}).")


def _missing_scopes(granted: frozenset[str]) -> list[str]:
    return [s for s in MANIFEST_SCOPES if s not in granted]


def check_slack_token(settings: Settings, probe: SlackProbe = slack_auth_test) -> Check:
    """SLACK_BOT_TOKEN passes ``auth.test`` and holds every scope the manifest asks."""
    name = "slack token"
    if settings.slack_bot_token is None:
        return _skip(name, "SLACK_BOT_TOKEN is not set: no Slack delivery, no `serve`.")
    token = settings.slack_bot_token.get_secret_value()
    try:
        who = probe(token, settings.slack_api_url)
    except ProbeError as exc:
        if exc.kind == "refused":
            return _fail(
                name,
                f"Slack refused SLACK_BOT_TOKEN ({exc.reason}).",
                "copy the Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions "
                "page, reinstalling the app if it was revoked.",
            )
        if exc.kind == "unreachable":
            return _fail(
                name,
                f"Slack at {settings.slack_api_url} cannot be reached ({exc.reason}).",
                "check SLACK_API_URL and the network.",
            )
        return _fail(
            name,
            f"Slack's auth.test failed ({exc.reason}).",
            "check SLACK_BOT_TOKEN and SLACK_API_URL.",
        )
    if not token.startswith("xoxb-"):
        return _fail(
            name,
            "SLACK_BOT_TOKEN is valid but is not a bot token (xoxb-…).",
            "use the Bot User OAuth Token from your app's OAuth & Permissions page.",
        )
    if who.scopes is None:
        return _fail(
            name,
            "Slack did not say which scopes the token has (no x-oauth-scopes header).",
            "check in your app's OAuth & Permissions page that it has "
            f"{', '.join(MANIFEST_SCOPES)}.",
        )
    missing = _missing_scopes(who.scopes)
    if missing:
        return _fail(
            name,
            f"the token lacks the scope{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            "that slack/manifest.yml asks for.",
            "add them under OAuth & Permissions → Bot Token Scopes (or paste the manifest "
            "again), then reinstall the app to the workspace.",
        )
    return _pass(
        name,
        f"bot {who.user} in {who.team}, with every scope the manifest asks "
        f"({len(MANIFEST_SCOPES)}).",
    )


def check_slack_mode(settings: Settings) -> Check:
    """Socket Mode (SLACK_APP_TOKEN, xapp-…) or HTTP mode (SLACK_SIGNING_SECRET) is coherent."""
    name = "slack mode"
    app_token, secret = settings.slack_app_token, settings.slack_signing_secret
    if settings.slack_bot_token is None:
        if app_token is None and secret is None:
            return _skip(name, "Slack is not configured: `riskbrief serve` is not available.")
        return _fail(
            name,
            "SLACK_APP_TOKEN or SLACK_SIGNING_SECRET is set but SLACK_BOT_TOKEN is not.",
            "set SLACK_BOT_TOKEN to your app's bot token (xoxb-…).",
        )
    if app_token is not None:
        if not app_token.get_secret_value().startswith("xapp-"):
            return _fail(
                name,
                "SLACK_APP_TOKEN is set but is not an app-level token (xapp-…).",
                "set it to the xapp-… token from your app's Basic Information page "
                "(scope connections:write), or unset it for HTTP mode.",
            )
        return _pass(name, "Socket Mode: `serve` connects out with SLACK_APP_TOKEN.")
    if secret is None:
        return _fail(
            name,
            "HTTP mode (no SLACK_APP_TOKEN) but SLACK_SIGNING_SECRET is not set.",
            "set SLACK_SIGNING_SECRET to your app's signing secret, or set SLACK_APP_TOKEN "
            "for Socket Mode.",
        )
    return _pass(
        name,
        f"HTTP mode: `serve` verifies Slack's requests on {settings.serve_host}:"
        f"{settings.serve_port}/slack/events.",
    )


def _github_configured(settings: Settings) -> bool:
    return bool(
        settings.github_token
        or settings.github_app_id
        or settings.github_app_private_key
        or settings.github_app_installation_id
    )


def check_github(settings: Settings, probe: GitHubProbe = github_rate_limit) -> Check:
    """The GitHub token (or App) is accepted at GITHUB_API_URL, and how much quota is left."""
    name = "github"
    if not _github_configured(settings):
        return _skip(name, "neither GITHUB_TOKEN nor the GitHub App settings are set.")
    how = "GITHUB_TOKEN" if settings.github_token is not None else "the GitHub App"
    try:
        limit = probe(settings)
    except RiskbriefError as exc:
        return _fail(
            name,
            f"{how} at {settings.github_api_url} did not work: {exc}",
            "set GITHUB_TOKEN to a token with read access, or all three GITHUB_APP_* settings; "
            "and GITHUB_API_URL to https://api.github.com or https://HOST/api/v3.",
        )
    if limit.remaining == 0:
        return _fail(
            name,
            f"{how} is valid but its rate limit is spent (0 of {limit.limit} left).",
            "wait for the hourly reset, or use a GitHub App, whose limit is higher.",
        )
    return _pass(
        name,
        f"{how} is accepted at {settings.github_api_url}; "
        f"{limit.remaining} of {limit.limit} requests left this hour.",
    )


def check_anthropic(settings: Settings, probe: AnthropicProbe = anthropic_model) -> Check:
    """ANTHROPIC_API_KEY is accepted and the configured model exists for it."""
    name = "anthropic"
    if settings.anthropic_api_key is None:
        return _skip(name, "ANTHROPIC_API_KEY is not set: the narrative is deterministic.")
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
        return _fail(name, detail, fix)
    return _pass(name, f"the key is accepted and {settings.model} ({shown}) is available.")


def check_smtp(settings: Settings, probe: SmtpProbe = smtp_login) -> Check:
    """The SMTP server answers, upgrades with STARTTLS and accepts the login; nothing is sent."""
    name = "smtp"
    if settings.smtp_host is None:
        return _skip(name, "RISKBRIEF_SMTP_HOST is not set: no email delivery.")
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    if settings.smtp_from is None:
        return _fail(
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
        return _fail(name, detail, fix)
    steps = ["answers"]
    if settings.smtp_starttls:
        steps.append("STARTTLS")
    if settings.smtp_username is not None:
        steps.append("login")
    return _pass(name, f"{where}: {', '.join(steps)} ok; no mail was sent.")


def _zone_ok(zone: str) -> bool:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def check_timezones(settings: Settings, org: OrgConfig | None, org_error: str | None) -> Check:
    """Every subscriber, in riskbrief.toml and in the store, has a valid IANA time zone."""
    name = "time zones"
    if org_error is not None:
        return _fail(name, org_error, f"correct {settings.config} as the sentence says.")
    assert org is not None
    # One subscriber is one zone: riskbrief.toml's own, else the one stored for a
    # subscriber who joined through Slack.
    zones = {key: ("store", zone) for key, zone in _stored_zones(settings).items()}
    zones.update({s.key: ("riskbrief.toml", s.timezone) for s in org.subscribers})
    bad = sorted(
        f"{where} {key} ({zone!r})" for key, (where, zone) in zones.items() if not _zone_ok(zone)
    )
    if bad:
        return _fail(
            name,
            f"not an IANA time zone: {', '.join(bad)}.",
            "use a zone such as Europe/Berlin or America/New_York (in riskbrief.toml, or "
            "with /risk settings for a subscriber who joined through Slack).",
        )
    if not zones:
        return _skip(name, "no subscribers yet; add [[subscribers]] to riskbrief.toml.")
    if len(zones) == 1:
        return _pass(name, "the subscriber's time zone is valid.")
    return _pass(name, f"all {len(zones)} subscribers' time zones are valid.")


def _not_a_clone(path: Path) -> str | None:
    """Why ``path`` is not a git clone riskbrief can read, or ``None`` when it is one."""
    if not path.exists():
        return "does not exist"
    if not path.is_dir():
        return "is not a directory"
    try:
        done = subprocess.run(
            ["git", "-C", str(path), "rev-parse", "--git-dir"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "could not be read with git"
    return None if done.returncode == 0 else "is not a git clone"


def check_repositories(settings: Settings, org: OrgConfig | None, org_error: str | None) -> Check:
    """Every [[repositories]] entry is read by something: a clone that exists, or GitHub."""
    name = "repositories"
    if org_error is not None:
        return _fail(name, org_error, f"correct {settings.config} as the sentence says.")
    assert org is not None
    if not org.repositories:
        return _skip(name, "riskbrief.toml lists no [[repositories]].")
    github = org.sources.github
    on_github = set(github_repositories(org, github)) if github is not None else set()
    for repo in org.repositories:
        if repo.path is not None:
            why = _not_a_clone(Path(repo.path).expanduser())
            if why is not None:
                return _fail(
                    name,
                    f"{repo.name}: its path {repo.path} {why}.",
                    f"set path in {settings.config} to a local git clone of {repo.name}.",
                )
        elif repo.name not in on_github:
            return _fail(
                name,
                f"{repo.name} has no path and GitHub is not configured, so nothing reads it.",
                f"set path to a local clone, or add [sources.github] to {settings.config} "
                "and set GITHUB_TOKEN.",
            )
    n = len(org.repositories)
    return _pass(name, f"{'the repository' if n == 1 else f'all {n} repositories'} can be read.")


def check_delivery(settings: Settings, org: OrgConfig | None, org_error: str | None) -> Check:
    """Every subscriber in riskbrief.toml has a way out that is configured."""
    name = "delivery"
    if org_error is not None:
        return _fail(name, org_error, f"correct {settings.config} as the sentence says.")
    assert org is not None
    if not org.subscribers:
        return _skip(name, "no subscribers yet; add [[subscribers]] to riskbrief.toml.")
    slack = settings.slack_bot_token is not None
    email = settings.smtp_host is not None and settings.smtp_from is not None
    if not slack and not email:
        return _skip(name, "neither Slack nor SMTP is set up: briefings are only written to files.")
    for sub in org.subscribers:
        if (sub.slack_user_id or settings.slack_channel) and slack:
            continue
        if sub.email and email:
            continue
        wants = "Slack (SLACK_BOT_TOKEN)" if sub.slack_user_id else ""
        if sub.email:
            wants = " or ".join(
                w for w in (wants, "email (RISKBRIEF_SMTP_HOST and RISKBRIEF_SMTP_FROM)") if w
            )
        return _fail(
            name,
            f"subscriber {sub.key} would get nothing: {wants} is not set.",
            f"set {wants}, or give {sub.key} a slack_user_id or email that is configured.",
        )
    n = len(org.subscribers)
    return _pass(name, f"{'the subscriber' if n == 1 else f'all {n} subscribers'} can be reached.")


def _stored_zones(settings: Settings) -> dict[str, str]:
    """Active subscribers' zones in the store; empty when the store is not ready."""
    from data.tables import Subscriber

    path = _sqlite_file(settings.database_url)
    if path is not None and not path.exists():
        return {}
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            rows = session.exec(select(Subscriber).where(col(Subscriber.active)))
            return {row.key: row.timezone for row in rows}
    except sa.exc.SQLAlchemyError:
        return {}  # the database check says why
    finally:
        engine.dispose()


def _source_names(settings: Settings, org: OrgConfig) -> list[str]:
    from bot.sources import configured_sources

    sources = configured_sources(settings, org)
    try:
        return [source.name for source in sources]
    finally:
        for source in sources:
            close = getattr(source, "close", None)
            if callable(close):
                close()


def check_sources(
    settings: Settings,
    org: OrgConfig | None,
    org_error: str | None,
    names: SourcesProbe | None = None,
) -> Check:
    """Which sources `riskbrief sync` would run, or the credential one of them lacks."""
    name = "sources"
    if org_error is not None:
        return _fail(name, org_error, f"correct {settings.config} as the sentence says.")
    assert org is not None
    try:
        found = (names or _source_names)(settings, org)
    except RiskbriefError as exc:
        return _fail(name, str(exc), "set what the sentence names, or remove that source.")
    if not found:
        return _skip(
            name,
            "riskbrief.toml configures no source; add [[repositories]] with a path or "
            "[sources.github] to sync.",
        )
    return _pass(name, f"`riskbrief sync` would run {len(found)}: {', '.join(found)}.")


def _org(settings: Settings) -> tuple[OrgConfig | None, str | None]:
    try:
        return load_org_config(settings.config), None
    except RiskbriefError as exc:
        return None, str(exc)


def run_checks(settings: Settings, probes: Probes | None = None) -> list[Check]:
    """Every check, in the order a new installation is usually fixed."""
    p = probes or Probes()
    org, org_error = _org(settings)
    return [
        check_database(settings),
        check_sources(settings, org, org_error, p.sources),
        check_repositories(settings, org, org_error),
        check_timezones(settings, org, org_error),
        check_delivery(settings, org, org_error),
        check_github(settings, p.github),
        check_slack_token(settings, p.slack),
        check_slack_mode(settings),
        check_anthropic(settings, p.anthropic),
        check_smtp(settings, p.smtp),
    ]


def _redactor(settings: Settings) -> Redactor:
    return Redactor(secret_values(settings))


def render(checks: Sequence[Check], settings: Settings) -> str:
    """One line per check and a summary line, every secret redacted."""
    redactor = _redactor(settings)
    lines = [redactor.redact(c.line()) for c in checks]
    failed = sum(c.status == "fail" for c in checks)
    skipped = sum(c.status == "skip" for c in checks)
    passed = len(checks) - failed - skipped
    lines.append(f"{passed} passed, {failed} failed, {skipped} skipped.")
    return "\n".join(lines)


def render_json(checks: Sequence[Check], settings: Settings) -> str:
    """``{"ok": …, "checks": [{name, status, detail, fix}, …]}``, every secret redacted."""
    redactor = _redactor(settings)
    body = {
        "ok": all(c.status != "fail" for c in checks),
        "checks": [redactor.value(asdict(c)) for c in checks],
    }
    return json.dumps(body, sort_keys=True)
