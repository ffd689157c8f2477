"""A file with no extension and no name Linguist knows is a script only when git marks it
executable: otherwise it is text, and its lines are no code once mined."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from data.config import parse_org_config
from data.sources.local_git.patch_lines import file_code_lines
from data.store.tables import ChangeFile
from tests.data.sources.gitrepo import GitRepo, sync_clone

T0 = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)

pytestmark = pytest.mark.usefixtures("clean_git_env")


def test_a_tutorial_without_an_extension_adds_no_code_but_a_script_does(
    engine: Engine, tmp_path: Path
) -> None:
    """helix's ``runtime/tutor`` (a tutorial, mode 644) adds no code; ``bin/run`` (755) and a
    ``Makefile`` (a name Linguist knows) keep theirs."""
    repo = GitRepo(tmp_path / "svc")
    script = "#!/bin/sh\necho run\n"
    (repo.path / "bin").mkdir(parents=True)
    (repo.path / "bin/run").write_text(script, encoding="utf-8")
    (repo.path / "bin/run").chmod(0o755)
    tutorial = "".join(f"Welcome to lesson {i}: press i to insert.\n" for i in range(12))
    files: dict[str, str | bytes | None] = {
        "runtime/tutor": tutorial,
        "bin/run": script,
        "Makefile": "all:\n\tcc -o app app.c\n",
    }
    repo.commit(files, "Add the tutor", T0)
    sync_clone(
        engine,
        parse_org_config(f'[[repositories]]\nname = "acme/svc"\npath = "{repo.path}"\n'),
    )
    with Session(engine) as session:
        rows = {f.path: (f.added, f.code_added) for f in session.exec(select(ChangeFile))}
    assert rows == {"runtime/tutor": (12, 0), "bin/run": (2, 2), "Makefile": (2, 2)}


def test_a_patch_without_an_index_line_is_read_by_its_lines() -> None:
    """A hand-made diff that names no mode keeps counting an extensionless file's lines."""
    patch = (
        b"diff --git a/runtime/tutor b/runtime/tutor\n--- a/runtime/tutor\n"
        b"+++ b/runtime/tutor\n@@ -1 +1 @@\n-Welcome\n+Welcome!\n"
    )
    found = file_code_lines(patch)
    assert found is not None
    assert (found[0], found[1][:2]) == ("runtime/tutor", (1, 1))
    marked = patch.replace(b"\n--- ", b"\nindex 1111111..2222222 100644\n--- ", 1)
    assert file_code_lines(marked) == ("runtime/tutor", (0, 0, 0))
