"""Where the store is: a SQLite file named by a relative path lives beside riskbrief.toml.

``RISKBRIEF_DATABASE_URL`` defaults to ``sqlite:///riskbrief.db``. Read against the working
folder, that file moves with whoever runs the command: a coding agent that starts
``riskbrief mcp`` from its own folder with ``RISKBRIEF_CONFIG`` set would find no store
there. So a relative SQLite path is read from the folder of the organisation file, the
one place a set-up is known by, wherever the command runs; an absolute path, an
in-memory store and a PostgreSQL URL are kept as they are. ``missing_store`` is the
sentence for a store that is not where it was looked for: it says where that was and
how to point at the right one, so that no advice makes an empty store in its place.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["missing_store", "store_beside"]


def store_beside(url: str, config: Path) -> str:
    """``url`` with a relative SQLite file read from ``config``'s folder; any other as given."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        # Refused where the store is opened, in the sentence that names the variable.
        return url
    name = parsed.database
    if parsed.get_backend_name() != "sqlite" or not name or name == ":memory:":
        return url
    if name.startswith("file:") or Path(name).is_absolute():
        return url
    where = config.expanduser().absolute().parent / name
    return parsed.set(database=str(where)).render_as_string(hide_password=False)


def missing_store(path: Path) -> str:
    """The sentence for a SQLite store that is not at ``path``: where riskbrief looked, and
    how to point it at the store, before the command that would start an empty one there."""
    return (
        f"there is no riskbrief store at {path}; if yours is elsewhere, set "
        "RISKBRIEF_DATABASE_URL to it (sqlite:////path/to/riskbrief.db) or RISKBRIEF_CONFIG to "
        "the riskbrief.toml beside it (a relative store is read from that file's folder); "
        f"only for a new set-up, `riskbrief db upgrade` creates an empty one at {path}"
    )
