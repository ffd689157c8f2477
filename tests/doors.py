"""What the fuzzers at every door share: how many examples, what a malformed request is built
from, and the checks that a refused request did nothing.

Each door's fuzzer (``tests/bot/**/test_*_fuzz.py``) sends requests signed exactly as the
sender signs them, built from the door's documented shape with one part broken, and asserts
a 4xx, a store unchanged byte for byte (``store_digest``), nothing sent to any fake, and no
traceback in the log (``no_traceback``). ``RISKBRIEF_FUZZ_EXAMPLES`` multiplies every
door's count for a longer run (``RISKBRIEF_FUZZ_EXAMPLES=20 .venv/bin/pytest tests -k fuzz``).
"""

from __future__ import annotations

import copy
import hashlib
import logging
import os
from collections.abc import Sequence
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

__all__ = [
    "JSON",
    "WRONG",
    "broken",
    "door_settings",
    "examples",
    "no_traceback",
    "store_digest",
    "with_value",
]


# Read when the tests are collected: the session's fixtures take RISKBRIEF_* variables away.
_TIMES = max(1, int(os.environ.get("RISKBRIEF_FUZZ_EXAMPLES") or 1))


def examples(count: int) -> int:
    """``count`` examples, times ``RISKBRIEF_FUZZ_EXAMPLES`` (1 in `make test`)."""
    return count * _TIMES


def door_settings(count: int) -> settings:
    """Hypothesis' settings for a door: ``examples(count)``, no deadline (a request's time
    is the server's), no example database (each run draws afresh), fixtures shared."""
    return settings(
        max_examples=examples(count),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def _nested(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)


# Any JSON value, nested a little.
JSON: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    _nested,
    max_leaves=8,
)

# A JSON value of a kind no documented field of text, or of an object, ever holds.
WRONG: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(JSON, max_size=3),
)

_MISSING = object()


def with_value(doc: Any, path: Sequence[Any], value: Any) -> Any:
    """``doc`` with ``path`` set to ``value`` (removed when ``value`` is ``_MISSING``)."""
    out = copy.deepcopy(doc)
    node = out
    for name in path[:-1]:
        node = node[name]
    if value is _MISSING:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value
    return out


def broken(
    doc: dict[str, Any],
    paths: dict[tuple[Any, ...], st.SearchStrategy[Any]],
    optional: frozenset[tuple[Any, ...]] = frozenset(),
) -> st.SearchStrategy[Any]:
    """``doc`` (a valid request's JSON) with one of ``paths`` broken: removed (unless it is
    ``optional``), or set to a value its strategy draws (a kind or a form the documented
    shape does not allow), or the whole document replaced by JSON that is no object."""

    def one_broken(path: tuple[Any, ...]) -> st.SearchStrategy[Any]:
        # Two draws of a broken value for each removal: a field absent is the easy case.
        values = (
            paths[path]
            if path in optional
            else st.one_of(paths[path], paths[path], st.just(_MISSING))
        )
        return values.map(lambda value: with_value(doc, path, value))

    return st.one_of(st.sampled_from(list(paths)).flatmap(one_broken), WRONG)


def store_digest(engine: Engine) -> str:
    """A hash of every row of every table, in a fixed order: equal only for equal stores."""
    digest = hashlib.sha256()
    with engine.connect() as connection:
        for table in sorted(sa.inspect(connection).get_table_names()):
            digest.update(table.encode())
            rows = connection.execute(sa.text(f'SELECT * FROM "{table}"'))
            for row in sorted(repr(tuple(r)) for r in rows):
                digest.update(row.encode())
    return digest.hexdigest()


def no_traceback(caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]) -> None:
    """Fail when anything was logged with a traceback, or one was printed."""
    captured = capsys.readouterr()
    for record in caplog.records:
        assert record.exc_info is None, (record.name, record.getMessage())
        assert record.levelno < logging.ERROR or "Traceback" not in record.getMessage()
    assert "Traceback" not in captured.out + captured.err, captured
