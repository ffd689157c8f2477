"""A door's answers: JSON with its status line, and the one shape of every refusal."""

from __future__ import annotations

import json
from collections.abc import Sequence
from http import HTTPStatus

from werkzeug.wrappers import Response

from scoring.errors import RiskbriefError

__all__ = ["JSON", "Refused", "json_answer", "refusal_body", "status_line"]

JSON = "application/json"

# RFC 9110's name for 413, which Python 3.11's table and werkzeug's still call "Request
# Entity Too Large"; every door has said it this way.
_PHRASES = {413: "Content Too Large"}


class Refused(RiskbriefError):
    """A request a door will not take: its status, one sentence saying what to do, and the
    headers the status needs (``Allow`` for a 405, ``WWW-Authenticate`` for a 401)."""

    def __init__(self, status: int, sentence: str, headers: Sequence[tuple[str, str]] = ()) -> None:
        super().__init__(sentence)
        self.status = status
        self.sentence = sentence
        self.headers = tuple(headers)


def status_line(status: int) -> str:
    """``status`` with its reason phrase, as a WSGI status line: ``"413 Content Too Large"``."""
    return f"{status} {_PHRASES.get(status) or HTTPStatus(status).phrase}"


def refusal_body(sentence: str) -> bytes:
    """The body of every refusal: ``{"error": sentence}``."""
    return json.dumps({"error": sentence}).encode()


def json_answer(
    status: int, body: object | None, headers: Sequence[tuple[str, str]] = ()
) -> Response:
    """``body`` as JSON with ``status`` (nothing at all when ``body`` is None: a 204)."""
    if body is None:
        empty = Response(b"", status=status_line(status), headers=list(headers))
        del empty.headers["Content-Type"]
        return empty
    data = json.dumps(body).encode()
    return Response(data, status=status_line(status), content_type=JSON, headers=list(headers))
