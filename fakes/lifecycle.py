"""The context manager every fake is: a ``with`` block starts it and stops it after."""

from __future__ import annotations

from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self

__all__ = ["Lifecycle"]


class Lifecycle(ABC):
    """Started on entering a ``with`` block, stopped on leaving it however it is left."""

    # No slots of its own, so that slotted dataclasses can be fakes too.
    __slots__ = ()

    @abstractmethod
    def start(self) -> None:
        """Start answering in the background."""

    @abstractmethod
    def stop(self) -> None:
        """Stop answering and free the port."""

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
