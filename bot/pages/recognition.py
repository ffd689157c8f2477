"""Who is looking, recognised from a request: a bearer token, a link, a session, the open view."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from sqlalchemy.engine import Engine
from werkzeug.wrappers import Request, Response

from bot.answers.access import Access
from bot.pages.config import PagesConfig
from bot.pages.links import LINK_PARAMETER, SessionValue
from bot.pages.routing import link_free_query, page_address
from bot.pages.signin import SESSION_COOKIE, cookie_name, see_other, set_session
from bot.pages.viewer import Via, Viewer, subscriber_access, token_viewer
from data.config import OrgConfig
from data.store.engine import session_scope
from data.store.web_sessions import is_revoked

__all__ = ["ViewerRecognizer"]


class ViewerRecognizer:
    """The viewer of a request to the web view, or the answer that stands in for one (a
    refusal, the redirect that takes a link's token away, the way to sign in)."""

    def __init__(
        self,
        engine: Engine,
        org: OrgConfig,
        config: PagesConfig,
        message: Callable[[str, str, int], Response],
    ) -> None:
        self._engine = engine
        self._org = org
        self._config = config
        self._message = message

    def viewer(self, request: Request, path: str) -> Viewer | Response:
        """Who asks for the page at ``path``, or what to answer instead."""
        config = self._config
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer ") and config.tokens is not None:
            viewer = token_viewer(config.tokens, header[7:].strip())
            if viewer is None:
                return self._message(
                    "Not signed in",
                    "That bearer token is not one riskbrief knows; use a token from "
                    "RISKBRIEF_MCP_TOKENS.",
                    401,
                )
            return viewer
        token = request.args.get(LINK_PARAMETER)
        if token is not None and config.signer is not None:
            subscriber = config.signer.link_subscriber(token)
            if subscriber is None or self._subscriber_access(subscriber) is None:
                return self._message(
                    "Link expired",
                    "This link has expired or is not valid; open the link in your newest "
                    "briefing, or sign in.",
                    401,
                )
            # The token leaves the address bar (and so history and screenshots) at once.
            response = see_other(page_address(path, link_free_query(request)))
            self._set_session(response, SessionValue(subscriber, None))
            return response
        cookie = request.cookies.get(cookie_name(SESSION_COOKIE, config.secure_cookies))
        if cookie is not None and config.signer is not None:
            value = config.signer.session(cookie)
            if value is not None:
                viewer = self._session_viewer(value)
                if viewer is not None:
                    return viewer
        # Open (``riskbrief web``): whoever reaches it sees the whole organisation, unless they
        # came by a briefing's link, which opens that briefing's scope as it would anywhere.
        if config.open:
            return Viewer(Access.organisation(self._org), Via.OPEN, "this machine")
        if config.signin is not None:
            next_path = page_address(path, link_free_query(request))
            return see_other(f"{config.prefix}/signin?" + urlencode({"next": next_path}))
        return self._message(
            "Not signed in",
            "Open the web view from the link in your briefing; this riskbrief has no sign-in "
            "configured.",
            401,
        )

    def _subscriber_access(self, key: str) -> Access | None:
        with session_scope(self._engine) as session:
            return subscriber_access(session, self._org, key)

    def _session_viewer(self, value: SessionValue) -> Viewer | None:
        with session_scope(self._engine) as session:
            # Signed out (on any replica): the cookie is still signed, but opens nothing.
            if is_revoked(session, value.sid):
                return None
            if value.organisation:
                if value.email is None or value.email.lower() not in self._config.admins:
                    return None
                return Viewer(Access.organisation(self._org), Via.SESSION, value.email, value.sid)
            if value.subscriber is None:
                return None
            access = subscriber_access(session, self._org, value.subscriber)
        if access is None:
            return None
        return Viewer(access, Via.SESSION, value.email or value.subscriber, value.sid)

    def _set_session(self, response: Response, value: SessionValue) -> None:
        assert self._config.signer is not None
        set_session(
            response,
            self._config.signer,
            value,
            prefix=self._config.prefix,
            secure=self._config.secure_cookies,
        )
