"""The clone ``acme/shop`` the bot's tests run on: its riskbrief.toml, its PRs and its store."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from tests.data.sources.gitrepo import GitRepo
from tests.stores import migrated_copy

__all__ = ["cli_workspace", "merge_pr", "shop_toml"]


def shop_toml(clone: Path, *services: str, extra: str = "") -> str:
    """riskbrief.toml naming ``clone`` as acme/shop, each service the folder of its name."""
    blocks = "".join(
        f'[[services]]\nkey = "{key}"\nrepository = "acme/shop"\npaths = ["{key}/**"]\n'
        for key in services or ("api",)
    )
    return f'[[repositories]]\nname = "acme/shop"\npath = "{clone}"\n{blocks}{extra}'


def merge_pr(
    repo: GitRepo,
    number: int,
    branch: str,
    files: dict[str, str | bytes | None],
    message: str,
    when: datetime,
    merged_at: datetime,
    author: str = "Grace Hopper <grace@example.com>",
) -> str:
    """Commit ``files`` on ``branch`` and merge it into main as GitHub merges PR ``number``."""
    repo.git("checkout", "-q", "-b", branch)
    repo.commit(files, message, when, author)
    repo.git("checkout", "-q", "main")
    subject = message.splitlines()[0]
    return repo.merge(
        branch, f"Merge pull request #{number} from acme/{branch}\n\n{subject}", merged_at
    )


def cli_workspace(directory: Path, toml: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Write riskbrief.toml in ``directory`` and point the CLI at it and a migrated store there."""
    path = directory / "riskbrief.toml"
    path.write_text(toml, encoding="utf-8")
    monkeypatch.setenv("RISKBRIEF_DATABASE_URL", f"sqlite:///{directory / 'rb.db'}")
    monkeypatch.setenv("RISKBRIEF_CONFIG", str(path))
    migrated_copy(directory / "rb.db")
    return path
