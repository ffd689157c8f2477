"""The suite's list of repositories (``list.toml``) and where each one's clone is found."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

__all__ = ["HALVES", "HELD_OUT", "LIST", "Listed", "find_clone", "load_list"]

LIST = Path(__file__).with_name("list.toml")
# Held out of every fit, test and measurement: never read, whatever a list says.
HELD_OUT = frozenset({"apache/zookeeper"})
# The list's halves: the one rules are written against, and the one held out of that work
# (``held_out = true``), measured before a round's rules and after them, never in between.
HALVES = ("written", "held-out", "all")


@dataclass(frozen=True, slots=True)
class Listed:
    """One repository of the suite: ``owner/name``, the shape it stands for, and whether it is
    of the held-out half."""

    name: str
    shape: str
    held_out: bool = False

    @property
    def short(self) -> str:
        """The repository's name without its owner (``flask``)."""
        return self.name.rsplit("/", 1)[-1]

    @property
    def url(self) -> str:
        """Where GitHub serves it: the ``origin`` a new user's clone would have."""
        return f"https://github.com/{self.name}.git"


def load_list(path: Path = LIST, half: str = "all") -> tuple[Listed, ...]:
    """The listed repositories of ``half`` (``written``, ``held-out`` or ``all``) in the file's
    order; apache/zookeeper is an error."""
    if half not in HALVES:
        raise ValueError(f"no half {half!r}: one of {', '.join(HALVES)}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        reason = exc.strerror or exc
        raise ValueError(f"cannot read the list {path} ({reason}); pass a list's path") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path} is no TOML list ({exc}); fix it or pass another") from exc
    out: list[Listed] = []
    for entry in data.get("repo", []):
        name, shape = str(entry["name"]), str(entry.get("shape", ""))
        if name.lower() in HELD_OUT:
            raise ValueError(f"{name} is held out of every measurement; take it off {path}")
        listed = Listed(name, shape, bool(entry.get("held_out", False)))
        if half == "all" or listed.held_out == (half == "held-out"):
            out.append(listed)
    return tuple(out)


def find_clone(root: Path, listed: Listed) -> Path | None:
    """The clone of ``listed`` under ``root``: ``name``, ``owner+name/repo`` or ``owner+name``
    (a work tree or a bare git directory); ``None`` when there is none."""
    owner_name = listed.name.replace("/", "+")
    for candidate in (
        root / listed.short,
        root / owner_name / "repo",
        root / owner_name,
        root / f"{listed.short}.git",
    ):
        if (candidate / ".git").exists() or (candidate / "HEAD").is_file():
            return candidate
    return None
