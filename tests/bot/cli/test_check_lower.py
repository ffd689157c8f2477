"""`riskbrief check` on a branch spanning two services: what would lower it most, printed last."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from tests.bot.shop import shop_toml
from tests.data.sources.gitrepo import GitRepo

T0 = datetime(2026, 10, 5, 10, 0, tzinfo=UTC)

pytestmark = pytest.mark.usefixtures("clean_git_env")


@pytest.fixture
def two_services(workdir: Path) -> tuple[GitRepo, Path]:
    """A clone whose checked-out branch grows pay and web with no test; a riskbrief.toml
    mapping each folder to its service."""
    repo = GitRepo(workdir.parent / "shop")
    repo.commit(
        {"CODEOWNERS": "pay/ @alice\nweb/ @carol\n", "pay/a.py": "x = 1\n", "web/b.py": "y = 1\n"},
        "Start",
        T0,
    )
    for i in range(3):
        repo.commit({"web/b.py": f"y = {i}\n"}, f"Tune web {i}", T0 + timedelta(days=i + 1))
    repo.git("checkout", "-q", "-b", "grow")
    repo.commit(
        {
            "pay/a.py": "".join(f"v{n} = charge({n})\n" for n in range(400)),
            "web/b.py": "".join(f"w{n} = show({n})\n" for n in range(120)),
        },
        "Grow pay and web",
        T0 + timedelta(days=10),
        "Bob <bob@example.com>",
    )
    toml = workdir / "riskbrief.toml"
    toml.write_text(shop_toml(repo.path, "pay", "web"), encoding="utf-8")
    return repo, toml


def _check(repo: GitRepo, toml: Path, *args: str) -> Result:
    """``riskbrief check`` of the clone's branch against its own history, never failing."""
    result = CliRunner().invoke(
        main, ["check", str(repo.path), "--config", str(toml), "--threshold", "101", *args]
    )
    assert result.exit_code == 0, result.output
    return result


def test_the_split_by_service_names_each_part_s_files_and_score(
    two_services: tuple[GitRepo, Path],
) -> None:
    """--json: lower_it splits pay from web, each part its file and its own score; every
    action takes off a point or more, the score minus what it would score."""
    data = json.loads(_check(*two_services, "--json").output)
    lower = data["lower_it"]
    assert 1 <= len(lower) <= 3
    assert all(a["points"] >= 1 and a["points"] == data["score"] - a["score"] for a in lower)
    split = next(a for a in lower if a["action"] == "split_by_service")
    assert {p["service"]: p["paths"] for p in split["parts"]} == {
        "pay": ["pay/a.py"],
        "web": ["web/b.py"],
    }
    assert split["score"] == max(p["score"] for p in split["parts"])
    # Neither owner has approved a branch no code host has seen: both are named.
    review = next(a for a in lower if a["action"] == "owner_review")
    assert review["owners"] == ["@alice", "@carol"]
    assert "@alice (1 file), @carol (1 file)" in review["text"]


def test_the_text_ends_with_what_would_lower_it_most(two_services: tuple[GitRepo, Path]) -> None:
    """The text keeps its sections and adds one last: each action with its points off, in the
    JSON's order and words."""
    repo, toml = two_services
    data = json.loads(_check(repo, toml, "--json").output)
    out = _check(repo, toml).output
    before, _, after = out.partition("\nLower it most (each re-scored):\n")
    assert "What would lower it:" in before
    assert "History: the git history of" in before
    assert after.rstrip("\n").splitlines() == [
        f"  {-a['points']:4d}  {a['text']}" for a in data["lower_it"]
    ]
    split = next(a for a in data["lower_it"] if a["action"] == "split_by_service")
    first, second = split["parts"]
    assert first["score"] >= second["score"]
    assert (
        f"split it by service, one change each: {first['service']} (1 file) would score "
        f"{first['score']}, {second['service']} (1 file) {second['score']}"
    ) in after
