"""The tracker's bug issue list: key files, Jira CSV exports, and the path riskbrief.toml gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.config import load_org_config
from data.store.bug_issues import load_bug_issues, read_bug_issues
from scoring.errors import ConfigError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PAY-1\npay-2  # from the export\n\n", {"PAY-1", "PAY-2"}),
        (
            "Issue Type,Issue key,Summary\nBug,CORE-1,crash\nTask,CORE-2,docs\nbug,CORE-3,leak\n",
            {"CORE-1", "CORE-3"},
        ),
        ('Summary,Issue key\n"a, b",CORE-4\n', {"CORE-4"}),
        ("\ufeffIssue key\nCORE-5\n", {"CORE-5"}),
    ],
)
def test_bug_issue_files(tmp_path: Path, text: str, expected: set[str]) -> None:
    """Key lists and Jira CSV exports give the bug keys; other issue types are left out."""
    path = tmp_path / "bugs.csv"
    path.write_text(text, encoding="utf-8")
    assert read_bug_issues(path).keys == frozenset(expected)


def test_an_unreadable_bug_file_is_one_sentence(tmp_path: Path) -> None:
    """A missing bug issue file is a ConfigError naming the key and the file."""
    with pytest.raises(ConfigError, match=r"^scoring\.bug_issues: .*missing\.txt cannot be read"):
        read_bug_issues(tmp_path / "missing.txt")


def test_the_config_path_is_relative_to_riskbrief_toml(tmp_path: Path) -> None:
    """``[scoring] bug_issues`` names a file next to riskbrief.toml, wherever riskbrief runs."""
    (tmp_path / "bugs.txt").write_text("SHOP-7\n", encoding="utf-8")
    config = tmp_path / "riskbrief.toml"
    config.write_text('[scoring]\nbug_issues = "bugs.txt"\n', encoding="utf-8")
    assert load_bug_issues(load_org_config(config)).keys == frozenset({"SHOP-7"})
    config.write_text("[organisation]\n", encoding="utf-8")
    assert load_bug_issues(load_org_config(config)).keys == frozenset()
