"""``python -m bench.coverage_record [--mb 20] [--runs 3]``: a large Cobertura report recorded.

Writes a Cobertura report of about ``--mb`` MB (files of 200 lines, two thirds
covered, as coverage.py writes them), then runs ``riskbrief coverage record`` on
it as CI would: a fresh interpreter each run, against a migrated SQLite store.
Prints the wall time and the peak RSS of each run (the child process's
``ru_maxrss``), and the same for the reading alone in this process. Target
(issue 34): a 20 MB report recorded within 5 s and 300 MB.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["main", "write_report"]

_LINES = 200


def write_report(path: Path, megabytes: float) -> int:
    """A Cobertura report of about ``megabytes`` MB at ``path``; the number of files in it."""
    target = int(megabytes * 2**20)
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" ?>\n'
            '<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">\n'
            '<coverage version="7.6" timestamp="1" lines-valid="0" lines-covered="0" '
            'line-rate="0" branches-covered="0" branches-valid="0" branch-rate="0" '
            'complexity="0">\n<sources>\n<source>/home/runner/work/shop/shop</source>\n'
            '</sources>\n<packages>\n<package name="src" line-rate="0" branch-rate="0" '
            'complexity="0">\n<classes>\n'
        )
        files = 0
        while out.tell() < target:
            out.write(
                f'<class name="m{files}.py" filename="src/pkg{files // 50}/m{files}.py" '
                'complexity="0" line-rate="0.66" branch-rate="0">\n<methods/>\n<lines>\n'
            )
            out.write(
                "".join(
                    f'<line number="{n}" hits="{0 if n % 3 == 0 else n % 7 + 1}"/>\n'
                    for n in range(1, _LINES + 1)
                )
            )
            out.write("</lines>\n</class>\n")
            files += 1
        out.write("</classes>\n</package>\n</packages>\n</coverage>\n")
    return files


def _child_run(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.chdir(cwd)
        os.execve(argv[0], argv, env)
    start = time.perf_counter()
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed")
    return seconds, usage.ru_maxrss / 1024


def _post_in_child(report: Path, database_url: str, config: Path) -> None:
    """``--post``: serve ``/coverage`` here, send it the report, print the time and peak RSS."""
    import threading

    import httpx
    from pydantic import SecretStr

    from bot.ci.coverage import coverage_endpoint
    from bot.runtime.server import HttpServer, wsgi_application
    from data.config import load_org_config
    from data.sources.coverage.read import MAX_REPORT_BYTES
    from data.store.engine import make_engine

    engine = make_engine(database_url)
    org = load_org_config(config)
    endpoint = coverage_endpoint(engine, org, SecretStr("bench"))
    server = HttpServer(
        wsgi_application(None, engine, coverage=endpoint),
        "127.0.0.1",
        0,
        threads=2,
        max_body=MAX_REPORT_BYTES,
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        with report.open("rb") as body:
            start = time.perf_counter()
            answer = httpx.post(
                f"{server.url}/coverage",
                params={"sha": "e" * 40},
                content=body,
                headers={"Authorization": "Bearer bench"},
                timeout=60,
            )
            took = time.perf_counter() - start
    finally:
        server.stop()
        thread.join(timeout=10)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"POST /coverage: {answer.status_code} in {took:.2f} s, peak RSS of the serving "
        f"process (client included) {peak:.0f} MB"
    )


def _http(report: Path, env: dict[str, str]) -> None:
    """The same report sent to ``POST /coverage`` of ``serve``'s HTTP server, in a child."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.coverage_record", "--post", str(report)],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr.strip().splitlines()[-1])
    print(done.stdout.strip())


def main(argv: list[str] | None = None) -> int:
    """Write the report, record it ``--runs`` times, print one line per run."""
    parser = argparse.ArgumentParser(prog="python -m bench.coverage_record", description=__doc__)
    parser.add_argument("--mb", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--post", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.post is not None:
        _post_in_child(
            args.post, os.environ["RISKBRIEF_DATABASE_URL"], Path(os.environ["RISKBRIEF_CONFIG"])
        )
        return 0
    script = str(Path(sys.executable).parent / "riskbrief")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        report = work / "coverage.xml"
        files = write_report(report, args.mb)
        size = report.stat().st_size / 2**20
        (work / "riskbrief.toml").write_text('[[repositories]]\nname = "acme/shop"\n')
        env = {
            **os.environ,
            "RISKBRIEF_CONFIG": str(work / "riskbrief.toml"),
            "RISKBRIEF_DATABASE_URL": f"sqlite:///{work / 'rb.db'}",
        }
        subprocess.run(
            [script, "db", "upgrade"], cwd=work, env=env, check=True, capture_output=True
        )
        print(f"report: {size:.1f} MB, {files:,} files, {files * _LINES:,} lines")
        for run in range(1, args.runs + 1):
            sha = f"{run:040x}"
            cmd = [script, "coverage", "record", "--sha", sha, "--file", str(report)]
            seconds, rss = _child_run(cmd, work, env)
            print(f"riskbrief coverage record, run {run}: {seconds:.2f} s, peak RSS {rss:.0f} MB")
        _http(report, env)
        from data.sources.coverage import read_report

        start = time.perf_counter()
        read = read_report(report)
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"read_report alone: {seconds:.2f} s, {len(read.files):,} files, "
            f"peak RSS of this process {peak:.0f} MB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
