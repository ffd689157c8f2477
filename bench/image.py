"""Build riskbrief's image from ``Containerfile`` and smoke-run it, where this machine allows.

``python -m bench.image`` finds a container engine (a Docker daemon, else podman), finds
or makes a base image, builds, then runs the image as docs/operations.md says: ``init``
writes a riskbrief.toml, ``db upgrade`` migrates a SQLite store on a volume, ``serve
--role web`` is asked ``/healthz``, ``/readyz`` and ``/metrics`` from the host, the
image's own HEALTHCHECK command is run inside it, and SIGTERM must stop it with exit 0.
With ``--postgres URL`` it also runs compose.yaml's shape against that database on the
host's network: ``db upgrade``, then a web and a scheduler replica, both ready.

No image registry may be reachable, so by default the base is the official slim image
only when it is already stored locally; otherwise it is made with debootstrap from
Debian's packages (python3, python3-venv) and imported. Whatever cannot run says why in
one line, and any failure exits 1. Not part of ``make test`` or ``make bench``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["DEFAULT_BASE", "Engine", "Failed", "main"]

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BASE = "python:3.12-slim"
LOCAL_BASE = "localhost/riskbrief-base:bookworm"
TAG = "localhost/riskbrief:bench"
# Debian's own python3 (3.11 on bookworm) is within requires-python; the venv module is
# what the Containerfile installs into.
DEBOOTSTRAP_PACKAGES = "python3,python3-venv,ca-certificates"
MIRROR = "http://deb.debian.org/debian"
# The probes' port inside the image (RISKBRIEF_SERVE_PORT there); the host side is free.
PORT = 3000


class Failed(Exception):
    """A step that could not be done, with the one line that says why."""


@dataclass
class Engine:
    """A container CLI and the extra arguments this machine needs to run containers."""

    name: str
    global_args: list[str] = field(default_factory=list)
    run_args: list[str] = field(default_factory=list)
    note: str = ""

    def cmd(self, *args: str) -> list[str]:
        """The command line for ``args`` with this engine's global arguments."""
        return [self.name, *self.global_args, *args]


def _run(cmd: Sequence[str], *, timeout: float = 600, check: bool = True) -> str:
    """Run ``cmd``; its stdout, or ``Failed`` with the last line it printed."""
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except FileNotFoundError:
        raise Failed(f"{cmd[0]} is not installed") from None
    except subprocess.TimeoutExpired:
        raise Failed(f"`{' '.join(cmd[:4])} …` took longer than {timeout:.0f} s") from None
    if check and done.returncode != 0:
        raise Failed(f"`{' '.join(cmd[:4])} …` exited {done.returncode}: {_last(done)}")
    return done.stdout


def _last(done: subprocess.CompletedProcess[str]) -> str:
    """The last non-empty line of what a command printed, stderr first."""
    lines = [ln for ln in (done.stderr + "\n" + done.stdout).splitlines() if ln.strip()]
    # podman logs its systemd-timer complaints at level=error even when all went well.
    real = [ln for ln in lines if "systemd connection" not in ln]
    return (real or lines or ["(nothing)"])[-1].strip()


def find_engine() -> Engine:
    """A Docker daemon if one answers, else podman; ``Failed`` saying what is missing."""
    why = []
    if shutil.which("docker"):
        done = subprocess.run(["docker", "info"], capture_output=True, text=True, timeout=60)
        if done.returncode == 0:
            return Engine("docker")
        why.append(f"docker is only a client here ({_last(done)})")
    else:
        why.append("docker is not installed")
    if shutil.which("podman"):
        return Engine("podman")
    why.append("podman is not installed (apt-get install podman buildah)")
    raise Failed("; ".join(why))


def _has_image(engine: Engine, ref: str) -> bool:
    done = subprocess.run(
        engine.cmd("image", "inspect", ref), capture_output=True, text=True, timeout=60
    )
    return done.returncode == 0


def make_base(engine: Engine, work: Path) -> tuple[str, str]:
    """A Debian bookworm base made with debootstrap and imported as ``LOCAL_BASE``; how."""
    if _has_image(engine, LOCAL_BASE):
        return LOCAL_BASE, "stored"
    if shutil.which("debootstrap") is None:
        raise Failed("no base image stored and debootstrap is not installed")
    if os.geteuid() != 0:
        raise Failed("debootstrap needs root to make the base image")
    rootfs = work / "rootfs"
    if not (rootfs / "usr/bin/python3").exists():
        shutil.rmtree(rootfs, ignore_errors=True)
        _run(
            [
                "debootstrap",
                "--variant=minbase",
                f"--include={DEBOOTSTRAP_PACKAGES}",
                "bookworm",
                str(rootfs),
                MIRROR,
            ],
            timeout=1200,
        )
    # pip inside the build reaches PyPI through whatever this machine trusts.
    host_cas = Path("/etc/ssl/certs/ca-certificates.crt")
    if host_cas.exists():
        shutil.copyfile(host_cas, rootfs / "etc/ssl/certs/ca-certificates.crt")
    tarball = work / "base.tar"
    _run(["tar", "-C", str(rootfs), "-cf", str(tarball), "."])
    _run(engine.cmd("import", str(tarball), LOCAL_BASE))
    tarball.unlink()
    return LOCAL_BASE, "debootstrap"


def build(engine: Engine, base: str) -> float:
    """Build ``TAG`` from the Containerfile on ``base``; the seconds it took."""
    # --no-cache: the figure is a whole build, pip's downloads included, not a cache hit.
    args = ["build", "--no-cache", "-f", "Containerfile", "-t", TAG, "--build-arg", f"BASE={base}"]
    if engine.name == "podman":
        # Docker's format keeps HEALTHCHECK; chroot isolation needs no cgroups or rlimits.
        args += ["--format", "docker", "--isolation", "chroot"]
    start = time.monotonic()
    _run(engine.cmd(*args, str(ROOT)), timeout=1800)
    return time.monotonic() - start


def _ran(engine: Engine, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        engine.cmd("run", "--rm", *engine.run_args, TAG, *args),
        capture_output=True,
        text=True,
        timeout=120,
    )


def fit_runtime(engine: Engine) -> None:
    """Find the run arguments this machine needs, or ``Failed`` with both refusals."""
    first = _ran(engine, "--version")
    if first.returncode == 0:
        return
    if engine.name != "podman":
        raise Failed(f"`{engine.name} run` failed: {_last(first)}")
    # Sandboxes without CAP_SYS_RESOURCE or with hybrid cgroups: runc with cgroupfs and
    # rlimits below the current hard ones is what ran here.
    engine.global_args = ["--runtime", "runc", "--cgroup-manager", "cgroupfs"]
    engine.run_args = ["--ulimit", "nofile=1024:4096", "--ulimit", "nproc=1024:2048"]
    second = _ran(engine, "--version")
    if second.returncode != 0:
        raise Failed(f"podman run failed: {_last(first)}; with runc: {_last(second)}")
    engine.note = f"default runtime refused ({_last(first)}); ran with runc, cgroupfs, ulimits"


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _wait_healthy(url: str, limit: float) -> float:
    """Seconds until ``url`` answers 200, or ``Failed`` after ``limit`` seconds."""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        try:
            if _get(url)[0] == 200:
                return time.monotonic() - start
        except OSError:
            pass
        time.sleep(0.1)
    raise Failed(f"{url} did not answer 200 within {limit:.0f} s")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Serving:
    """A detached container of ``TAG`` and where its probes answer on the host."""

    engine: Engine
    cid: str
    base_url: str
    started: float

    def stop(self) -> tuple[float, str]:
        """SIGTERM it; the seconds to exit and its exit code."""
        start = time.monotonic()
        _run(self.engine.cmd("stop", "-t", "20", self.cid), timeout=60)
        took = time.monotonic() - start
        code = _run(self.engine.cmd("inspect", "--format", "{{.State.ExitCode}}", self.cid))
        _run(self.engine.cmd("rm", "-f", self.cid), check=False)
        return took, code.strip()


def start(engine: Engine, mounts: list[str], env: list[str], role: str, net: str) -> Serving:
    """Run ``serve --role role`` detached; ``net`` "host" or "" for a published port."""
    port = _free_port()
    if net == "host":
        where = ["--network", "host", "-e", f"RISKBRIEF_SERVE_PORT={port}"]
    else:
        where = ["-p", f"127.0.0.1:{port}:{PORT}"]
    if engine.name == "podman":
        # Keep the HEALTHCHECK for `exec` but start no systemd timer (none runs here).
        where += ["--health-interval", "disable"]
    started = time.monotonic()
    run = ["run", "-d", *engine.run_args, *mounts, *env, *where]
    cid = _run(engine.cmd(*run, TAG, "serve", "--role", role)).strip()
    return Serving(engine, cid, f"http://127.0.0.1:{port}", started)


def healthcheck(engine: Engine, cid: str) -> None:
    """Run the image's own HEALTHCHECK command inside ``cid``; ``Failed`` if it fails."""
    raw = _run(engine.cmd("image", "inspect", "--format", "{{json .Config.Healthcheck}}", TAG))
    test = (json.loads(raw) or {}).get("Test") or []
    if not test or test[0] not in ("CMD", "CMD-SHELL"):
        raise Failed(f"the image has no HEALTHCHECK (saw {raw.strip()})")
    argv = test[1:] if test[0] == "CMD" else ["/bin/sh", "-c", test[1]]
    _run(engine.cmd("exec", cid, *argv), timeout=30)


Row = tuple[str, str, str]


def smoke_sqlite(engine: Engine, work: Path) -> list[Row]:
    """The single-container shape: init, db upgrade, serve --role web on a SQLite volume."""
    data = work / "data"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    # The image runs as uid 10001: the volume must be its to write the store.
    os.chown(data, 10001, 10001)
    volume = ["-v", f"{data}:/var/lib/riskbrief"]
    _run(engine.cmd("run", "--rm", *engine.run_args, *volume, TAG, "init", "--path", "x.toml"))
    toml = work / "riskbrief.toml"
    shutil.copyfile(data / "x.toml", toml)
    mounts = [*volume, "-v", f"{toml}:/etc/riskbrief/riskbrief.toml:ro"]
    _run(engine.cmd("run", "--rm", *engine.run_args, *mounts, TAG, "db", "upgrade"))
    rows: list[Row] = [("init + db upgrade (SQLite volume)", "ok", "")]
    served = start(engine, mounts, [], "web", "")
    try:
        took = _wait_healthy(served.base_url + "/healthz", 60)
        rows.append(("serve --role web: start to /healthz 200", "ok", f"{took:.2f} s"))
        status, body = _get(served.base_url + "/readyz")
        if status != 200:
            raise Failed(f"/readyz answered {status}: {body.decode(errors='replace')}")
        rows.append(("/readyz", "200", body.decode().strip()))
        status, body = _get(served.base_url + "/metrics")
        if status != 200 or b"riskbrief_" not in body:
            raise Failed(f"/metrics answered {status} without riskbrief_ metrics")
        rows.append(("/metrics", "200", f"{len(body)} bytes"))
        healthcheck(engine, served.cid)
        rows.append(("the image's HEALTHCHECK, run inside", "ok", ""))
        user = _run(engine.cmd("exec", served.cid, "id", "-u")).strip()
        if user == "0":
            raise Failed("the server runs as root")
        rows.append(("server's uid", user, ""))
    finally:
        took, code = served.stop()
    if code != "0":
        raise Failed(f"SIGTERM: the container exited {code}")
    rows.append(("SIGTERM to exit", f"exit {code}", f"{took:.2f} s"))
    return rows


def smoke_postgres(engine: Engine, url: str, work: Path) -> list[Row]:
    """compose.yaml's shape on the host's network: db upgrade, a web and a scheduler."""
    toml = work / "riskbrief.toml"
    mounts = ["-v", f"{toml}:/etc/riskbrief/riskbrief.toml:ro"]
    env = ["-e", f"RISKBRIEF_DATABASE_URL={url}"]
    host = ["--network", "host"]
    _run(engine.cmd("run", "--rm", *engine.run_args, *mounts, *env, *host, TAG, "db", "upgrade"))
    rows: list[Row] = [("PostgreSQL: db upgrade (migrate)", "ok", "")]
    replicas = []
    try:
        for role in ("web", "scheduler"):
            replicas.append(start(engine, mounts, env, role, "host"))
        for served, role in zip(replicas, ("web", "scheduler"), strict=True):
            _wait_healthy(served.base_url + "/readyz", 90)
            # From its own start: the two replicas start together and share the database.
            since = time.monotonic() - served.started
            rows.append(
                (f"PostgreSQL: serve --role {role}: start to /readyz 200", "ok", f"{since:.2f} s")
            )
    finally:
        codes = [served.stop()[1] for served in replicas]
    if any(code != "0" for code in codes):
        raise Failed(f"SIGTERM: the PostgreSQL replicas exited {', '.join(codes)}")
    return rows


def _size(engine: Engine) -> str:
    raw = _run(engine.cmd("image", "inspect", "--format", "{{.Size}}", TAG)).strip()
    return f"{int(raw) / 1e6:.0f} MB"


def _table(rows: list[Row]) -> None:
    width = max(len(r[0]) for r in rows)
    middle = max(len(r[1]) for r in rows)
    for step, result, figure in rows:
        print(f"{step:<{width}}  {result:<{middle}}  {figure}")


def main(argv: Sequence[str] | None = None) -> int:
    """Build and smoke-run the image; print a table; 1 when any step failed."""
    parser = argparse.ArgumentParser(prog="python -m bench.image", description=__doc__)
    parser.add_argument(
        "--base",
        default=None,
        help=f"base image; default {DEFAULT_BASE} if stored locally, else one made "
        "with debootstrap",
    )
    parser.add_argument("--postgres", metavar="URL", help="also run compose's shape on it")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(tempfile.gettempdir()) / "riskbrief-image",
        help="where the rootfs and volumes go (never the checkout)",
    )
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    try:
        engine = find_engine()
        rows.append(("engine", engine.name, _run(engine.cmd("--version")).strip()))
        base = args.base
        start = time.monotonic()
        how = "given"
        if base is None:
            base, how = (
                (DEFAULT_BASE, "stored")
                if _has_image(engine, DEFAULT_BASE)
                else make_base(engine, args.work)
            )
        rows.append(("base", how, f"{base} ({time.monotonic() - start:.1f} s)"))
        took = build(engine, base)
        rows.append(("build", "ok", f"{took:.1f} s"))
        rows.append(("image size", "", _size(engine)))
        fit_runtime(engine)
        if engine.note:
            rows.append(("runtime", "note", engine.note))
        rows += smoke_sqlite(engine, args.work)
        if args.postgres:
            rows += smoke_postgres(engine, args.postgres, args.work)
    except Failed as exc:
        rows.append(("FAILED", "", str(exc)))
        _table(rows)
        return 1
    _table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
