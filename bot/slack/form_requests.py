"""Slack's form bodies read as the forms they are, whatever words their text holds.

slack-bolt (``slack_bolt.request.internals.parse_body``) reads any form body holding the word
``payload`` as an interactive request's ``payload=<json>`` and, finding no such field, as an
empty body: ``/risk why payload`` was answered 404 "unhandled request". ``FormRequest`` reads
such a body as its fields; it keeps the raw body, so bolt's signature check is unchanged, and
its copies for lazy listeners read it the same way.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import BoltContext, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.request.internals import build_context

__all__ = ["FormRequest", "FormRequestHandler"]


class FormRequest(BoltRequest):
    """A ``BoltRequest`` whose form body of no ``payload`` field is read as its fields."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if self.mode != "http" or self.body or self.raw_body.startswith("{"):
            return
        fields = dict(parse_qsl(self.raw_body, keep_blank_values=True))
        if fields and "payload" not in fields:
            self.body = fields
            self.context = build_context(self.context or BoltContext({}), self.body)

    def to_copyable(self) -> BoltRequest:
        """A copy for a lazy listener, read as this request was."""
        return FormRequest(
            body=self.raw_body if self.mode == "http" else self.body,
            query=self.query,
            headers=self.headers,
            context=self.context.to_copyable(),
            mode=self.mode,
        )


class FormRequestHandler(SlackRequestHandler):
    """bolt's WSGI handler, dispatching ``FormRequest`` s."""

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        return self.app.dispatch(
            FormRequest(
                body=request.get_body(), query=request.query_string, headers=request.get_headers()
            )
        )
