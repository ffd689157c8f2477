"""A clone synced into the store keeps its files' lines of code, and `score` counts only those."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.cli import main
from data.config import OrgConfig
from data.ingest import Ingest
from data.source_values import SourceChange, SourceChangeFile
from data.store.facts import load_changes
from data.store.tables import ChangeFile, RiskScoreRow
from scoring.change_key import ChangeKey
from tests.data.sources.gitrepo import GitRepo

pytestmark = pytest.mark.usefixtures("clean_git_env")

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)

_CART = """package acme;

/** A cart. */
public class Cart {
    private int items;

    public int items() {
        return items;
    }
}
"""

# 450 lines of Javadoc in front of the method: no line of code.
_JAVADOC = "".join(f"     * Line {i} of what items() returns.\n" for i in range(446))
_DOCUMENTED = _CART.replace(
    "    public int items() {",
    f"    /**\n     * The items.\n{_JAVADOC}     */\n    public int items() {{",
)

# A real change: 6 lines of code, a comment and a blank line.
_GROWN = _DOCUMENTED.replace(
    "        return items;\n    }\n",
    "        return items;\n    }\n\n"
    "    // Adds one item.\n"
    "    public void add() {\n"
    "        items += 1;\n"
    "    }\n"
    "    public void clear() {\n"
    "        items = 0;\n"
    "    }\n",
)


def _history(path: Path) -> dict[str, str]:
    """A Java library's history; the shas of its changes by what they do."""
    repo = GitRepo(path)
    shas = {"start": repo.commit({"src/main/java/acme/Cart.java": _CART}, "Start", T0)}
    shas["javadoc"] = repo.commit(
        {"src/main/java/acme/Cart.java": _DOCUMENTED}, "Document items()", T0 + timedelta(days=1)
    )
    shas["docs"] = repo.commit(
        {"docs/guide.md": "".join(f"Step {i}.\n\n" for i in range(2300)), "README.md": "Cart\n"},
        "Write the guide",
        T0 + timedelta(days=2),
    )
    shas["code"] = repo.commit(
        {"src/main/java/acme/Cart.java": _GROWN}, "Add and clear", T0 + timedelta(days=3)
    )
    return shas


def _toml(clone: Path) -> str:
    return (
        f'[organisation]\nname = "Acme"\n\n[[repositories]]\nname = "acme/cart"\npath = "{clone}"\n'
        '\n[[services]]\nkey = "cart"\nrepository = "acme/cart"\npaths = ["src/**"]\n'
    )


def test_sync_and_score_count_lines_of_code(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the store, a Javadoc-only and a docs-only change are no code and not high; the
    real change is its six lines of code, not the comment and blank line beside them."""
    shas = _history(tmp_path / "cart")
    config = tmp_path / "riskbrief.toml"
    config.write_text(_toml(tmp_path / "cart"), encoding="utf-8")
    monkeypatch.setenv("RISKBRIEF_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("RISKBRIEF_CONFIG", str(config))
    for command in (["sync"], ["score"]):
        done = CliRunner().invoke(main, command)
        assert done.exit_code == 0, done.output
    keys = {what: str(ChangeKey.commit("acme/cart", sha)) for what, sha in shas.items()}
    with Session(engine) as session:
        stored = {
            (f.path, f.added, f.code_added, f.code_deleted)
            for f in session.exec(select(ChangeFile).order_by(col(ChangeFile.id)))
        }
        files = {c.key: c.files for c in load_changes(session)}
        scores = {
            r.subject_key: r
            for r in session.exec(select(RiskScoreRow))
            if r.subject_kind == "change"
        }
    java = "src/main/java/acme/Cart.java"
    assert (java, 449, 0, 0) in stored
    assert (java, 8, 6, 0) in stored
    # Docs are no code by path: their lines are not lexed.
    assert ("docs/guide.md", 4600, None, None) in stored
    assert [(f.code_added, f.code_deleted) for f in files[keys["javadoc"]]] == [(0, 0)]
    for what in ("javadoc", "docs"):
        row = scores[keys[what]]
        assert row.band in ("safe", "moderate"), (what, row.score, row.band)
        (size,) = [s for s in row.signals if s["name"] == "size"]
        assert size["explanation"].startswith("no code changed"), size
        assert not row.gates, row.gates
    (size,) = [s for s in scores[keys["code"]].signals if s["name"] == "size"]
    assert size["explanation"].startswith("6 lines of code added, 0 deleted"), size


def _record(*files: SourceChangeFile) -> SourceChange:
    """Pull request acme/shop#1 as a code host or a clone reports it."""
    return SourceChange(
        key="acme/shop#1",
        repository="acme/shop",
        author="alice",
        merged_at=T0,
        title="Grow the cart",
        number=1,
        files=files,
    )


def test_a_code_hosts_counts_keep_the_clones_lines_of_code(engine: Engine, org: OrgConfig) -> None:
    """A code host reports a change the clone's sync stored: its files keep their lines of
    code while their counts agree, and take the host's when they differ."""
    path = "checkout/cart.py"

    def stored() -> list[tuple[int, int | None, int | None]]:
        with Session(engine) as session:
            rows = session.exec(select(ChangeFile).order_by(col(ChangeFile.id)))
            return [(f.added, f.code_added, f.code_deleted) for f in rows]

    for files in (
        (SourceChangeFile(path, 9, 1, code_added=6, code_deleted=0),),
        (SourceChangeFile(path, 9, 1),),
    ):
        with Session(engine) as session:
            Ingest(session, org).changes([_record(*files)])
            session.commit()
        assert stored() == [(9, 6, 0)]
    with Session(engine) as session:
        Ingest(session, org).changes([_record(SourceChangeFile(path, 12, 1))])
        session.commit()
    assert stored() == [(12, None, None)]


def test_a_code_hosts_report_keeps_the_clones_old_path(engine: Engine, org: OrgConfig) -> None:
    """GitHub names no earlier path: a change the clone stored as a move keeps its old path
    while the host's counts agree."""
    path = "checkout/basket.py"
    for files in (
        (SourceChangeFile(path, 2, 0, "renamed", previous_path="checkout/cart.py"),),
        (SourceChangeFile(path, 2, 0, "renamed"),),
    ):
        with Session(engine) as session:
            Ingest(session, org).changes([_record(*files)])
            session.commit()
        with Session(engine) as session:
            rows = session.exec(select(ChangeFile)).all()
            assert [(f.path, f.previous_path) for f in rows] == [(path, "checkout/cart.py")]
