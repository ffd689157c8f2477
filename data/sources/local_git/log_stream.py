"""The byte stream of ``git log``, read as NUL-terminated fields, lines or file patches.

``gitlog`` parses a ``git log --numstat -z`` process through it a chunk at a
time, so a history of any length is read in bounded memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from data.sources.local_git.patch_lines import FILE_START

__all__ = ["LogStream"]

# How much is read from git at a time.
_CHUNK = 1 << 16


class LogStream:
    """A byte stream read as NUL-terminated fields or as lines, in bounded chunks.

    Memory holds the chunk being read and the one field or line it cuts across:
    a refill reads at least as much as is left over, so even a huge field is
    read in linear time.
    """

    __slots__ = ("_buf", "_pos", "_read")

    def __init__(self, read: Callable[[int], bytes]) -> None:
        self._read = read
        self._buf = b""
        self._pos = 0

    def _more(self) -> bool:
        rest = self._buf[self._pos :]
        chunk = self._read(max(_CHUNK, len(rest)))
        self._buf = rest + chunk
        self._pos = 0
        return bool(chunk)

    def until(self, end: bytes) -> bytes | None:
        """The bytes up to the next ``end`` (one byte, consumed); what is left at the end of
        the stream; ``None`` when nothing is."""
        searched = 0
        while True:
            at = self._buf.find(end, self._pos + searched)
            if at >= 0:
                out = self._buf[self._pos : at]
                self._pos = at + 1
                return out
            searched = len(self._buf) - self._pos
            if not self._more():
                if self._pos >= len(self._buf):
                    return None
                out = self._buf[self._pos :]
                self._pos = len(self._buf)
                return out

    def file_patches(self) -> Iterator[bytes]:
        """One commit's patch, a file's patch at a time (``diff --git`` to the next), up to
        the next commit's RS or the end of the stream.

        Only the file being read is held, however long the commit's patch.
        """
        while self._unread(1) and not self._buf.startswith(b"\x1e", self._pos):
            searched = 1
            while True:
                ends = [
                    at
                    for sep in (b"\n" + FILE_START, b"\n\x1e")
                    if (at := self._buf.find(sep, self._pos + searched)) >= 0
                ]
                if ends:
                    end = min(ends) + 1
                    break
                searched = max(1, len(self._buf) - self._pos - len(FILE_START))
                if not self._more():
                    end = len(self._buf)
                    break
            patch = self._buf[self._pos : end]
            self._pos = end
            yield patch

    def _unread(self, size: int) -> bool:
        """Read until ``size`` bytes are unread; False when the stream ends before."""
        while len(self._buf) - self._pos < size:
            if not self._more():
                return False
        return True
