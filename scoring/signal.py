"""A signal: one measured fact about a change or deploy and the points it adds."""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from typing import Any, TypeVar

__all__ = ["Signal", "quick_init"]

_T = TypeVar("_T")


def quick_init(cls: type[_T]) -> type[_T]:
    """Give a frozen, slotted dataclass an ``__init__`` that sets its slots directly.

    A frozen dataclass's own ``__init__`` gets past the ``__setattr__`` that
    refuses assignment by calling ``object.__setattr__`` once per field. The
    scorer builds about twenty of these values per change (the signals, the
    history context, the metrics, the score), and setting each slot through
    its member descriptor instead takes about half the time. The signature,
    the defaults and everything else the dataclass generated stay as they
    were; instances stay frozen. Apply it on top of
    ``@dataclass(frozen=True, slots=True)``, to classes whose fields are all
    positional ``__init__`` parameters with plain defaults and that have no
    ``__post_init__``.
    """
    params = fields(cls)  # type: ignore[arg-type]
    if hasattr(cls, "__post_init__") or any(
        not f.init or f.kw_only or f.default_factory is not MISSING for f in params
    ):
        raise TypeError(f"quick_init cannot build {cls.__name__}: it needs plain fields")
    namespace: dict[str, Any] = {}
    args: list[str] = []
    body: list[str] = []
    for f in params:
        namespace[f"_set_{f.name}"] = cls.__dict__[f.name].__set__
        if f.default is MISSING:
            args.append(f.name)
        else:
            namespace[f"_default_{f.name}"] = f.default
            args.append(f"{f.name}=_default_{f.name}")
        body.append(f"    _set_{f.name}(self, {f.name})")
    exec(f"def __init__(self, {', '.join(args)}):\n" + "\n".join(body), namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__doc__ = f"Build a {cls.__name__}, setting its slots directly."
    setattr(cls, "__init__", init)  # noqa: B010
    return cls


@quick_init
@dataclass(frozen=True, slots=True)
class Signal:
    """One measured fact about a change and what it adds to the score.

    ``share`` (0–1) is how much of the signal's weight it earned, so that
    ``points`` is the weight times the share and calibration can refit the
    weights without measuring again. ``value`` is ``None`` when the input was
    not known; ``points`` is then 0 and ``explanation`` says so.
    """

    name: str
    value: float | None
    points: float
    explanation: str
    share: float = 0.0

    @property
    def known(self) -> bool:
        """False when the signal could not be measured."""
        return self.value is not None
