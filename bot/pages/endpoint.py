"""The web view as ``serve`` mounts it, built from the settings: its address and prefix, the
keys its links and sign-ins are signed with, the OpenID Connect provider, and who sees all.
"""

from __future__ import annotations

from urllib.parse import urlparse

from sqlalchemy.engine import Engine

from bot.answers.access import configured_tokens
from bot.pages.app import DEFAULT_PREFIX, PagesApp, PagesConfig, SignIn
from bot.pages.links import link_signer
from bot.settings import Settings
from data.config import OrgConfig
from scoring.errors import ConfigError

__all__ = ["pages_endpoint", "pages_prefix"]


def pages_prefix(settings: Settings) -> str:
    """The path the web view answers under: RISKBRIEF_WEB_URL's, else ``/web``."""
    if settings.web_url is None:
        return DEFAULT_PREFIX
    path = urlparse(settings.web_url).path.rstrip("/")
    return path or DEFAULT_PREFIX


def _signin(settings: Settings) -> SignIn | None:
    if settings.oidc_issuer is None and settings.oidc_client_id is None:
        return None
    if settings.oidc_issuer is None or settings.oidc_client_id is None:
        raise ConfigError(
            "set both RISKBRIEF_OIDC_ISSUER and RISKBRIEF_OIDC_CLIENT_ID for sign-in, or neither"
        )
    if settings.web_url is None:
        raise ConfigError(
            "sign-in needs RISKBRIEF_WEB_URL, the web view's public address, for the provider "
            "to send people back to"
        )
    from bot.pages.signin import ProviderSignIn

    secret = settings.oidc_client_secret
    return ProviderSignIn(
        issuer=settings.oidc_issuer,
        client_id=settings.oidc_client_id,
        client_secret=secret.get_secret_value() if secret is not None else None,
        redirect_uri=settings.web_url.rstrip("/") + "/signin/callback",
    )


def pages_endpoint(settings: Settings, engine: Engine, org: OrgConfig) -> PagesApp | None:
    """The web view for ``serve``, or ``None`` when RISKBRIEF_WEB_KEYS is not set."""
    signer = link_signer(settings)
    signin = _signin(settings)
    if signer is None:
        if signin is not None or settings.web_url is not None:
            raise ConfigError(
                "the web view needs RISKBRIEF_WEB_KEYS to sign its links and sign-ins; set it "
                "to a long random secret (openssl rand -hex 32)"
            )
        return None
    inline = settings.mcp_tokens.get_secret_value() if settings.mcp_tokens else None
    # An email is compared in any case, as people type it.
    admins = frozenset(e.lower() for e in settings.web_admins)
    config = PagesConfig(
        prefix=pages_prefix(settings),
        signer=signer,
        signin=signin,
        admins=admins,
        tokens=configured_tokens(engine, org, inline, settings.mcp_tokens_file),
        secure_cookies=(settings.web_url or "").startswith("https://"),
    )
    return PagesApp(engine, org, config)
