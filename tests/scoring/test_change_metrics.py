"""A live change's metrics, measured as the public datasets measure them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scoring.change_metrics import metrics_of
from scoring.facts import ChangeFacts, FileChange
from scoring.history import History


def test_live_metrics_match_the_dataset_definitions() -> None:
    """A live change's files, directories, subsystems, lines and history count as in Kamei."""
    t0 = datetime(2026, 1, 5, 10, tzinfo=UTC)
    first = ChangeFacts(
        key="r#1", repository="r", title="a", author="ann", merged_at=t0,
        files=(FileChange("api/a.py", 100, 0, "api"), FileChange("api/b.py", 50, 0, "api")),
    )  # fmt: skip
    second = ChangeFacts(
        key="r#2", repository="r", title="fix: b", author="bob", is_fix=True,
        merged_at=datetime(2026, 1, 15, 10, tzinfo=UTC),
        files=(
            FileChange("api/b.py", 10, 10, "api"),
            FileChange("web/c/d.ts", 10, 0, "web"),
        ),
    )  # fmt: skip
    history = History()
    history.record(first)
    m = metrics_of(second, history.context(second))
    assert (m.ns, m.nd, m.nf, m.la, m.ld, m.lt, m.fix) == (2, 2, 2, 20, 10, 50, True)
    assert (m.ndev, m.nuc, m.age, m.exp, m.sexp) == (1, 1, 10.0, 0, 0)
    assert m.entropy == pytest.approx(0.918, abs=1e-3)
