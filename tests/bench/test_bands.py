"""``python -m bench.bands``: a readers dump's numbers beside bands, and the wrong ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.bands import main


def _dump(root: Path, answer: str) -> Path:
    """A dump holding one `ask` answer, one web page, one MCP record and one Slack message."""
    (root / "ask").mkdir(parents=True)
    (root / "ask" / "pr_acme-1.txt").write_text(answer, encoding="utf-8")
    (root / "web").mkdir()
    page = '<a href="/c">acme#1</a> <span class="band band-high">high</span> 61'
    (root / "web" / "change.html").write_text(page, encoding="utf-8")
    (root / "mcp").mkdir()
    record = {"change": {"score": 80, "band": "critical"}}
    (root / "mcp" / "change_risk.json").write_text(json.dumps(record), encoding="utf-8")
    slack = {"blocks": [{"type": "section", "text": {"text": "acme#2 · 20, low risk"}}]}
    (root / "me.slack.json").write_text(json.dumps(slack), encoding="utf-8")
    return root


def test_a_dump_whose_every_number_has_its_band_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every reader's pairs are counted, and none is wrong."""
    assert main([str(_dump(tmp_path / "d", "acme#1 scored 61 (high risk)"))]) == 0
    out = capsys.readouterr().out
    assert "4 numbers beside a band" in out
    assert "by reader: ask 1, mcp 1, slack 1, web 1" in out
    assert "0 wrong" in out


def test_a_number_beside_another_numbers_band_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 49 beside "high" is named (49 is low), and the exit is 1."""
    assert main([str(_dump(tmp_path / "d", "acme#1 scored 49 (high risk)"))]) == 1
    out = capsys.readouterr().out
    assert "WRONG ask/pr_acme-1.txt: 49 beside 'high' (its band is low)" in out
    assert "1 wrong" in out


def test_a_folder_that_is_not_there_is_one_sentence(tmp_path: Path) -> None:
    """A dump that does not exist ends in a usage error, not a traceback."""
    with pytest.raises(SystemExit) as done:
        main([str(tmp_path / "none")])
    assert done.value.code == 2
