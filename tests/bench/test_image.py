"""The image's files agree with the product: Containerfile, compose.yaml and the docs."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.checks.registry import secret_names
from bot.runtime.serve import ROLES
from bot.runtime.server import HEALTH_PATH
from bot.settings import _VARIABLES, Settings
from data.sources.registry import SOURCES

ROOT = Path(__file__).resolve().parents[2]


def _instructions() -> list[tuple[str, str]]:
    """The Containerfile's instructions as (KEYWORD, rest), continuation lines joined."""
    text = (ROOT / "Containerfile").read_text(encoding="utf-8")
    joined = re.sub(r"\\\n\s*", " ", "\n".join(ln for ln in text.splitlines() if ln[:1] != "#"))
    found = []
    for line in joined.splitlines():
        if line.strip():
            word, _, rest = line.strip().partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def _final_stage() -> list[tuple[str, str]]:
    """The instructions after the last FROM: what the shipped image is made of."""
    found = _instructions()
    last = max(i for i, (word, _) in enumerate(found) if word == "FROM")
    return found[last + 1 :]


def _one(word: str) -> str:
    """The final stage's only ``word`` instruction (the last one is the one that counts)."""
    hits = [rest for w, rest in _final_stage() if w == word]
    assert hits, f"no {word} in the final stage"
    return hits[-1]


def _env() -> dict[str, str]:
    """The final stage's ENV, as the image's environment."""
    env: dict[str, str] = {}
    for word, rest in _final_stage():
        if word == "ENV":
            for pair in shlex.split(rest):
                key, _, value = pair.partition("=")
                env[key] = value
    return env


def _healthcheck_argv() -> list[str]:
    rest = _one("HEALTHCHECK")
    cmd = rest[rest.index("CMD ") + 4 :]
    argv = json.loads(cmd)
    assert isinstance(argv, list)
    return [str(a) for a in argv]


def _settings_variables() -> set[str]:
    """Every variable name ``Settings`` reads, the code hosts' checks' secrets and the
    variables each registered source declares (GitHub's ``GITHUB_TOKEN``, …)."""
    prefixed = {f"RISKBRIEF_{name.upper()}" for name in Settings.model_fields}
    sources = {var.name for spec in SOURCES for var in spec.env}
    return prefixed | set(_VARIABLES.values()) | set(secret_names()) | sources


def test_entry_point_is_riskbrief_serve() -> None:
    """The image runs ``riskbrief serve`` with one of serve's roles, in exec form."""
    assert json.loads(_one("ENTRYPOINT")) == ["riskbrief"]
    cmd = json.loads(_one("CMD"))
    assert cmd[0] == "serve"
    assert cmd[cmd.index("--role") + 1] in ROLES


def test_runs_as_the_non_root_user_it_creates() -> None:
    """USER is the uid that useradd makes, and not root."""
    user = _one("USER").split(":")[0]
    assert user not in ("0", "root")
    created = re.search(
        r"useradd .*--uid (\d+)", " ".join(r for w, r in _final_stage() if w == "RUN")
    )
    assert created is not None
    assert created.group(1) == user


def test_exposes_and_listens_on_serves_port_on_every_address() -> None:
    """EXPOSE, RISKBRIEF_SERVE_PORT and serve's default port agree; it listens beyond loopback."""
    default = Settings.model_fields["serve_port"].default
    env = _env()
    assert _one("EXPOSE") == str(default) == env["RISKBRIEF_SERVE_PORT"]
    # serve's default host is 127.0.0.1, which nothing outside the container reaches.
    assert env["RISKBRIEF_SERVE_HOST"] == "0.0.0.0"


def test_environment_names_are_real_settings() -> None:
    """Every RISKBRIEF_* the image sets is a variable ``Settings`` reads, with a valid value."""
    env = {k: v for k, v in _env().items() if k.startswith("RISKBRIEF_")}
    assert set(env) <= _settings_variables()
    # Settings validates values: a typo such as a bad port or URL fails here.
    fields = {k.removeprefix("RISKBRIEF_").lower(): v for k, v in env.items()}
    Settings.model_validate(fields)


def test_base_is_a_python_311_or_newer_image() -> None:
    """The default BASE build argument names Python 3.11 or newer (requires-python)."""
    arg = next(rest for word, rest in _instructions() if word == "ARG" and rest.startswith("BASE="))
    version = re.search(r"python:(\d+)\.(\d+)", arg)
    assert version is not None
    assert (int(version[1]), int(version[2])) >= (3, 11)


class _Probe(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        code = self.status if self.path == HEALTH_PATH else 404
        self.send_response(code)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def probe_server() -> Iterator[HTTPServer]:
    """A local server answering the health path with ``_Probe.status``."""
    server = HTTPServer(("127.0.0.1", 0), _Probe)
    # Polled every 10 ms rather than 0.5 s: ``shutdown`` waits for the next poll.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    )
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("status", "healthy"), [(200, True), (503, False)])
def test_healthcheck_command_passes_only_on_a_2xx_healthz(
    probe_server: HTTPServer, monkeypatch: pytest.MonkeyPatch, status: int, healthy: bool
) -> None:
    """The HEALTHCHECK's own command, run here, exits 0 for a 200 at /healthz and not for 503."""
    monkeypatch.setattr(_Probe, "status", status)
    argv = _healthcheck_argv()
    assert argv[0].endswith("/python")
    assert "curl" not in " ".join(argv)
    port = probe_server.server_address[1]
    done = subprocess.run(
        [sys.executable, *argv[1:]],
        env={"RISKBRIEF_SERVE_PORT": str(port)},
        capture_output=True,
        timeout=30,
    )
    assert (done.returncode == 0) is healthy


def _compose() -> dict[str, Any]:
    """compose.yaml as Docker Compose reads it (anchors and ``<<`` merge keys included)."""
    loaded = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_compose_runs_migrate_then_a_replica_of_each_role() -> None:
    """migrate runs ``db upgrade`` once the database is healthy; web (in its workers) and
    scheduler (one process) follow it."""
    services = _compose()["services"]
    assert services["migrate"]["command"] == ["db", "upgrade"]
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert "pg_isready" in services["db"]["healthcheck"]["test"]
    assert services["web"]["command"] == [
        "serve",
        "--role",
        "web",
        "--workers",
        "${RISKBRIEF_WEB_WORKERS:-2}",
    ]
    assert services["scheduler"]["command"] == ["serve", "--role", "scheduler"]
    for role in ("web", "scheduler"):
        assert role in ROLES
        condition = services[role]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully"


def test_compose_environment_is_real_settings_and_holds_no_secret() -> None:
    """Every variable compose sets is one riskbrief reads, and each secret is a ${} placeholder."""
    services = _compose()["services"]
    for name in ("migrate", "web", "scheduler"):
        env = services[name]["environment"]
        assert set(env) <= _settings_variables(), name
        for key, value in env.items():
            if re.search(r"KEY|TOKEN|SECRET|PASSWORD", key):
                assert value.startswith("${"), key
                assert value.endswith("}"), key
        assert "POSTGRES_PASSWORD:?" in env["RISKBRIEF_DATABASE_URL"]
        assert env["RISKBRIEF_CONFIG"] == _env()["RISKBRIEF_CONFIG"]
        mount = services[name]["volumes"][0]
        assert mount.split(":")[1] == _env()["RISKBRIEF_CONFIG"]


def test_docs_section_says_what_the_files_do() -> None:
    """docs/operations.md's container section names the image's user, port, config and roles."""
    text = (ROOT / "docs/operations.md").read_text(encoding="utf-8")
    section = text.split("## Running it as a container", 1)[1].split("\n## ", 1)[0]
    assert f"uid {_one('USER').split(':')[0]}" in section
    assert _env()["RISKBRIEF_CONFIG"] in section
    assert f"`{_one('EXPOSE')}`" in section
    assert "HEALTHCHECK" in section
    assert HEALTH_PATH in section
    for command in ("db upgrade", "serve --role web", "serve --role scheduler"):
        assert command in section
