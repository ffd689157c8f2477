"""The TLS context shared by the product's HTTP clients."""

from __future__ import annotations

import http.server
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import trustme

from data.http.client import http_client, tls_context


class _Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "5")
        self.end_headers()
        self.wfile.write(b"hello")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def https_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An HTTPS server on 127.0.0.1 with a certificate from a CA of its own, and that CA's file."""
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    # Polled every 10 ms rather than 0.5 s: ``shutdown`` waits for the next poll.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    )
    thread.start()
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/", ca_file
    finally:
        server.shutdown()
        server.server_close()


def test_every_client_shares_one_context_while_the_settings_stay(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two calls give the same context, so no client reads the CA bundle again."""
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    assert tls_context() is tls_context()
    assert tls_context().verify_mode is ssl.CERT_REQUIRED


def test_ssl_cert_file_is_honoured_as_httpx_does(
    https_server: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server signed by the CA in ``SSL_CERT_FILE`` is trusted; without it, refused."""
    url, ca_file = https_server
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    with http_client(timeout=5) as client, pytest.raises(httpx.ConnectError):
        client.get(url)
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
    with http_client(timeout=5) as client:
        assert client.get(url).text == "hello"
