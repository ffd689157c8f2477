"""The doctor's line on the web view: off, or on at its address with how people get in, and
whether the OpenID Connect provider it signs people in with answers."""

from __future__ import annotations

import httpx

from bot.doctor.check import Check, failed, passed, skipped
from bot.settings import Settings
from data.http.client import http_client
from scoring.errors import ConfigError

__all__ = ["check_web_view"]

NAME = "web view"


def _provider(issuer: str) -> str | None:
    """Why the provider's discovery document does not answer as it should, or ``None``."""
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        with http_client(timeout=5.0) as client:
            answer = client.get(url)
    except httpx.HTTPError as exc:
        return f"{url} did not answer ({type(exc).__name__})"
    if answer.status_code != 200:
        return f"{url} answered {answer.status_code}"
    try:
        found = answer.json().get("issuer")
    except (ValueError, AttributeError):
        return f"{url} is not a discovery document"
    if found != issuer:
        return f"the provider calls itself {found!r}, not {issuer!r}"
    return None


def check_web_view(settings: Settings) -> Check:
    """Whether ``serve`` answers the web view, where, and how people get in."""
    # Imported here: the pages' modules are the web role's, not every doctor run's.
    from bot.pages.endpoint import pages_prefix
    from bot.pages.links import link_signer

    try:
        signer = link_signer(settings)
    except ConfigError as exc:
        return failed(NAME, "its keys do not read", str(exc))
    if signer is None:
        if settings.web_url is not None or settings.oidc_issuer is not None:
            return failed(
                NAME,
                "RISKBRIEF_WEB_URL or sign-in is set but RISKBRIEF_WEB_KEYS is not",
                "set RISKBRIEF_WEB_KEYS to a long random secret (openssl rand -hex 32)",
            )
        return skipped(
            NAME,
            "off: set RISKBRIEF_WEB_KEYS (and RISKBRIEF_WEB_URL, for briefings to link to it) "
            "for `serve` to answer it; `riskbrief web` shows it on this machine without them",
        )
    where = settings.web_url or f"{pages_prefix(settings)} of serve's address"
    links = (
        f"briefings link to it for {settings.web_link_days} days"
        if settings.web_url is not None
        else "briefings do not link to it until RISKBRIEF_WEB_URL is set"
    )
    if settings.oidc_issuer is None and settings.oidc_client_id is None:
        return passed(NAME, f"on at {where}; {links}; no sign-in: people come by their links")
    if settings.oidc_issuer is None or settings.oidc_client_id is None or not settings.web_url:
        return failed(
            NAME,
            "sign-in is half set up",
            "set RISKBRIEF_OIDC_ISSUER, RISKBRIEF_OIDC_CLIENT_ID and RISKBRIEF_WEB_URL together",
        )
    problem = _provider(settings.oidc_issuer)
    if problem is not None:
        return failed(
            NAME,
            f"sign-in's provider does not answer: {problem}",
            "check RISKBRIEF_OIDC_ISSUER (the issuer URL exactly as the provider writes it)",
        )
    return passed(
        NAME,
        f"on at {where}; {links}; sign-in with {settings.oidc_issuer} (its discovery document "
        f"answers); register {settings.web_url.rstrip('/')}/signin/callback as its redirect URI",
    )
