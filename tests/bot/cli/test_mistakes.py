"""Every user mistake on the command line: one sentence on stderr, the right exit status."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main

# Nothing listens on port 1: the connection is refused at once.
_UNREACHABLE = "postgresql://x@127.0.0.1:1/nope"

# Every command that opens the store, with what it needs to get that far.
_STORE_COMMANDS = [
    pytest.param(["brief"], id="brief"),
    pytest.param(["sync"], id="sync"),
    pytest.param(["score"], id="score"),
    pytest.param(["ask", "pr", "acme/shop#1"], id="ask"),
    pytest.param(["serve", "--role", "scheduler"], id="serve"),
    pytest.param(["deploy", "record", "--service", "api", "--sha", "abcdef1234"], id="deploy"),
    pytest.param(["calibrate"], id="calibrate"),
    pytest.param(["db", "upgrade"], id="db-upgrade"),
]


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), prog_name="riskbrief")


def _one_sentence(result: Result) -> str:
    """The one line a refused command printed on stderr, after checking it printed nothing else."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.usefixtures("workspace")
@pytest.mark.parametrize("args", _STORE_COMMANDS)
def test_an_unreachable_postgresql_is_one_sentence_on_every_command(
    monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    """A PostgreSQL nobody answers at ends every command in one line naming the URL, exit 1."""
    monkeypatch.setenv("RISKBRIEF_DATABASE_URL", _UNREACHABLE)
    line = _one_sentence(_run(*args))
    assert line.startswith("Error: cannot reach the database at postgresql://x@127.0.0.1:1/nope")
    assert "check RISKBRIEF_DATABASE_URL and that the server is running" in line
    assert "psycopg" not in line.split("(")[0]  # the URL as the user wrote it


@pytest.mark.parametrize("args", _STORE_COMMANDS)
def test_a_file_that_is_not_a_database_is_one_sentence_on_every_command(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    """A store URL naming a text file ends every command in one line saying so, exit 1."""
    readme = workspace / "README.md"
    readme.write_text("# Not a database\n\n" + "Some prose.\n" * 200, encoding="utf-8")
    monkeypatch.setenv("RISKBRIEF_DATABASE_URL", f"sqlite:///{readme}")
    line = _one_sentence(_run(*args))
    assert f"{readme} is not a SQLite database" in line
    assert "point RISKBRIEF_DATABASE_URL at riskbrief's store" in line
    assert readme.read_text(encoding="utf-8").startswith("# Not a database")


@pytest.mark.usefixtures("workspace")
def test_doctor_names_the_unreachable_store_in_its_database_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`doctor` on an unreachable store fails its database check with the reason and the fix."""
    monkeypatch.setenv("RISKBRIEF_DATABASE_URL", _UNREACHABLE)
    result = _run("doctor")
    assert result.exit_code == 1
    (line,) = [x for x in result.stdout.splitlines() if x.startswith("fail  database")]
    assert "cannot reach the database at postgresql://x@127.0.0.1:1/nope (" in line
    assert "Connection refused" in line or "connection failed" in line
    assert "Fix: check RISKBRIEF_DATABASE_URL and that the server is running." in line


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        pytest.param(
            ["brief", "--week", "2026-47"], "'2026-47' is not an ISO week; use the form", id="week"
        ),
        pytest.param(
            ["quickstart", "README.md"],
            "README.md is a file, not a git clone; pass the folder of a local clone",
            id="clone",
        ),
        pytest.param(["brief", "--nope"], "No such option '--nope'", id="option"),
        pytest.param(["nope"], "No such command 'nope'; see `riskbrief --help`", id="command"),
        pytest.param(["--nope"], "No such option '--nope'; see `riskbrief --help`", id="top"),
        pytest.param(["deploy", "record"], "see `riskbrief deploy record --help`", id="nested"),
        pytest.param(
            ["brief", "--send", "--dry-run"],
            "--send delivers and --dry-run only writes the briefings; drop one of them",
            id="send-dry-run",
        ),
        pytest.param(["brief", "--send", "--week", "2026-W40"], "drop --week", id="send-week"),
    ],
)
def test_usage_mistakes_are_one_line_with_exit_2(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], needle: str
) -> None:
    """A usage mistake click catches is one line saying what to do, exit 2, no usage block."""
    monkeypatch.chdir(workspace)
    (workspace / "README.md").write_text("# readme\n", encoding="utf-8")
    result = _run(*args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == [result.stderr.strip()], result.stderr
    assert "Usage:" not in result.stderr
    assert needle in result.stderr


@pytest.mark.usefixtures("workspace")
def test_send_with_dry_run_does_not_blame_the_week() -> None:
    """`brief --send --dry-run` names the two flags that contradict, not --week."""
    result = _run("brief", "--send", "--dry-run")
    assert "--week" not in result.stderr
    assert "last complete week" not in result.stderr


@pytest.mark.parametrize(
    "args", [["-h"], ["brief", "-h"], ["db", "upgrade", "-h"], ["ask", "-h"]], ids=str
)
def test_dash_h_is_help_everywhere(args: list[str]) -> None:
    """`-h` shows the same help as `--help`, on the group and on every command."""
    short = _run(*args)
    long = _run(*args[:-1], "--help")
    assert short.exit_code == 0, short.output
    assert short.stdout == long.stdout
    assert "Usage:" in short.stdout


def test_the_top_level_help_keeps_every_line_whole_and_says_where_the_config_is() -> None:
    """At 80 columns the command list wraps instead of cutting a line; it names riskbrief.toml."""
    result = CliRunner().invoke(main, ["--help"], terminal_width=80)
    assert result.exit_code == 0
    commands = result.stdout.split("Commands:")[1]
    assert "..." not in commands
    assert "e.g.\n" not in result.stdout
    text = " ".join(result.stdout.split())
    assert "Answer a `/risk` command from the store, as Slack would" in text
    assert "reads riskbrief.toml from the current directory (or the file RISKBRIEF_CONFIG" in text
