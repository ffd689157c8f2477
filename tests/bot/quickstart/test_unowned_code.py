"""The share of the last year's code changes no service holds, as quickstart states it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.quickstart.unowned_code import unowned_code
from data.path_globs import in_globs
from tests.clock import THURSDAY
from tests.data.sources.gitrepo import GitRepo

pytestmark = pytest.mark.usefixtures("clean_git_env")

NEWEST = THURSDAY - timedelta(days=2)


def _in_app(path: str) -> str | None:
    return "app" if in_globs(["app/**"], path) else None


def test_the_year_is_first_parent_code_changes_before_the_newest_commit(tmp_path: Path) -> None:
    """Each code file a first-parent commit of the 365 days before the newest commit changed
    counts once (a merge by its diff against the branch it joined, not its side's commits
    again); docs, tests, build output and older commits do not."""
    repo = GitRepo(tmp_path / "clone")
    repo.commit({"tools/old.py": "x = 0\n"}, "Long ago", NEWEST - timedelta(days=400))
    repo.commit({"app/a.py": "a = 1\n", "README.md": "r\n"}, "Start", NEWEST - timedelta(days=300))
    repo.git("checkout", "-q", "-b", "side")
    repo.commit({"tools/gen.py": "g = 1\n"}, "Side one", NEWEST - timedelta(days=20))
    repo.commit({"tools/gen.py": "g = 2\n"}, "Side two", NEWEST - timedelta(days=19))
    repo.git("checkout", "-q", "main")
    repo.merge("side", "Merge side", NEWEST - timedelta(days=10))
    repo.commit(
        {"app/a.py": "a = 2\n", "tests/test_a.py": "t\n", "dist/app.js": "var a;\n"},
        "Change a",
        NEWEST,
    )
    found = unowned_code(repo.path, _in_app)
    # app/a.py twice, tools/gen.py once (the merge); tools/old.py is older than the year.
    assert (found.changes, found.unowned) == (3, 1)
    assert found.folders == (("tools", 1),)
    assert found.warns
    assert found.line() == (
        "Code in no service: 33% of the last year's code changes (1 of 3 changed code files, "
        f"first-parent commits in the 365 days to {NEWEST.date().isoformat()})."
    )
    fix = found.fix("riskbrief.toml", "acme/shop")
    assert 'repository = "acme/shop" and paths = ["tools/**"]' in fix
    assert fix.startswith("the most is in tools/ (1);")


def test_quickstart_warns_above_a_tenth_naming_the_folder_to_add(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two Python packages drafted as services while most of the year's code changes are in
    a server/ folder beside them (no one service's: a clone of one service would hold it,
    ``lone_service``): quickstart states the share and warns, naming server/ and the
    riskbrief.toml entry that adds it."""
    repo = GitRepo(tmp_path / "shop")
    start = NEWEST - timedelta(days=30)
    repo.commit(
        {
            "shop/__init__.py": "",
            "shop/cart.py": "c = 1\n",
            "shop/pay.py": "p = 1\n",
            "shop/tax.py": "t = 1\n",
            "billing/__init__.py": "",
            "billing/invoice.py": "i = 1\n",
            "server/app.js": "x\n",
        },
        "Start",
        start,
    )
    for day in range(1, 8):
        repo.commit({"server/app.js": f"x{day}\n"}, f"Serve {day}", start + timedelta(days=day))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("TZ", "UTC")
    for key in ("RISKBRIEF_CONFIG", "RISKBRIEF_DATABASE_URL"):
        monkeypatch.delenv(key, raising=False)
    result = CliRunner().invoke(main, ["quickstart", str(repo.path)])
    assert result.exit_code == 0, result.output
    assert "2 services from Python packages: billing, shop." in result.output
    assert "Code in no service: 57% of the last year's code changes (8 of 14 " in result.output
    assert (
        "Warning: that is above 10%; the most is in server/ (8); add a [[services]] entry to "
    ) in result.output
    assert 'repository = "shop" and paths = ["server/**"]' in result.output


def test_a_folder_deleted_since_counts_but_is_never_offered_as_a_service(tmp_path: Path) -> None:
    """A module deleted this year (kotlinpoet's ``interop/javapoet``) still counts among the
    year's changes in no service, but the advice names it as deleted and offers only folders
    the clone still holds; with nothing else, it says none can be added."""
    repo = GitRepo(tmp_path / "clone")
    repo.commit(
        {"app/a.py": "a = 1\n", "javapoet/j.py": "j = 1\n"}, "Start", NEWEST - timedelta(days=90)
    )
    repo.commit({"javapoet/j.py": "j = 2\n"}, "Edit", NEWEST - timedelta(days=60))
    repo.commit({"javapoet/j.py": None}, "Delete javapoet", NEWEST - timedelta(days=30))
    repo.commit({"tools/gen.py": "g = 1\n"}, "Add a tool", NEWEST)
    found = unowned_code(repo.path, _in_app)
    assert found.gone == frozenset({"javapoet"})
    fix = found.fix("riskbrief.toml", "acme/shop")
    assert fix.startswith("the most is in javapoet/ (3, deleted since), tools/ (1);")
    assert 'paths = ["tools/**"]' in fix
    only_gone = unowned_code(
        repo.path, lambda p: "tools" if p.startswith(("app/", "tools/")) else None
    )
    assert "no service can hold it" in only_gone.fix("riskbrief.toml", "acme/shop")
