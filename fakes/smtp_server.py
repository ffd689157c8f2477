"""A fake SMTP submission server: aiosmtpd on 127.0.0.1, STARTTLS and AUTH required.

Its certificate comes from a throwaway ``trustme`` CA; ``client_context`` trusts
it and ``ca_file`` is the same CA as a PEM file for ``SSL_CERT_FILE``. Accepted
messages are parsed into ``messages``.
"""

from __future__ import annotations

import errno
import socket
import ssl
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from fakes.lifecycle import Lifecycle

__all__ = ["USERNAME", "FakeSMTP", "free_port"]

USERNAME = "riskbrief"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class FakeSMTP(Lifecycle):
    """The server; use as a context manager and read ``messages``."""

    def __init__(self, workdir: Path, password: str = "s3cret-pw") -> None:
        self.password = password
        self.host = "127.0.0.1"
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.logins: list[str] = []
        self._lock = threading.Lock()
        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1", "localhost")
        server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(server_context)
        # Trusting only this CA: loading the system's bundle as well cost 17 ms a server.
        self.client_context = ssl.create_default_context(cadata=ca.cert_pem.bytes().decode())
        self.ca_file = workdir / "fake-smtp-ca.pem"
        ca.cert_pem.write_to_path(str(self.ca_file))
        self._server_context = server_context
        self._controller = self._controller_on(self.port)

    def _controller_on(self, port: int) -> Controller:
        return Controller(
            self,
            hostname=self.host,
            port=port,
            tls_context=self._server_context,
            require_starttls=True,
            auth_required=True,
            auth_require_tls=True,
            authenticator=self._authenticate,
        )

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == USERNAME.encode()
            and auth_data.password == self.password.encode()
        )
        if ok:
            with self._lock:
                self.logins.append(mechanism)
        return AuthResult(success=ok, handled=False)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        """Keep the message; aiosmtpd calls this for every accepted DATA."""
        raw = envelope.original_content or b""
        parsed = message_from_bytes(raw, _class=EmailMessage, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self._lock:
            self.messages.append(parsed)
            self.envelopes.append((str(envelope.mail_from), [str(r) for r in envelope.rcpt_tos]))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        """Messages whose envelope went to ``address``."""
        with self._lock:
            return [
                m
                for m, (_, rcpts) in zip(self.messages, self.envelopes, strict=True)
                if address in rcpts
            ]

    def start(self) -> None:
        """Listen on ``port`` (another free one if it was taken since it was picked)."""
        # The port was free when picked, but another process may have taken it since.
        for _ in range(4):
            try:
                self._controller.start()
                return
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE:
                    raise
                self.port = free_port()
                self._controller = self._controller_on(self.port)
        self._controller.start()

    def stop(self) -> None:
        """Stop listening."""
        self._controller.stop()
