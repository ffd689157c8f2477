"""The scorer's value classes built by ``quick_init``: the same frozen dataclasses, built faster."""

from __future__ import annotations

import inspect
import pickle
from dataclasses import MISSING, FrozenInstanceError, asdict, dataclass, field, fields, replace
from typing import Any

import pytest

from scoring.change_metrics import ChangeMetrics
from scoring.history import HistoryContext
from scoring.risk import Band, RiskScore
from scoring.signal import Signal, quick_init

SAMPLES: list[Any] = [
    Signal("size", 12.0, 6.0, "12 lines", 0.25),
    HistoryContext(3, 2, 1, 0, 1, 30, file_age_days=2.5, error_budget_spent=True),
    ChangeMetrics(1.0, 2.0, 3.0, 1.5, 10.0, 2.0, 300.0, True, 2.0, 4.0, 5.0, 6.0, 1.5, 3.0),
    RiskScore("r#1", 42, Band.MODERATE, (Signal("fix", 1.0, 3.2, "a bug fix", 1.0),), (), "2+x"),
]


@pytest.mark.parametrize("value", SAMPLES, ids=lambda v: type(v).__name__)
def test_quick_init_keeps_the_dataclass_contract(value: Any) -> None:
    """Signature and defaults as the fields say; equal, hashable, picklable, frozen, replaceable."""
    cls = type(value)
    parameters = list(inspect.signature(cls).parameters.values())
    assert [p.name for p in parameters] == [f.name for f in fields(cls)]
    for p, f in zip(parameters, fields(cls), strict=True):
        assert p.default == (inspect.Parameter.empty if f.default is MISSING else f.default)
    by_keyword = cls(**{f.name: getattr(value, f.name) for f in fields(cls)})
    assert by_keyword == value
    assert hash(by_keyword) == hash(value)
    assert pickle.loads(pickle.dumps(value)) == value
    assert replace(value) == value
    assert asdict(value) == asdict(by_keyword)
    with pytest.raises(FrozenInstanceError):
        setattr(value, fields(cls)[0].name, None)
    assert cls.__init__.__qualname__ == f"{cls.__qualname__}.__init__"


def test_defaults_are_filled_in() -> None:
    """Omitted arguments take the field defaults."""
    ctx = HistoryContext(1, 1, 1, 0, 0, 30)
    assert (ctx.file_age_days, ctx.author_recent_changes, ctx.error_budget_spent) == (
        None,
        0.0,
        False,
    )
    assert Signal("x", None, 0.0, "unknown").share == 0.0
    with pytest.raises(TypeError):
        Signal("x", None, 0.0)  # type: ignore[call-arg]


def test_quick_init_refuses_classes_it_cannot_build() -> None:
    """Default factories, init=False fields and __post_init__ need the dataclass's own __init__."""

    @dataclass(frozen=True, slots=True)
    class WithFactory:
        items: list[int] = field(default_factory=list)

    @dataclass(frozen=True, slots=True)
    class WithPostInit:
        n: int

        def __post_init__(self) -> None:
            pass

    for cls in (WithFactory, WithPostInit):
        with pytest.raises(TypeError, match="plain fields"):
            quick_init(cls)


def test_instances_are_of_the_class_asked_for() -> None:
    """The plain class lent to the instance while it is built never shows; subclasses work."""

    class Loud(Signal):
        __slots__ = ()

    for cls in (Signal, Loud):
        signal = cls("size", 1.0, 2.0, "x", 0.5)
        assert type(signal) is cls
        assert (signal.name, signal.value, signal.points, signal.explanation, signal.share) == (
            "size",
            1.0,
            2.0,
            "x",
            0.5,
        )
        with pytest.raises(FrozenInstanceError):
            signal.name = "other"  # type: ignore[misc]
