"""`riskbrief backtest --kamei-csv`: the configured weights, and one sentence for unusable files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from tests.evaluation.test_kamei import JSON_KEYS as REQUIRED

HEADER = ",_id,date,bug,__,ns,nd,nf,entrophy,la,ld,lt,fix,ndev,age,nuc,exp,rexp,sexp"


def _line(i: int, bug: bool, la: int) -> str:
    date = 1_600_000_000 + i * 3600
    return f"{i},sha{i},{date},{int(bug)},0,1,1,2,0.5,{la},2,100,0,3,10.0,5,20,4.0,10"


def _csv(tmp_path: Path, labels: list[bool]) -> Path:
    """A CSV with one change per label, oldest first; bug-inducing ones are larger but noisy."""
    lines = [_line(i, bug, 5 + (40 if bug else 0) + (i * 13) % 50) for i, bug in enumerate(labels)]
    path = tmp_path / "project.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in an empty directory, so a riskbrief.toml in the checkout is never picked up."""
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)


def _run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["backtest", *args], env=env)


@pytest.mark.parametrize(
    ("labels", "calibrate", "sentence"),
    [
        (
            [],
            False,
            "has a header but no rows; add one line of metrics and a bug label per change.",
        ),
        (
            [True, False, True, False, True],
            False,
            "only 5 changes were given, too few to measure the latest 20% of; "
            "use a dataset with at least 10 labelled changes.",
        ),
        (
            [False] * 16 + [True, False, True, False],
            True,
            "the earlier 16 changes are all clean, so no weights can be fitted on them; "
            "run without --calibrate or use a dataset with both kinds early on.",
        ),
        (
            [i % 2 == 0 for i in range(16)] + [False] * 4,
            False,
            "the latest 4 changes are all clean, so they cannot be ranked; "
            "use a dataset with both kinds among its recent changes.",
        ),
    ],
    ids=["header-only", "five-rows", "one-class-earlier-80pct", "one-class-latest-20pct"],
)
def test_unusable_files_end_in_one_sentence(
    tmp_path: Path, labels: list[bool], calibrate: bool, sentence: str
) -> None:
    """Each unusable CSV ends in one error line saying what is wrong and what to do."""
    args = ["--kamei-csv", str(_csv(tmp_path, labels))] + (["--calibrate"] if calibrate else [])
    result = _run(*args)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    [line] = result.output.splitlines()
    assert line.startswith("Error: ")
    assert line.endswith(sentence)


def _mixed(tmp_path: Path) -> Path:
    return _csv(tmp_path, [i % 3 == 0 or i % 7 == 0 for i in range(60)])


def test_without_a_config_the_defaults_are_named(tmp_path: Path) -> None:
    """With no riskbrief.toml the JSON keeps the five figures and says the weights are defaults."""
    result = _run("--kamei-csv", str(_mixed(tmp_path)), "--json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert set(figures) == REQUIRED | {"weights"}
    assert figures["weights"] == "defaults"


def test_configured_weights_are_used_and_named(tmp_path: Path) -> None:
    """A riskbrief.toml named by --config changes the figures, and both outputs name it; one
    merely lying in the current directory is not read."""
    csv = str(_mixed(tmp_path))
    default = json.loads(_run("--kamei-csv", csv, "--json").output)
    Path("riskbrief.toml").write_text("[scoring.weights]\nsize = 0\nfix = 40\n", encoding="utf-8")
    assert json.loads(_run("--kamei-csv", csv, "--json").output) == default
    named = ("--kamei-csv", csv, "--config", "riskbrief.toml")
    configured = json.loads(_run(*named, "--json").output)
    assert configured["weights"] == "riskbrief.toml: its [scoring.weights], time zone UTC"
    assert configured["auc"] != default["auc"]
    line = _run(*named).output.splitlines()[0]
    assert line.rstrip().endswith("(weights: riskbrief.toml: its [scoring.weights], time zone UTC)")


def test_riskbrief_config_variable_is_followed(tmp_path: Path) -> None:
    """RISKBRIEF_CONFIG names the file as for other commands, and a missing one is an error."""
    toml = tmp_path / "acme.toml"
    toml.write_text("[scoring.weights]\nsize = 12\n", encoding="utf-8")
    csv = str(_mixed(tmp_path))
    found = _run("--kamei-csv", csv, "--json", "--calibrate", env={"RISKBRIEF_CONFIG": str(toml)})
    assert found.exit_code == 0, found.output
    assert json.loads(found.output)["weights"] == (
        f"{toml}: its [scoring.weights], time zone UTC, refitted on the earlier 80%"
    )
    missing = _run("--kamei-csv", csv, env={"RISKBRIEF_CONFIG": str(tmp_path / "none.toml")})
    assert missing.exit_code == 1
    assert "none.toml does not exist" in missing.output


def test_a_config_without_weights_measures_the_defaults(tmp_path: Path) -> None:
    """A riskbrief.toml that sets no weights gives the default figures, named as defaults."""
    csv = str(_mixed(tmp_path))
    default = json.loads(_run("--kamei-csv", csv, "--json").output)
    Path("riskbrief.toml").write_text('[organisation]\nname = "Acme"\n', encoding="utf-8")
    assert json.loads(_run("--kamei-csv", csv, "--json").output) == default


def test_the_score_is_printed_beside_lines_added_alone(tmp_path: Path) -> None:
    """The line gives lines added alone's AUC beside the score's, and says when it is not beaten."""
    csv = str(_mixed(tmp_path))
    figures = json.loads(_run("--kamei-csv", csv, "--json").output)
    out = _run("--kamei-csv", csv).output
    first = out.splitlines()[0]
    assert f"AUC {figures['auc']:.3f} (lines added alone {figures['auc_lines_added']:.3f})" in first
    beaten = figures["auc"] > figures["auc_lines_added"]
    assert ("does not beat lines added alone" in out) is not beaten
    if not beaten:
        assert f"AUC {figures['auc']:.3f} against {figures['auc_lines_added']:.3f}" in out


def test_bands_are_told_in_the_briefings_words(tmp_path: Path) -> None:
    """The bands read very high / high / moderate / low, as in briefings, never critical or safe."""
    out = _run("--kamei-csv", str(_mixed(tmp_path))).output
    bands = next(line for line in out.splitlines() if line.startswith("Bands: "))
    assert bands.startswith("Bands: very high ")
    assert ", low " in bands
    assert "critical" not in out
    assert "safe" not in out
