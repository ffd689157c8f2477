"""The `riskbrief` command line end to end: demo, init, db upgrade, score, brief, errors."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlmodel import select

from bot.cli import main
from briefing.grounding import check_narrative
from briefing.narrative import Narrative
from briefing.payload import BriefingPayload
from data.sources.sample import sample_org_config
from data.store.engine import make_engine, session_scope
from data.store.tables import Briefing
from tests.evaluation.test_kamei import JSON_KEYS

AS_OF = "2026-11-23"
COUNTS_LINE = re.compile(r"^\d+ critical · \d+ warning · \d+ info$")
BLOCK_TYPES = {"section", "header", "divider", "context", "actions", "image", "rich_text"}


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The output folder and terminal text of one `riskbrief demo` run."""
    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(main, ["demo", "--out", str(out), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    return out, result.output


def _subscribers(out: Path) -> list[str]:
    return sorted(p.name.removesuffix(".slack.json") for p in out.glob("*.slack.json"))


def _texts(node: Any) -> list[str]:
    """Every ``text`` string in a Block Kit structure."""
    if isinstance(node, dict):
        found = [node["text"]] if isinstance(node.get("text"), str) else []
        return found + [t for v in node.values() for t in _texts(v)]
    if isinstance(node, list):
        return [t for v in node for t in _texts(v)]
    return []


def test_demo_prints_the_first_briefing_counts_first(demo_out: tuple[Path, str]) -> None:
    """The terminal shows a briefing whose first line is the severity counts."""
    _, output = demo_out
    assert COUNTS_LINE.match(output.splitlines()[0])
    assert "Wrote 4 briefings" in output


def test_demo_writes_slack_and_email_for_every_subscriber(demo_out: tuple[Path, str]) -> None:
    """Each subscriber gets Slack JSON within Block Kit limits, an HTML and a text email."""
    out, _ = demo_out
    subscribers = _subscribers(out)
    assert len(subscribers) == 4
    for key in subscribers:
        message = json.loads((out / f"{key}.slack.json").read_text())
        blocks = message["blocks"]
        assert 1 <= len(blocks) <= 50
        assert {b["type"] for b in blocks} <= BLOCK_TYPES
        assert COUNTS_LINE.match(blocks[0]["text"]["text"].strip("*").splitlines()[0].strip("*"))
        for block in blocks:
            if block["type"] == "section" and "text" in block:
                assert len(block["text"]["text"]) <= 3000
            if block["type"] == "header":
                assert len(block["text"]["text"]) <= 150
        html = (out / f"{key}.email.html").read_text()
        text = (out / f"{key}.email.txt").read_text()
        assert html.lstrip().lower().startswith("<!doctype html") or "<html" in html
        assert f'src="{key}.chart.png"' in html
        assert (out / f"{key}.chart.png").read_bytes().startswith(b"\x89PNG")
        assert COUNTS_LINE.match(text.splitlines()[0])


def test_demo_surfaces_the_planted_stories(demo_out: tuple[Path, str]) -> None:
    """The org-wide briefing carries a card for each story planted in the latest week."""
    out, _ = demo_out
    briefs = {k: json.loads((out / f"{k}.slack.json").read_text()) for k in _subscribers(out)}
    card_ids = {
        key: {
            el["value"]
            for block in msg["blocks"]
            for el in ([block["accessory"]] if "accessory" in block else [])
            if el.get("action_id") == "card_details"
        }
        for key, msg in briefs.items()
    }
    widest = max(card_ids.values(), key=len)
    assert any(c.startswith("concentration:") for c in widest)
    assert any(c.startswith("incident:") for c in widest)
    # The MTTR rise and the revert of what the deploy shipped are the incident's story: one card.
    assert "mttr" not in widest
    vp = json.dumps(briefs["vp-engineering"])
    assert "Incidents took 235 min to resolve (median) this week" in vp
    # The revert is told with the change it reverted, the incident's likeliest culprit.
    assert "Likeliest culprit: acme/platform#4521 (reverted by acme/platform#4522, high risk)" in vp
    assert "agent:unreviewed" in widest
    assert any(c.startswith("improvement:") for c in widest)


def test_demo_is_deterministic(tmp_path: Path, demo_out: tuple[Path, str]) -> None:
    """Two runs for the same day and seed write the same briefings."""
    first, _ = demo_out
    result = CliRunner().invoke(main, ["demo", "--out", str(tmp_path), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    for key in _subscribers(first):
        for suffix in (".slack.json", ".email.txt"):
            assert (tmp_path / f"{key}{suffix}").read_text() == (
                first / f"{key}{suffix}"
            ).read_text()


def _run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the installed `riskbrief` script as a user would."""
    script = Path(sys.executable).parent / "riskbrief"
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("RISKBRIEF_")}
    full_env.update(env)
    return subprocess.run(
        [str(script), *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=120
    )


def test_init_upgrade_score_brief_on_a_fresh_directory(tmp_path: Path) -> None:
    """A new user's path: init, db upgrade, score and brief work on an empty store."""
    assert _run(["init"], tmp_path).returncode == 0
    assert (tmp_path / "riskbrief.toml").exists()
    again = _run(["init"], tmp_path)
    assert again.returncode != 0
    assert "--force" in again.stderr
    assert _run(["db", "upgrade"], tmp_path).returncode == 0
    assert (tmp_path / "riskbrief.db").exists()
    scored = _run(["score"], tmp_path)
    assert scored.returncode == 0, scored.stderr
    assert "Scored 0 changes and 0 deploys" in scored.stdout
    brief = _run(["brief", "--out", "out", "--dry-run"], tmp_path)
    assert brief.returncode == 0, brief.stderr
    # An empty store is no quiet week: it says there is no data and what to run.
    assert brief.stdout.splitlines()[0].startswith("No data yet:")
    assert "`riskbrief sync`" in brief.stdout.splitlines()[0]
    assert "quiet" not in brief.stdout
    assert "  maria: no data (" in brief.stdout
    assert (tmp_path / "out" / "maria.slack.json").exists()


@pytest.mark.parametrize(
    ("args", "env", "needle"),
    [
        (["brief"], {}, "riskbrief.toml does not exist; run `riskbrief init`"),
        (["score"], {"RISKBRIEF_DATABASE_URL": "mysql://x/y"}, "RISKBRIEF_DATABASE_URL"),
        (["score"], {"RISKBRIEF_LOG_LEVEL": "loud"}, "RISKBRIEF_LOG_LEVEL"),
        (["score"], {}, "`riskbrief db upgrade` creates an empty one at"),
        (["brief", "--subscriber", "nobody"], {}, "no active subscriber 'nobody'"),
        (["brief", "--week", "last week"], {}, "use the form 2026-W47"),
        (["brief", "--week", "2026-W01"], {}, "holds no changes, deploys or incidents yet"),
        (["demo", "--as-of", "yesterday"], {}, "use the form 2026-11-23"),
        (["demo", "--out", "/proc/riskbrief"], {}, "/proc/riskbrief: No such file or directory"),
        (["init", "--path", "/no/dir/x.toml"], {}, "/no/dir/x.toml: No such file or directory"),
        (["brief", "--send", "--week", "2026-W40"], {}, "drop --week"),
        (
            ["db", "upgrade"],
            {"RISKBRIEF_DATABASE_URL": "sqlite:////no/dir/x.db"},
            "cannot open the SQLite file /no/dir/x.db",
        ),
    ],
)
def test_user_errors_are_one_sentence_without_traceback(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    env: dict[str, str],
    needle: str,
) -> None:
    """A mistake a user can make ends in one line saying what to do, never a traceback."""
    # The steps before the mistake run in this process; the mistake itself as a user runs it.
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    if args[0] not in ("brief", "init") or args[1:] != []:
        assert runner.invoke(main, ["init"]).exit_code == 0
    if "nobody" in args or "2026-W01" in args:
        assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    result = _run(args, tmp_path, **env)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert needle in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.startswith("Error")]) == 1


def test_a_refused_command_leaves_no_database_and_upgrade_says_what_it_did(
    tmp_path: Path,
) -> None:
    """`score` before `db upgrade` creates no file; `db upgrade` says created, then up to date."""
    _run(["init"], tmp_path)
    refused = _run(["score"], tmp_path)
    assert f"there is no riskbrief store at {tmp_path / 'riskbrief.db'}" in refused.stderr
    assert not (tmp_path / "riskbrief.db").exists()
    created = _run(["db", "upgrade"], tmp_path)
    assert created.stdout.startswith(f"Created the database sqlite:///{tmp_path / 'riskbrief.db'}")
    again = _run(["db", "upgrade"], tmp_path)
    assert "is up to date" in again.stdout


def test_demo_narratives_are_grounded(demo_out: tuple[Path, str]) -> None:
    """Every stored demo briefing's narrative passes the grounding check against its payload."""
    out, _ = demo_out
    engine = make_engine(f"sqlite:///{out / 'demo.db'}")
    org = sample_org_config()
    names = [s.display_name for s in org.services] + [t.display_name for t in org.teams]
    with session_scope(engine) as session:
        rows = list(session.exec(select(Briefing)))
    engine.dispose()
    assert len(rows) == 4
    for row in rows:
        payload = BriefingPayload.model_validate(row.payload)
        narrative = Narrative.model_validate(row.narrative)
        assert check_narrative(payload, narrative, names) == ()


def test_backtest_prints_json_with_the_quality_figures(tmp_path: Path) -> None:
    """`riskbrief backtest --json` reports AUC, counts, recall at 20% effort and top-10% lift."""
    header = ",_id,date,bug,__,ns,nd,nf,entrophy,la,ld,lt,fix,ndev,age,nuc,exp,rexp,sexp"
    lines = [
        f"{i},sha{i},{1_600_000_000 + i * 3600},{int(i % 3 == 0)},0,1,1,{1 + i % 4},0.5,"
        f"{5 + (40 if i % 3 == 0 else 0) + i % 7},2,100,0,3,10.0,5,20,4.0,10"
        for i in range(50)
    ]
    csv = tmp_path / "tiny.csv"
    csv.write_text("\n".join([header, *lines]) + "\n")
    result = CliRunner().invoke(main, ["backtest", "--kamei-csv", str(csv), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert set(figures) == JSON_KEYS | {"weights"}
    assert figures["weights"] == "defaults"
    assert sum(b["n"] for b in figures["bands"].values()) == figures["n"]
    assert figures["n"] == 10
    assert figures["auc"] > 0.9
    broken = _run(["backtest", "--kamei-csv", str(tmp_path / "missing.csv")], tmp_path)
    assert broken.returncode != 0
    assert "Traceback" not in broken.stderr
    assert "missing.csv" in broken.stderr


def test_the_largest_demo_slack_briefing_is_a_90_second_read(demo_out: tuple[Path, str]) -> None:
    """Every demo Slack message, the VP's included, is at most 350 words as Slack shows them."""
    out, _ = demo_out
    for key in _subscribers(out):
        blocks = json.loads((out / f"{key}.slack.json").read_text())["blocks"]
        shown = [re.sub(r"<[^|>]+\|([^>]*)>", r"\1", t) for t in _texts(blocks)]
        words = sum(len(t.split()) for t in shown)
        assert words <= 350, f"{key}: {words} words"


def test_high_risk_deploys_are_named_even_without_an_incident(demo_out: tuple[Path, str]) -> None:
    """The VP's email names the week's riskiest deploys, those no incident followed included."""
    out, _ = demo_out
    text = (out / "vp-engineering.email.txt").read_text()
    part = text.split("Riskiest deploys\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert 3 <= len(part) <= 5
    assert any("very high risk" in line and "followed by" not in line for line in part)
    assert any("followed by" in line and "INC-1039" in line for line in part)
