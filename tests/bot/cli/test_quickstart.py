"""`riskbrief quickstart PATH`: a local clone, nothing configured, to a first briefing."""

from __future__ import annotations

import tomllib
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.quickstart.draft import plan_clone
from briefing.week import IsoWeek
from tests.clock import THURSDAY
from tests.data.sources.gitrepo import GitRepo

pytestmark = pytest.mark.usefixtures("clean_git_env", "pinned_now")


def _last_week_at(hours: float) -> datetime:
    """``hours`` after the start of the last complete week, in UTC."""
    start, _ = IsoWeek.last_complete(THURSDAY, "UTC").bounds("UTC")
    return start + timedelta(hours=hours)


@pytest.fixture
def clone(tmp_path: Path) -> GitRepo:
    """A clone whose code sits under src/ in two packages, beside tests and docs."""
    repo = GitRepo(tmp_path / "shop")
    repo.commit({"README.md": "shop\n"}, "Start", _last_week_at(-24 * 20))
    repo.commit({"src/cart/app.py": "a\n" * 50}, "Add the cart", _last_week_at(-24 * 10))
    repo.commit({"docs/index.md": "docs\n"}, "Write docs", _last_week_at(-24 * 9))
    repo.commit({"tests/test_cart.py": "t\n"}, "Test the cart", _last_week_at(-24 * 8))
    repo.commit({"src/billing/pay.py": "p\n" * 500}, "Add billing", _last_week_at(30))
    repo.commit({"src/cart/app.py": "b\n" * 60}, "Grow the cart", _last_week_at(50))
    return repo


def test_services_are_the_code_folders_under_a_wrapper(clone: GitRepo) -> None:
    """Under a lone src/ the packages are the services; tests and docs are none."""
    plan = plan_clone(clone.path)
    assert plan.services == (("billing", "src/billing/**"), ("cart", "src/cart/**"))
    assert plan.repository == "shop"


def test_one_command_drafts_the_config_reads_the_clone_and_briefs(
    clone: GitRepo, workdir: Path
) -> None:
    """quickstart writes a valid riskbrief.toml, creates the store, syncs and briefs last week."""
    result = CliRunner().invoke(main, ["quickstart", str(clone.path)])
    assert result.exit_code == 0, result.output
    config = tomllib.loads((workdir / "riskbrief.toml").read_text(encoding="utf-8"))
    assert [s["key"] for s in config["services"]] == ["billing", "cart"]
    assert config["repositories"][0]["path"] == str(clone.path.resolve())
    assert (workdir / "riskbrief.db").exists()
    assert "git shop: 6 changes" in result.output
    assert "Wrote 1 briefing to out/" in result.output
    assert "A quiet week: no changes merged in scope." not in result.output
    assert "Next: edit" in result.output
    assert (workdir / "out" / "me.slack.json").exists()


def test_an_existing_config_is_kept(clone: GitRepo, workdir: Path) -> None:
    """A riskbrief.toml already there is not overwritten without --force."""
    (workdir / "riskbrief.toml").write_text("# mine\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["quickstart", str(clone.path)])
    assert result.exit_code != 0
    assert "pass --force" in result.output
    assert (workdir / "riskbrief.toml").read_text(encoding="utf-8") == "# mine\n"


def test_a_folder_that_is_no_clone_is_one_sentence(tmp_path: Path, workdir: Path) -> None:
    """A path that is not a git clone is refused in one sentence, and nothing is written."""
    plain = tmp_path / "plain"
    plain.mkdir()
    result = CliRunner().invoke(main, ["quickstart", str(plain)])
    assert result.exit_code != 0
    assert "is not a git clone" in result.output
    assert not (workdir / "riskbrief.toml").exists()


@pytest.mark.usefixtures("workdir")
def test_doctor_right_after_quickstart_gives_the_drafted_reader_as_a_next_step(
    clone: GitRepo,
) -> None:
    """The placeholder reader quickstart itself wrote is a next step, not a failure: exit 0."""
    assert CliRunner().invoke(main, ["quickstart", str(clone.path)]).exit_code == 0
    result = CliRunner().invoke(main, ["doctor"])
    assert result.exit_code == 0, result.output
    delivery = next(line for line in result.output.splitlines() if "delivery:" in line)
    assert delivery.startswith("next  delivery: the reader `me` that quickstart drafted")
    assert "Next: put your Slack member id" in delivery
    assert result.output.splitlines()[-1].endswith(", 1 next step.")


def test_a_clone_without_release_tags_is_said_once(clone: GitRepo, workdir: Path) -> None:
    """A clone with no tag gets no deploy: quickstart says so with the fix, in one line."""
    result = CliRunner().invoke(main, ["quickstart", str(clone.path)])
    assert result.exit_code == 0, result.output
    lines = [x for x in result.output.splitlines() if "has no tags" in x]
    assert lines == [
        "shop has no tags, so none of its releases is read as a deploy (deploy risk and the "
        "change failure rate need deploys); tag its releases (`git tag v1.2.0 <commit>`) and "
        "run `riskbrief sync`, or read deploys from another source (docs/sources.md)"
    ]
    clone.tag("v1.0", _last_week_at(51))
    (workdir / "riskbrief.toml").unlink()
    again = CliRunner().invoke(main, ["quickstart", str(clone.path)])
    assert again.exit_code == 0, again.output
    assert "has no tags" not in again.output


def test_brief_after_quickstart_briefs_the_same_week_not_a_no_data_one(
    tmp_path: Path, workdir: Path
) -> None:
    """A clone whose newest change is weeks old: `brief` briefs that week as quickstart did,
    saying why, instead of writing a "no data" briefing over quickstart's."""
    repo = GitRepo(tmp_path / "old")
    repo.commit({"src/cart/app.py": "a\n" * 50}, "Add the cart", _last_week_at(-24 * 30))
    repo.commit({"src/cart/app.py": "b\n" * 60}, "Grow the cart", _last_week_at(-24 * 29))
    started = CliRunner().invoke(main, ["quickstart", str(repo.path)])
    assert started.exit_code == 0, started.output
    written = (workdir / "out" / "me.email.txt").read_text(encoding="utf-8")
    week = IsoWeek.of((_last_week_at(-24 * 29)).date())
    said = f"so this is the briefing of {week.id}, the last complete week that has"
    assert said in started.output
    briefed = CliRunner().invoke(main, ["brief"])
    assert briefed.exit_code == 0, briefed.output
    last = IsoWeek.last_complete(THURSDAY, "UTC")
    ends = _last_week_at(-24 * 29).date()
    assert (
        f"me: The data ends on {ends.day} {ends:%b %Y}, before {last.id}, so this is {week.id}, "
        "the last complete week that holds data: run `riskbrief sync`"
    ) in briefed.output
    assert "no data" not in briefed.output.splitlines()[-1]
    assert (workdir / "out" / "me.email.txt").read_text(encoding="utf-8") == written


def test_quickstart_in_riskbrief_s_own_checkout_is_refused(
    clone: GitRepo, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run inside riskbrief's checkout (the demo's out/ is there), quickstart writes nothing
    and says in one sentence where to keep the set-up instead."""
    (workdir / "pyproject.toml").write_text('[project]\nname = "riskbrief"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["quickstart", str(clone.path)])
    assert result.exit_code == 1, result.output
    (line,) = result.output.strip().splitlines()
    assert f"would be in riskbrief's own checkout ({workdir})" in line
    assert "set RISKBRIEF_CONFIG to a riskbrief.toml there" in line
    assert sorted(p.name for p in workdir.iterdir()) == ["pyproject.toml"]
    monkeypatch.setenv("RISKBRIEF_CONFIG", str(workdir / "riskbrief.toml"))
    named = CliRunner().invoke(main, ["quickstart", str(clone.path)])
    assert named.exit_code == 1, named.output
    assert sorted(p.name for p in workdir.iterdir()) == ["pyproject.toml"]


def test_a_set_up_named_by_riskbrief_config_keeps_its_store_and_out_beside_it(
    clone: GitRepo, workdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From riskbrief's checkout with RISKBRIEF_CONFIG naming a folder of its own, quickstart
    and brief write riskbrief.toml, the store and out/ there, and nothing where they run."""
    (workdir / "pyproject.toml").write_text('[project]\nname = "riskbrief"\n', encoding="utf-8")
    (workdir / "out").mkdir()
    setup = tmp_path / "riskbrief-shop"
    monkeypatch.setenv("RISKBRIEF_CONFIG", str(setup / "riskbrief.toml"))
    result = CliRunner().invoke(main, ["quickstart", str(clone.path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in setup.iterdir()) == ["out", "riskbrief.db", "riskbrief.toml"]
    assert (setup / "out" / "me.email.txt").exists()
    briefed = CliRunner().invoke(main, ["brief"])
    assert briefed.exit_code == 0, briefed.output
    assert f"to {setup / 'out'}/" in briefed.output
    assert list((workdir / "out").iterdir()) == []
    assert sorted(p.name for p in workdir.iterdir()) == ["out", "pyproject.toml"]
