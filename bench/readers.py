"""``python -m bench.readers``: every reader's output of one store, written to files to compare.

    python -m bench.readers dump OUT [--config TOML_OR_CLONE] [--python PY] [--source DIR]
    python -m bench.readers compare BEFORE AFTER

Issue 65 asks that a refactoring leave every reader's output byte-identical, on the
demo and on a quickstart store of a real clone. ``dump`` asks every reader through
the product's command line only (so one script reads any revision of the product):
what ``riskbrief demo`` delivered (Slack blocks, emails), every ``/risk`` answer of
``riskbrief ask`` for the last three weeks' changes and deploys, every service, team
and incident, the web view's pages served by ``riskbrief web`` over HTTP, and every
MCP tool's answer over ``riskbrief mcp``'s stdio. ``--source DIR`` runs the product
found in DIR (a checkout of another revision, put first on ``PYTHONPATH``) with
``--python``; ``--config`` names a ``riskbrief.toml`` beside its store instead of the
demo, or a clone, which ``riskbrief quickstart`` (of the same revision) reads into the
dump's ``store/`` first. Every command runs at the wall-clock time ``NOW``
(libfaketime). ``compare`` lists every file that differs or exists on one side only
and exits 1 when there is one.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

__all__ = ["Product", "compare", "dump", "main"]

AS_OF = "2026-11-23"
# The wall clock every reader is asked at (libfaketime's absolute, standing time).
NOW = "2026-11-27 12:00:00"
_FAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")
# The weeks of changes and deploys asked about, before the store's latest.
WEEKS_BACK = 3


@dataclass(frozen=True, slots=True)
class Product:
    """How to run ``riskbrief``: a Python, an optional checkout first on its path, a folder."""

    python: str
    source: Path | None
    cwd: Path

    def command(self, *words: str) -> list[str]:
        """The command line of ``riskbrief WORDS``."""
        return [self.python, "-c", "from bot.cli import main; main()", *words]

    def env(self) -> dict[str, str]:
        """The environment: the checkout first on the path, colour and bytecode off."""
        env = dict(os.environ, NO_COLOR="1", COLUMNS="200")
        if self.source is not None:
            env["PYTHONPATH"] = str(self.source)
        # Answers over "now" (a review plan's week so far) must not move between two dumps:
        # the product's wall clock stands at NOW through libfaketime, where it is installed.
        if _FAKETIME.exists():
            env.update(LD_PRELOAD=str(_FAKETIME), FAKETIME=NOW, FAKETIME_DONT_FAKE_MONOTONIC="1")
        return env

    def run(self, *words: str) -> str:
        """``riskbrief WORDS``'s output (stdout, then stderr and the exit code when not 0)."""
        done = subprocess.run(
            self.command(*words),
            cwd=self.cwd,
            env=self.env(),
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode == 0:
            return done.stdout
        return f"{done.stdout}\n--- stderr ---\n{done.stderr}\n--- exit {done.returncode}\n"


def _keys(db: Path) -> dict[str, list[str]]:
    """The last weeks' changes and deploys, and every service, team and incident, by key."""
    con = sqlite3.connect(db)
    try:
        latest = con.execute("select max(merged_at) from change").fetchone()[0]
        since = (datetime.fromisoformat(latest) - timedelta(weeks=WEEKS_BACK)).isoformat(" ")
        return {
            "change": [
                r[0]
                for r in con.execute(
                    "select key from change where merged_at >= ? order by key", (since,)
                )
            ],
            "deploy": [
                r[0]
                for r in con.execute(
                    "select key from deploy where finished_at >= ? order by key", (since,)
                )
            ],
            "service": [r[0] for r in con.execute("select key from service order by key")],
            "team": [r[0] for r in con.execute("select key from team order by key")],
            "incident": [r[0] for r in con.execute("select key from incident order by key")],
        }
    finally:
        con.close()


def _name(words: Sequence[str]) -> str:
    return "_".join(w.replace("/", "~").replace("#", "-").replace(":", "=") for w in words)


def _asks(keys: dict[str, list[str]]) -> list[list[str]]:
    asked = [["help"], ["brief"], ["plan"], ["agents"]]
    asked += [["pr", k] for k in keys["change"]] + [["deploy", k] for k in keys["deploy"]]
    for s in keys["service"]:
        asked += [["service", s], ["brief", s], ["plan", s], ["agents", s], ["deploy", "latest", s]]
    asked += [["brief", t] for t in keys["team"]] + [["incident", i] for i in keys["incident"]]
    return asked


def _pages(keys: dict[str, list[str]]) -> list[str]:
    paths = ["/web/", "/web/agents", "/web/ranking"]
    paths += [f"/web/change/{quote(k, safe='/')}" for k in keys["change"]]
    paths += [f"/web/deploy/{quote(k, safe='/')}" for k in keys["deploy"]]
    paths += [f"/web/service/{s}" for s in keys["service"]]
    paths += [f"/web/team/{t}" for t in keys["team"]]
    return paths


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=60) as reply:
            return f"{reply.status}\n{reply.read().decode()}"
    except urllib.error.HTTPError as error:
        return f"{error.code}\n{error.read().decode()}"


def _web(product: Product, demo: list[str], paths: list[str], out: Path) -> None:
    port = _free_port()
    server = subprocess.Popen(
        product.command("web", *demo, "--port", str(port)),
        cwd=product.cwd,
        env=product.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                _get(base + "/web/")
                break
            except OSError:
                time.sleep(0.1)
        (out / "web").mkdir()
        first = _get(base + "/web/").splitlines()[1:]
        # The week pages the index links to, then every key's page.
        weeks = sorted({w for line in first for w in _weeks(line)})
        for path in paths + [f"/web/week/{w}" for w in weeks] + [f"/web/rows/{w}" for w in weeks]:
            (out / "web" / (_name([path]) + ".html")).write_text(_get(base + path))
    finally:
        server.terminate()
        server.wait(timeout=30)


def _weeks(line: str) -> list[str]:
    found: list[str] = []
    at = line.find("/web/week/")
    while at >= 0:
        found.append(line[at + 10 : at + 18])
        at = line.find("/web/week/", at + 1)
    return found


def _mcp(product: Product, demo: list[str], keys: dict[str, list[str]], out: Path) -> None:
    server = subprocess.Popen(
        product.command("mcp", *demo),
        cwd=product.cwd,
        env=product.env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    counter = iter(range(1, 1_000_000))

    def send(message: dict[str, Any]) -> None:
        assert server.stdin is not None
        server.stdin.write(json.dumps({"jsonrpc": "2.0", **message}) + "\n")
        server.stdin.flush()

    def call(method: str, params: dict[str, Any]) -> Any:
        assert server.stdout is not None
        ident = next(counter)
        send({"id": ident, "method": method, "params": params})
        while True:
            reply = json.loads(server.stdout.readline())
            if reply.get("id") == ident:
                return reply.get("result", reply.get("error"))

    try:
        call(
            "initialize",
            {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "bench.readers", "version": "1"},
            },
        )
        send({"method": "notifications/initialized"})
        (out / "mcp").mkdir()
        tools = call("tools/list", {})
        (out / "mcp" / "tools.json").write_text(json.dumps(tools, indent=1, sort_keys=True))
        calls: list[tuple[str, dict[str, Any]]] = [
            ("briefing", {}),
            ("agent_activity", {}),
            ("review_plan", {}),
            ("open_pull_requests", {}),
        ]
        calls += [("change_risk", {"change": k}) for k in keys["change"]]
        calls += [("deploy_risk", {"deploy": k}) for k in keys["deploy"]]
        calls += [("incident_culprits", {"incident": i}) for i in keys["incident"]]
        for s in keys["service"]:
            calls += [("service_record", {"service": s}), ("briefing", {"scope": [s]})]
            calls += [("deploy_risk", {"service": s})]
        for tool, arguments in calls:
            result = call("tools/call", {"name": tool, "arguments": arguments})
            name = _name([tool, *(str(v) for v in arguments.values())])
            (out / "mcp" / f"{name}.json").write_text(json.dumps(result, indent=1, sort_keys=True))
    finally:
        server.terminate()
        server.wait(timeout=30)


_ASKER = """
import json, sys
from pathlib import Path
from click.testing import CliRunner
from bot.cli import main
asked = Path(sys.argv[1])
for name, words in json.loads(asked.read_text()):
    done = CliRunner().invoke(main, ["ask", *words])
    tail = "" if done.exit_code == 0 else f"--- exit {done.exit_code}"
    (asked.parent / f"{name}.txt").write_text(done.output + tail)
"""


def dump(product: Product, out: Path, config: Path | None) -> int:
    """Write every reader's output of the demo (or of ``config``'s store) into ``out``."""
    out.mkdir(parents=True)
    if config is None:
        store = out / "store"
        (out / "demo.txt").write_text(product.run("demo", "--out", str(store), "--as-of", AS_OF))
        for written in sorted(store.iterdir()):
            if written.suffix in {".json", ".txt", ".html"}:
                (out / written.name).write_bytes(written.read_bytes())
        demo = ["--demo", "--demo-dir", str(store)]
        web_demo = ["--demo", "--out", str(store)]
        db = store / "demo.db"
    else:
        if config.suffix != ".toml":
            # A clone: quickstart drafts its riskbrief.toml and store in the dump's store/.
            store = out / "store"
            store.mkdir()
            product = Product(product.python, product.source, store)
            (out / "quickstart.txt").write_text(product.run("quickstart", str(config)))
            config = store / "riskbrief.toml"
        product = Product(product.python, product.source, config.parent)
        demo, web_demo = [], []
        db = config.parent / "riskbrief.db"
    keys = _keys(db)
    (out / "ask").mkdir()
    asks = out / "ask" / "asked.json"
    asks.write_text(json.dumps([(_name(words), [*demo, *words]) for words in _asks(keys)]))
    # One process asks every question in turn through click's runner: a process per question
    # paid the product's imports some 700 times.
    subprocess.run(
        [product.python, "-c", _ASKER, str(asks)],
        cwd=product.cwd,
        env=product.env(),
        check=True,
    )
    asks.unlink()
    _web(product, web_demo, _pages(keys), out)
    _mcp(product, demo, keys, out)
    # The folder the dump was written to is named in some outputs (the demo's summary).
    for written in out.rglob("*"):
        if written.is_file() and "store" not in written.relative_to(out).parts:
            text = written.read_bytes()
            written.write_bytes(text.replace(str(out).encode(), b"<out>"))
    count = sum(1 for p in out.rglob("*") if p.is_file())
    print(f"{count} reader outputs written to {out}")
    return 0


def _outputs(root: Path) -> set[Path]:
    """The dump's files, but the store it read."""
    return {
        p.relative_to(root)
        for p in root.rglob("*")
        if p.is_file() and p.relative_to(root).parts[0] != "store"
    }


def compare(before: Path, after: Path) -> int:
    """Print each output that differs or is on one side only; 1 when there is one."""
    a, b = _outputs(before), _outputs(after)
    differ = sorted(p for p in a & b if (before / p).read_bytes() != (after / p).read_bytes())
    for p in differ:
        print(f"differs: {p}")
    for p in sorted(a - b):
        print(f"before only: {p}")
    for p in sorted(b - a):
        print(f"after only: {p}")
    same = len(a & b) - len(differ)
    print(f"{same} of {len(a | b)} outputs byte-identical")
    return 1 if differ or a != b else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Dump or compare; see the module's docstring."""
    parser = argparse.ArgumentParser(prog="python -m bench.readers")
    sub = parser.add_subparsers(dest="what", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    d.add_argument(
        "--config",
        type=Path,
        help="a riskbrief.toml beside its store, or a clone to quickstart (default: the demo)",
    )
    d.add_argument("--python", default=sys.executable)
    d.add_argument("--source", type=Path, help="a checkout of the revision to run")
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.what == "compare":
        return compare(args.before, args.after)
    started = datetime.now(UTC)
    product = Product(args.python, args.source.resolve() if args.source else None, Path.cwd())
    code = dump(product, args.out.resolve(), args.config.resolve() if args.config else None)
    print(f"in {(datetime.now(UTC) - started).total_seconds():.0f} s")
    return code


if __name__ == "__main__":
    sys.exit(main())
