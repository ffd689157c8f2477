"""Signed, expiring tokens: a briefing's link to the web view, and a signed-in browser's session.

Both are ``itsdangerous`` timed signatures over a small JSON value, under keys given newest
first (``RISKBRIEF_WEB_KEYS``): the newest signs, every key still verifies, so keys rotate
by putting a new one in front and dropping the oldest once its links have expired. A
token names a subscriber, never a scope: the scope is read from the store on every
request, so a narrowed or removed subscriber's old links narrow or stop with it.
Nothing here is stored or written on use, so a mail scanner that fetches a link
changes nothing.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer

from bot.settings import Settings
from briefing.payload import BriefingPayload, with_web_links
from scoring.errors import ConfigError

__all__ = [
    "DEMO_KEY",
    "DEMO_WEB_URL",
    "LINK_PARAMETER",
    "SESSION_HOURS",
    "BriefingLinks",
    "LinkSigner",
    "SessionValue",
    "briefing_links",
    "link_signer",
    "new_session_id",
]

# The query parameter a briefing's link carries its token in.
LINK_PARAMETER = "t"
# How long a sign-in lasts before the provider is asked again.
SESSION_HOURS = 12
# The demo's own key and address: `riskbrief demo` writes links that `riskbrief web --demo`
# opens. Not a secret, and never used outside the demo.
DEMO_KEY = "riskbrief-demo-only-not-a-secret"
DEMO_WEB_URL = "http://127.0.0.1:8765/web"


def new_session_id() -> str:
    """A fresh random id for a session: what signing out records (``revoked_session``)."""
    return secrets.token_urlsafe(18)


@dataclass(frozen=True, slots=True)
class SessionValue:
    """Who a browser signed in as: a subscriber's key, an email, whether the email sees the
    whole organisation (``RISKBRIEF_WEB_ADMINS``), and the session's own random id, by which
    signing out revokes it on the server."""

    subscriber: str | None
    email: str | None
    organisation: bool = False
    sid: str = field(default_factory=new_session_id)


def _clocked(clock: Callable[[], float]) -> type[TimestampSigner]:
    """itsdangerous' timestamp signer reading ``clock``: the demo signs its links as of its
    own day, so two runs for the same day write the same links."""

    class Clocked(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(clock())

    return Clocked


class LinkSigner:
    """Signs and reads link tokens and session values with the configured keys."""

    def __init__(
        self, keys: Sequence[str], link_days: int = 30, clock: Callable[[], float] = time.time
    ) -> None:
        if not keys or any(len(k) < 16 for k in keys):
            raise ValueError("every web key must be at least 16 characters")
        # itsdangerous signs with the last key of the list and verifies with each.
        newest_last = list(reversed(keys))
        self._links = URLSafeTimedSerializer(
            newest_last, salt="riskbrief.web.link", signer=_clocked(clock)
        )
        self._sessions = URLSafeTimedSerializer(newest_last, salt="riskbrief.web.session")
        self._signins = URLSafeTimedSerializer(newest_last, salt="riskbrief.web.signin")
        self._signouts = URLSafeTimedSerializer(newest_last, salt="riskbrief.web.signout")
        self._link_seconds = link_days * 86400

    def link_token(self, subscriber: str) -> str:
        """A token opening the web view in ``subscriber``'s scope until it expires."""
        return self._links.dumps({"s": subscriber})

    def link_subscriber(self, token: str) -> str | None:
        """The subscriber a link token names, or ``None`` when it is forged, expired or garbled."""
        try:
            value = self._links.loads(token, max_age=self._link_seconds)
        except BadData:
            return None
        found = value.get("s") if isinstance(value, dict) else None
        return found if isinstance(found, str) else None

    def session_token(self, value: SessionValue) -> str:
        """The cookie value of a sign-in."""
        return self._sessions.dumps(
            {"s": value.subscriber, "e": value.email, "o": value.organisation, "i": value.sid}
        )

    def session(self, token: str) -> SessionValue | None:
        """The sign-in a cookie holds, or ``None`` when it is forged, expired or garbled, or
        carries no session id (made before sessions could be signed out on the server)."""
        try:
            value = self._sessions.loads(token, max_age=SESSION_HOURS * 3600)
        except BadData:
            return None
        if not isinstance(value, dict):
            return None
        subscriber, email, sid = value.get("s"), value.get("e"), value.get("i")
        if not (subscriber is None or isinstance(subscriber, str)):
            return None
        if not (email is None or isinstance(email, str)):
            return None
        if not isinstance(sid, str) or not sid:
            return None
        return SessionValue(subscriber, email, value.get("o") is True, sid)

    def signout_token(self, sid: str) -> str:
        """The sign-out form's token for session ``sid``: a cross-site form cannot know it."""
        return self._signouts.dumps(sid)

    def signout_matches(self, token: str, sid: str) -> bool:
        """Whether ``token`` is the sign-out form's token of session ``sid``."""
        try:
            value = self._signouts.loads(token, max_age=SESSION_HOURS * 3600)
        except BadData:
            return False
        return isinstance(value, str) and secrets.compare_digest(value, sid)

    def signin_token(self, value: dict[str, str]) -> str:
        """A sign-in under way (state, nonce, PKCE verifier), for the browser to carry back."""
        return self._signins.dumps(value)

    def signin(self, token: str) -> dict[str, str] | None:
        """The sign-in under way a cookie holds, for ten minutes; else ``None``."""
        try:
            value = self._signins.loads(token, max_age=600)
        except BadData:
            return None
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            return None
        return {str(k): str(v) for k, v in value.items()}


class BriefingLinks:
    """A briefing's links into the web view at ``base`` (RISKBRIEF_WEB_URL), each carrying a
    token for the briefing's subscriber, so the page opens in their scope."""

    def __init__(self, base: str, signer: LinkSigner) -> None:
        self._base = base.rstrip("/")
        self._signer = signer

    def page(self, path: str, subscriber: str) -> str:
        """The web view's ``path`` (already quoted) opened as ``subscriber``."""
        token = urlencode({LINK_PARAMETER: self._signer.link_token(subscriber)})
        return f"{self._base}{path}?{token}"

    def apply(self, payload: BriefingPayload) -> BriefingPayload:
        """``payload`` with its week's and its changes' links into the web view."""
        who = payload.subscriber
        return with_web_links(
            payload,
            self.page(f"/week/{payload.week.id}", who),
            lambda key: self.page("/change/" + quote(key, safe="/@:"), who),
        )


def link_signer(settings: Settings) -> LinkSigner | None:
    """The signer of RISKBRIEF_WEB_KEYS, or ``None`` when none are set."""
    if not settings.web_keys:
        return None
    keys = [k.get_secret_value() for k in settings.web_keys]
    try:
        return LinkSigner(keys, settings.web_link_days)
    except ValueError:
        raise ConfigError(
            "every key in RISKBRIEF_WEB_KEYS must be at least 16 characters; use long random "
            "ones, e.g. from `openssl rand -hex 32`"
        ) from None


def briefing_links(settings: Settings) -> BriefingLinks | None:
    """The briefings' links into the web view, when RISKBRIEF_WEB_URL and its keys are set."""
    signer = link_signer(settings)
    if settings.web_url is None or signer is None:
        return None
    return BriefingLinks(settings.web_url, signer)
