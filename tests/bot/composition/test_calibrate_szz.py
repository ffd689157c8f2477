"""`riskbrief calibrate` with SZZ labels from a configured local clone, end to end on real git."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlmodel import Session

import bot.composition.calibrate
import evaluation.change_outcomes
from bot.cli import main
from data.config import OrgConfig, load_org_config
from data.store.engine import make_engine, session_scope
from evaluation.change_outcomes import SzzLabels, change_outcomes, kept_szz_labels
from tests.data.sources.gitrepo import GitRepo, git_env, shallow_clone
from tests.stores import checkpoint, migrated_copy

T0 = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)
DAY = timedelta(days=1)

pytestmark = pytest.mark.usefixtures("clean_git_env")


def _module(n: int) -> str:
    return "".join(f"value_{n}_{j} = {j}\n" for j in range(8))


def build_clone(path: Path) -> tuple[GitRepo, set[str]]:
    """Twenty-four modules on main, every third one buggy and fixed a day later, then one PR.

    The PR's branch commit is buggy too and merged as ``Merge pull request #7``,
    so SZZ blames a commit the store only knows as the merge ``acme/shop#7``.
    Returns the repository and the keys SZZ should label bad.
    """
    repo = GitRepo(path)
    bad: set[str] = set()
    when = T0
    for n in range(24):
        sha = repo.commit({f"app/mod{n}.py": _module(n)}, f"Add module {n}", when)
        if n % 3 == 0:
            bad.add(f"acme/shop@{sha[:12]}")
            fixed = _module(n).replace(f"value_{n}_2 = 2", f"value_{n}_2 = 20")
            repo.commit({f"app/mod{n}.py": fixed}, f"Fix crash in module {n}", when + DAY / 2)
        when += DAY
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"app/pr.py": _module(99)}, "Add the PR module", when)
    repo.git("checkout", "-q", "main")
    repo.merge(
        "feature", "Merge pull request #7 from acme/feature\n\nAdd the PR module", when + DAY
    )
    bad.add("acme/shop#7")
    fixed = _module(99).replace("value_99_3 = 3", "value_99_3 = 30")
    repo.commit({"app/pr.py": fixed}, "Fix crash in the PR module", when + 2 * DAY)
    return repo, bad


def _toml(tmp_path: Path, clone: Path | None) -> Path:
    path_line = f'path = "{clone}"\n' if clone is not None else ""
    toml = tmp_path / "riskbrief.toml"
    toml.write_text(
        f'[[repositories]]\nname = "acme/shop"\n{path_line}\n'
        '[[services]]\nkey = "app"\nrepository = "acme/shop"\npaths = ["app/**"]\n',
        encoding="utf-8",
    )
    return toml


def _point_at(folder: Path, patch: pytest.MonkeyPatch) -> Path:
    """riskbrief.toml naming the clone ``folder/shop``, the store ``folder/rb.db``, both set."""
    toml = _toml(folder, folder / "shop")
    patch.setenv("RISKBRIEF_DATABASE_URL", f"sqlite:///{folder / 'rb.db'}")
    patch.setenv("RISKBRIEF_CONFIG", str(toml))
    # The tiny history has 9 bad changes; the threshold is for real histories.
    patch.setattr(bot.composition.calibrate, "MIN_BAD_CHANGES", 1)
    return toml


@pytest.fixture(scope="module")
def synced_once(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str]]:
    """The clone made and synced once per module (most of a test's time), to be copied."""
    folder = tmp_path_factory.mktemp("szz")
    with pytest.MonkeyPatch.context() as patch:
        # What ``clean_git_env`` does for a test, for the sync run before any test's fixtures.
        for key in [k for k in os.environ if k.startswith("GIT_")]:
            patch.delenv(key)
        for key, value in git_env().items():
            patch.setenv(key, value)
        _, bad = build_clone(folder / "shop")
        _point_at(folder, patch)
        migrated_copy(folder / "rb.db")
        done = CliRunner().invoke(main, ["sync"])
        assert done.exit_code == 0, done.output
    engine = make_engine(f"sqlite:///{folder / 'rb.db'}")
    checkpoint(engine)
    engine.dispose()
    return folder, bad


@pytest.fixture
def synced(
    synced_once: tuple[Path, set[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, set[str]]:
    """The clone synced into a SQLite store by `riskbrief sync`; returns the config and bad keys.

    This test's own copy of the clone and the store (tests commit to the one and write the
    other), at the same places under ``tmp_path``: the store holds no path of the clone.
    """
    folder, bad = synced_once
    shutil.copytree(folder / "shop", tmp_path / "shop", symlinks=True)
    shutil.copyfile(folder / "rb.db", tmp_path / "rb.db")
    return _point_at(tmp_path, monkeypatch), bad


def _calibrate(*args: str) -> Result:
    return CliRunner().invoke(main, ["calibrate", *args])


def test_szz_labels_commits_and_the_pr_a_blamed_branch_commit_came_in_by(
    synced: tuple[Path, set[str]], tmp_path: Path
) -> None:
    """SZZ over the clone marks each buggy commit by its sha key and the PR by its merge."""
    toml, bad = synced
    engine = make_engine(f"sqlite:///{tmp_path / 'rb.db'}")
    with session_scope(engine) as session:
        outcomes = change_outcomes(session, load_org_config(toml))
    engine.dispose()
    assert outcomes.bad == bad
    assert outcomes.by_szz == len(bad) == 9
    assert [(s.repository, s.skipped) for s in outcomes.szz] == [("acme/shop", None)]


def test_szz_from_fixes_since_a_day_blames_only_what_those_fixes_repaired(
    synced: tuple[Path, set[str]], tmp_path: Path
) -> None:
    """A briefing's record blames only the fixes of its window: from day 12 on, the fixes of
    modules 12, 15, 18 and 21 and of the PR, and nothing an older fix repaired."""
    toml, bad = synced
    engine = make_engine(f"sqlite:///{tmp_path / 'rb.db'}")
    with session_scope(engine) as session:
        outcomes = change_outcomes(session, load_org_config(toml), fixes_since=T0 + 12 * DAY)
    engine.dispose()
    assert outcomes.bad < bad
    assert len(outcomes.bad) == 5
    assert "acme/shop#7" in outcomes.bad


@pytest.mark.usefixtures("synced")
def test_calibrate_json_counts_szz_labels() -> None:
    """`calibrate --json` reports how many bad changes SZZ gave, per clone."""
    result = _calibrate("--json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["bad_by_szz"] == 9
    assert figures["szz"] == {"acme/shop": {"bad": 9, "skipped": None}}
    assert figures["written"] is False


@pytest.mark.usefixtures("synced")
def test_calibrate_says_which_label_sources_it_used() -> None:
    """The human output names each label source with its count and says how to save."""
    result = _calibrate()
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first == (
        "Bad changes: 0 shipped before a linked incident, 0 reverted, "
        "0 confirmed in Slack as an incident's cause, 9 blamed by SZZ in acme/shop."
    )
    assert "AUC" in result.output
    last = result.output.splitlines()[-1]
    assert "riskbrief calibrate --write" in last or "nothing to save" in last


def _labels_with_clone_at(toml: Path, tmp_path: Path, clone: Path) -> SzzLabels:
    """The SZZ labels the synced store gives once riskbrief.toml names ``clone`` as the
    repository's path; none of its changes is labelled bad."""
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(str(tmp_path / "shop"), str(clone)),
        encoding="utf-8",
    )
    engine = make_engine(f"sqlite:///{tmp_path / 'rb.db'}")
    with session_scope(engine) as session:
        outcomes = change_outcomes(session, load_org_config(toml))
    engine.dispose()
    assert outcomes.bad == frozenset()
    [labels] = outcomes.szz
    return labels


def test_a_clone_that_moved_is_skipped_with_the_reason(
    synced: tuple[Path, set[str]], tmp_path: Path
) -> None:
    """A configured path that is no longer a clone gives no SZZ labels and says why."""
    toml, _ = synced
    labels = _labels_with_clone_at(toml, tmp_path, tmp_path / "gone")
    assert labels.skipped is not None
    assert "is not a directory" in labels.skipped


def test_a_shallow_clone_gives_no_szz_labels_and_says_how_to_fetch_its_history(
    synced: tuple[Path, set[str]], tmp_path: Path
) -> None:
    """SZZ in a --depth clone would blame the cut commit for lines older than it: the clone
    gives no labels, and the reason names `git fetch --unshallow`."""
    toml, _ = synced
    shallow = shallow_clone(tmp_path / "shop", tmp_path / "ci", 5)
    labels = _labels_with_clone_at(toml, tmp_path, shallow)
    assert labels.skipped is not None
    assert f"{shallow} is a shallow clone" in labels.skipped
    assert "git fetch --unshallow" in labels.skipped


def test_without_a_clone_the_output_says_szz_was_not_used(tmp_path: Path) -> None:
    """With no [[repositories]] path the too-few sentence says to add one for SZZ labels."""
    toml = _toml(tmp_path, None)
    env = {
        "RISKBRIEF_CONFIG": str(toml),
        "RISKBRIEF_DATABASE_URL": f"sqlite:///{tmp_path / 'rb.db'}",
    }
    assert CliRunner().invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    result = CliRunner().invoke(main, ["calibrate"], env=env)
    assert result.exit_code != 0
    errors = [line for line in result.output.splitlines() if line.startswith("Error")]
    assert len(errors) == 1
    assert "found 0 and 0" in errors[0]
    assert "`path` of its local clone so SZZ can add labels" in errors[0]
    assert errors[0].count(". ") == 0
    assert errors[0].endswith(" again.")


def test_backtest_after_write_measures_the_saved_weights(
    synced: tuple[Path, set[str]], tmp_path: Path
) -> None:
    """After `calibrate --write`, `backtest --repo` scores with the saved weights and says so.

    The organisation starts from weights that read only the fix flag, which rank this
    history badly, so the fit wins and is saved."""
    toml, _ = synced
    weights = ", ".join(
        f"{n} = 0.0"
        for n in (
            "size",
            "diffusion",
            "file_history",
            "author_experience",
            "author_expertise",
            "defect_proneness",
        )
    )
    toml.write_text(
        toml.read_text(encoding="utf-8") + f"\n[scoring]\nweights = {{ {weights} }}\n",
        encoding="utf-8",
    )
    window = ("--repo", str(tmp_path / "shop"), "--since", "2026-09-01", "--until", "2026-10-30")
    before = json.loads(CliRunner().invoke(main, ["backtest", *window, "--json"]).output)
    written = _calibrate("--write", "--json")
    assert json.loads(written.output)["written"] is True, written.output
    # The day of the fit is kept beside the weights, for `doctor` to tell when it is stale.
    fitted_on = load_org_config(toml).scoring.calibrated_on
    assert fitted_on is not None
    assert abs((datetime.now(UTC).date() - fitted_on).days) <= 1
    after = json.loads(CliRunner().invoke(main, ["backtest", *window, "--json"]).output)
    assert before["weights"] == f"{toml}: its [scoring.weights], time zone UTC"
    assert after["weights"] == f"{toml}: its [scoring.weights], time zone UTC"
    assert after["auc"] != before["auc"]


def test_kept_szz_labels_blame_again_only_once_the_clone_moved(
    synced: tuple[Path, set[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page asking twice for the same window blames once; a new commit on the clone's
    branch blames again."""
    toml, _ = synced
    org = load_org_config(toml)
    runs: list[datetime | None] = []
    real = evaluation.change_outcomes.szz_labels

    def counted(session: Session, o: OrgConfig, since: datetime | None = None) -> object:
        runs.append(since)
        return real(session, o, since)

    monkeypatch.setattr(evaluation.change_outcomes, "szz_labels", counted)
    engine = make_engine(f"sqlite:///{tmp_path / 'rb.db'}")
    since = T0 + 12 * DAY
    with session_scope(engine) as session:
        first = kept_szz_labels(session, org, since)
        assert kept_szz_labels(session, org, since) == first
        assert len(runs) == 1
        assert len(first[0].bad) == 5
        GitRepo(tmp_path / "shop").commit({"app/new.py": "x = 1\n"}, "Add new", T0 + 40 * DAY)
        assert kept_szz_labels(session, org, since) == first
    engine.dispose()
    assert len(runs) == 2
