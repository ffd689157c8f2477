"""Cobertura and JaCoCo XML, streamed: each element is cleared once read, so memory follows
the number of lines covered, never the size of the document."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from data.sources.coverage.paths import PathMapper
from scoring.errors import SourceError

__all__ = ["RawLines", "read_cobertura", "read_jacoco"]

# A report's own paths, each to (coverable, covered) line numbers.
RawLines = dict[str, tuple[set[int], set[int]]]


def _events(
    stream: IO[bytes], what: str, events: tuple[str, ...] = ("start", "end")
) -> Iterator[tuple[str, Any]]:
    """``iterparse``'s events, every failure one sentence: a bomb, a truncation, bad XML."""
    try:
        # A DOCTYPE naming Cobertura's or JaCoCo's DTD is common and harmless (it is
        # never fetched); entity declarations, the stuff of bombs, are refused.
        yield from iterparse(
            stream,
            events=events,
            forbid_dtd=False,
            forbid_entities=True,
            forbid_external=True,
        )
    except DefusedXmlException as exc:
        raise SourceError(
            f"the {what} report declares XML entities or external references "
            f"({type(exc).__name__}), which riskbrief refuses; send the report as CI wrote it"
        ) from exc
    except SyntaxError as exc:  # xml.etree's ParseError, truncation included
        raise SourceError(
            f"the {what} report is not well-formed XML ({exc}); "
            "check the file is complete and send it again"
        ) from exc


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


def read_cobertura(stream: IO[bytes], mapper: PathMapper) -> RawLines:
    """Per file of a Cobertura report, its lines; ``<source>`` roots go to ``mapper``.

    Only elements' ends are read (half the events of starts and ends): a ``<class>``
    is whole when it ends, its ``<lines>`` read then and the element cleared.
    """
    out: RawLines = {}
    last = ""
    for _, elem in _events(stream, "Cobertura", ("end",)):
        tag = last = elem.tag
        if tag == "class":
            name = elem.get("filename") or ""
            lines = elem.find("lines")
            if name and lines is not None:
                coverable, covered = out.setdefault(name, (set(), set()))
                for line in lines:
                    number = _int(line.get("number"))
                    if number > 0:
                        coverable.add(number)
                        if _int(line.get("hits")) > 0:
                            covered.add(number)
            elem.clear()
        elif tag == "source":
            if elem.text:
                mapper.add_root(elem.text)
        elif tag == "package":
            elem.clear()
    # The last element to end is the root.
    if last != "coverage":
        raise SourceError(
            f"the report's root element is <{last[:40]}>, not Cobertura's <coverage>; "
            "give the right --format"
        )
    return out


def read_jacoco(stream: IO[bytes], _mapper: PathMapper) -> RawLines:
    """Per source file of a JaCoCo report (``package/File.java``), its lines."""
    out: RawLines = {}
    package = ""
    current: tuple[set[int], set[int]] | None = None
    first = True
    for event, elem in _events(stream, "JaCoCo"):
        tag = elem.tag
        if first:
            first = False
            if tag != "report":
                raise SourceError(
                    f"the report's root element is <{tag}>, not JaCoCo's <report>; "
                    "give the right --format"
                )
        if event == "start":
            if tag == "package":
                package = elem.get("name") or ""
            elif tag == "sourcefile":
                name = elem.get("name") or ""
                path = f"{package}/{name}" if package else name
                current = out.setdefault(path, (set(), set())) if name else None
            continue
        if tag == "line" and current is not None:
            number = _int(elem.get("nr"))
            missed, covered = _int(elem.get("mi")), _int(elem.get("ci"))
            if number > 0 and missed + covered > 0:
                current[0].add(number)
                if covered > 0:
                    current[1].add(number)
            elem.clear()
        elif tag == "sourcefile":
            current = None
            elem.clear()
        elif tag in ("class", "package"):
            elem.clear()
    return out
