"""A signal: one measured fact about a change or deploy and the points it adds."""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from typing import Any, TypeVar

__all__ = ["Signal", "quick_init"]

_T = TypeVar("_T")


def quick_init(cls: type[_T]) -> type[_T]:
    """Give a frozen, slotted dataclass a quicker ``__init__``: same signature, same result.

    A frozen dataclass's own ``__init__`` gets past the ``__setattr__`` that
    refuses assignment by calling ``object.__setattr__`` once per field, and
    each such call costs about five plain attribute stores. The scorer builds
    these values for every change (signals, history context, metrics, score),
    so the new ``__init__`` lends the instance, for the duration of the
    assignments, to a plain class with the same slots: CPython lets an object
    change its ``__class__`` between classes of identical layout, and a plain
    class stores attributes without any Python-level ``__setattr__``. The
    instance is handed back as ``cls`` before ``__init__`` returns, so it is
    frozen as before. Instances of subclasses (other layouts) are built slot by
    slot through the member descriptors instead.

    Apply it on top of ``@dataclass(frozen=True, slots=True)``, to classes whose
    fields are all positional ``__init__`` parameters with plain defaults and
    that have no ``__post_init__``.
    """
    params = fields(cls)  # type: ignore[arg-type]
    if hasattr(cls, "__post_init__") or any(
        not f.init or f.kw_only or f.default_factory is not MISSING for f in params
    ):
        raise TypeError(f"quick_init cannot build {cls.__name__}: it needs plain fields")
    names = [f.name for f in params]
    builder = type(f"_{cls.__name__}Builder", (), {"__slots__": tuple(names)})
    namespace: dict[str, Any] = {"_cls": cls, "_builder": builder, "_lend": object.__setattr__}
    args: list[str] = []
    for f in params:
        namespace[f"_set_{f.name}"] = cls.__dict__[f.name].__set__
        if f.default is MISSING:
            args.append(f.name)
        else:
            namespace[f"_default_{f.name}"] = f.default
            args.append(f"{f.name}=_default_{f.name}")
    lines = [f"def __init__(self, {', '.join(args)}):"]
    if _same_layout(cls, builder):
        lines += ["    if type(self) is _cls:", '        _lend(self, "__class__", _builder)']
        lines += [f"        self.{name} = {name}" for name in names]
        lines += ["        self.__class__ = _cls", "        return"]
    lines += [f"    _set_{name}(self, {name})" for name in names]
    exec("\n".join(lines), namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__doc__ = f"Build a {cls.__name__}."
    setattr(cls, "__init__", init)  # noqa: B010
    return cls


def _same_layout(cls: type, builder: type) -> bool:
    """True when instances of ``cls`` may become ``builder`` instances and back."""
    probe: object = object.__new__(cls)
    try:
        object.__setattr__(probe, "__class__", builder)
        probe.__class__ = cls
    except TypeError:
        return False
    return True


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
