"""``python -m bench.cli_start [--runs N]``: wall time of the installed ``riskbrief`` starting up.

Runs the console script as a user does (a fresh interpreter each time) for the
commands that need no store: ``--help``, ``--version``, ``init`` and a
subcommand's ``--help``. Prints the median and the slowest of ``--runs`` runs.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["main"]

_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("--help",),
    ("--version",),
    ("init", "--force", "--path", "{tmp}/riskbrief.toml"),
    ("brief", "--help"),
)


def _seconds(argv: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    """Time each command ``--runs`` times and print one line per command."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    script = Path(sys.executable).parent / "riskbrief"
    with tempfile.TemporaryDirectory() as tmp:
        for command in _COMMANDS:
            argv = [str(script), *(part.format(tmp=tmp) for part in command)]
            times = [_seconds(argv, Path(tmp)) for _ in range(args.runs)]
            shown = " ".join(command).replace("{tmp}/", "")
            print(
                f"riskbrief {shown:<40} median {statistics.median(times):.3f} s, "
                f"slowest {max(times):.3f} s"
            )


if __name__ == "__main__":
    main()
