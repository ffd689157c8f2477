"""What a change's files say: tests, source lines, risky kinds and CODEOWNERS coverage."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from scoring.change_files import ChangeFiles, change_files
from scoring.facts import ChangeFacts, FileChange

TUESDAY = datetime(2026, 11, 17, 11, 0, tzinfo=UTC)


def _file(path: str, added: int, deleted: int, **kw: Any) -> FileChange:
    kw.setdefault("service", "svc")
    kw.setdefault("owners", ("@acme/team",))
    return FileChange(path, added, deleted, **kw)


def _change(files: tuple[FileChange, ...]) -> ChangeFacts:
    return ChangeFacts(
        key="r#1", repository="r", title="t", author="alice", merged_at=TUESDAY, files=files
    )


def test_change_files_answers_for_the_change_asked_about() -> None:
    """The kept answer is for the last change only; another change, even an equal one, is
    measured afresh."""
    plain = _change(files=(_file("svc/a.py", 60, 0), _file("svc/tests/test_a.py", 5, 5)))
    risky = _change(
        files=(
            _file("svc/a.py", 1, 0, owners=("@carol",)),
            _file("db/migrations/0002.sql", 3, 0, owners=("@dave", "@acme/db")),
            _file("db/migrations/0001.sql", 3, 0, owners=()),
            _file("infra/main.tf", 1, 1, owners=None),
        )
    )
    team = frozenset[str]()
    both = frozenset({"carol", "dave"})
    for _ in range(2):
        assert change_files(plain) == ChangeFiles(1, 60, 60, None, False, False, False, 2, 0, team)
        assert change_files(risky) == ChangeFiles(
            0, 9, 8, "db/migrations/0002.sql", True, False, False, 3, 1, both
        )
    twin = replace(risky, files=risky.files[:1])
    assert change_files(twin).migration is None
    assert change_files(twin).personal_owners == {"carol"}
