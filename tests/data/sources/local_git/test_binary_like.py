"""A binary file git takes for text (no NUL in its first 8,000 bytes) is mined with no code."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from data.config import parse_org_config
from data.store.tables import ChangeFile
from tests.data.sources.gitrepo import GitRepo, sync_clone

T0 = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)

pytestmark = pytest.mark.usefixtures("clean_git_env")


def test_a_packed_file_git_reads_as_text_adds_no_code(engine: Engine, tmp_path: Path) -> None:
    """A logo's packed bytes under a name with no extension (which may be a script, so the path
    rules leave it code) are lines to git, no code once mined; the hand-written file beside it
    keeps its lines of code."""
    repo = GitRepo(tmp_path / "svc")
    packed = bytes(range(1, 9)) + bytes(range(0x0E, 0x20)) + bytes(range(0x80, 0x100))
    logo = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n" + b"".join(packed + b"%d\n" % i for i in range(400))
    # Executable, as a script would be: a plain file with no extension is text by its mode alone.
    (repo.path / "brand").mkdir(parents=True)
    (repo.path / "brand/logo").write_bytes(logo)
    (repo.path / "brand/logo").chmod(0o755)
    repo.commit({"brand/logo": logo, "src/app.py": "x = 1\n" * 10}, "Add the logo", T0)
    sync_clone(
        engine,
        parse_org_config(f'[[repositories]]\nname = "acme/svc"\npath = "{repo.path}"\n'),
    )
    with Session(engine) as session:
        rows = {f.path: (f.added, f.code_added) for f in session.exec(select(ChangeFile))}
    assert rows == {"brand/logo": (402, 0), "src/app.py": (10, 10)}
