"""waitress's body limit for gunicorn's workers: a body over it refused unread, in JSON."""

from __future__ import annotations

import contextlib
import json
import tempfile
import threading
from collections.abc import Iterable
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from bot.runtime.server import refusal_sentence

__all__ = [
    "limit_bodies",
    "note_request",
]

# A chunked body is held in memory up to this size, then in a temporary file.
_SPOOL_BYTES = 1 << 20

# The request each worker thread is answering, noted by gunicorn's ``pre_request`` hook
# (``note_request``): a body refused unread marks it to close. gunicorn decides whether to keep
# the connection as soon as the answer is written, before ``post_request`` runs; a connection
# kept after a refusal had gunicorn drain the unread body (a declared 10**12 bytes: until the
# client stopped or the read timed out), holding a thread. waitress closes it too.
_ANSWERING = threading.local()


def note_request(_worker: Any, request: Any) -> None:
    """gunicorn's ``pre_request`` hook: the request this thread answers next."""
    _ANSWERING.request = request


def _refuse(start_response: StartResponse, path: str | None) -> Iterable[bytes]:
    request = getattr(_ANSWERING, "request", None)
    if request is not None:
        # gunicorn's own flag: the answer then says ``Connection: close`` and the socket closes.
        request.must_close = True
    data = json.dumps({"error": refusal_sentence(413, path, "")}).encode()
    start_response(
        "413 Content Too Large",
        [("Content-Type", "application/json"), ("Content-Length", str(len(data)))],
    )
    return [data]


def limit_bodies(application: WSGIApplication, max_body: int) -> WSGIApplication:
    """``application`` behind waitress's body limit, which gunicorn does not have.

    A body declared over ``max_body`` bytes is refused unread; a chunked one is read until it
    passes the limit (then refused) or ends, and handed on with its length, as waitress does,
    so the application's own 1 MiB check sees it too.
    """

    def gated(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO")
        declared = environ.get("CONTENT_LENGTH")
        if declared:
            with contextlib.suppress(ValueError):
                if int(declared) > max_body:
                    return _refuse(start_response, path)
            return application(environ, start_response)
        if "chunked" not in str(environ.get("HTTP_TRANSFER_ENCODING", "")).lower():
            return application(environ, start_response)
        body = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115
        stream = environ["wsgi.input"]
        size = 0
        while chunk := stream.read(65536):
            size += len(chunk)
            if size > max_body:
                body.close()
                return _refuse(start_response, path)
            body.write(chunk)
        body.seek(0)
        environ["wsgi.input"] = body
        environ["CONTENT_LENGTH"] = str(size)
        try:
            answer = application(environ, start_response)
        except BaseException:
            body.close()
            raise
        return _closing(answer, body)

    return gated


def _closing(answer: Iterable[bytes], body: Any) -> Iterable[bytes]:
    """The application's answer, then the spooled body closed (PEP 3333: after ``close``)."""
    try:
        yield from answer
    finally:
        close = getattr(answer, "close", None)
        if close is not None:
            close()
        body.close()
