"""A tiny git repository builder for tests: real ``git``, fixed dates, no outside config."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from data.config import OrgConfig
from data.sources.local_git import LocalGitSource
from data.store.org import sync_org
from data.sync import run_sources

__all__ = ["GitRepo", "git_env", "lose_object", "shallow_clone", "sync_clone"]


def git_env() -> dict[str, str]:
    """The environment for test git calls: the developer's own git config never leaks in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C"})
    return env


class GitRepo:
    """A fresh repository on branch ``main`` whose commits get the dates the test gives."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        """Run git in the repository and return its standard output."""
        done = subprocess.run(
            ["git", "-C", str(self.path), *args],
            capture_output=True,
            text=True,
            env=env or git_env(),
            check=True,
        )
        return done.stdout

    def commit(
        self,
        files: dict[str, str | bytes | None],
        message: str,
        when: datetime,
        author: str = "Ada Lovelace <ada@example.com>",
        zone: str = "+0000",
    ) -> str:
        """Write (str/bytes) or delete (None) files, commit them all at ``when`` on a clock
        ``zone`` (git's ``+hhmm``) off UTC, return the sha."""
        written: list[str] = []
        removed: list[str] = []
        for name, content in files.items():
            target = self.path / name
            if content is None:
                removed.append(name)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
            written.append(name)
        # One git for all the files of each kind: a git per file was most of a commit's time.
        if removed:
            self.git("rm", "-q", "--", *removed)
        if written:
            self.git("add", "--", *written)
        name, _, email = author.partition(" <")
        stamp = f"{int(when.astimezone(UTC).timestamp())} {zone}"
        env = git_env() | {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        self.git(
            "-c",
            f"user.name={name}",
            "-c",
            f"user.email={email.rstrip('>')}",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            message,
            env=env,
        )
        return self.git("rev-parse", "HEAD").strip()

    def _dated(self, when: datetime, author: str) -> tuple[list[str], dict[str, str]]:
        name, _, email = author.partition(" <")
        stamp = f"{int(when.astimezone(UTC).timestamp())} +0000"
        env = git_env() | {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        return ["-c", f"user.name={name}", "-c", f"user.email={email.rstrip('>')}"], env

    def merge(
        self,
        branch: str,
        message: str,
        when: datetime,
        author: str = "Merge Bot <merger@example.com>",
    ) -> str:
        """Merge ``branch`` into the current branch with a merge commit at ``when``."""
        config, env = self._dated(when, author)
        self.git(*config, "merge", "-q", "--no-ff", "-m", message, branch, env=env)
        return self.git("rev-parse", "HEAD").strip()

    def revert(
        self,
        sha: str,
        when: datetime,
        author: str = "Ada Lovelace <ada@example.com>",
        mainline: int | None = None,
    ) -> str:
        """``git revert`` of ``sha`` (of a merge with ``mainline``) with git's own message."""
        config, env = self._dated(when, author)
        self.git(
            *config,
            "revert",
            "--no-edit",
            *(["-m", str(mainline)] if mainline else []),
            sha,
            env=env,
        )
        return self.git("rev-parse", "HEAD").strip()

    def tag(self, name: str, when: datetime, rev: str = "HEAD") -> None:
        """An annotated tag ``name`` on ``rev``, made at ``when``."""
        config, env = self._dated(when, "Release <release@example.com>")
        self.git(*config, "tag", "-a", "-m", name, name, rev, env=env)


def sync_clone(engine: Engine, org: OrgConfig) -> None:
    """Write ``org`` to the store and sync its first repository's clone, which must succeed."""
    with Session(engine) as session:
        sync_org(session, org)
        session.commit()
    (summary,) = run_sources(engine, org, [LocalGitSource.from_config(org.repositories[0], org)])
    assert summary.error is None, summary.line()


def shallow_clone(source: Path, into: Path, depth: int) -> Path:
    """A clone of ``source`` cut at ``depth`` commits (a file:// URL: a plain path ignores
    ``--depth``)."""
    subprocess.run(
        ["git", "clone", "-q", "--depth", str(depth), f"file://{source}", str(into)],
        check=True,
        capture_output=True,
        env=git_env(),
    )
    return into


def lose_object(repo: GitRepo, rev: str) -> str:
    """Delete the loose object ``rev`` names (a blob: ``HEAD~1:path``), as a damaged clone
    lacks it; its sha."""
    sha = repo.git("rev-parse", rev).strip()
    (repo.path / ".git" / "objects" / sha[:2] / sha[2:]).unlink()
    return sha
