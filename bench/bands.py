"""``python -m bench.bands DUMP``: every number a reader shows beside a band, and those whose
band is not that number's.

Issue 63 asks that no page or answer, of the demo or of a quickstart store, show a number and a
band in opposite order: bands are fixed bounds of the number, so each (number, band) a reader
shows must be the number's own band. This module reads the pairs out of what readers write
(text answers, web pages and emails, JSON records and Slack blocks); the demo's test
(``tests/bot/test_bands_everywhere.py``) asks every reader itself, and this command reads a
dump of ``python -m bench.readers dump`` (of the demo, or of a real clone's quickstart store),
prints how many pairs each reader showed and every wrong one, and exits 1 when there is one.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from scoring.band import Band
from scoring.config import ScoringConfig
from scoring.score_scale import band_for

__all__ = ["Pair", "band_named", "html_pairs", "json_pairs", "main", "text_pairs", "wrong"]

# Where a pair was read, the number shown, and the band beside it as the reader wrote it.
Pair = tuple[str, int, str]

_BANDS = "very high|high|moderate|low"
# In words: "score 72, very high risk", "scored 57 (high risk)", "Risk *81*, very high risk",
# "· 73, very high risk", "74 (very high)", "risk 70, high". A number glued to a key, a date or
# a time (acme#4503, 2026-11-17, INC-1039) is not a score.
_TEXT = re.compile(rf"(?<![\w.#@/:-])(\d{{1,3}})\*?(?:, | \()({_BANDS})\b")
# The web view: a band's badge and the number after it ("very high 72").
_BADGE = re.compile(
    rf'<span class="band band-[\w-]+">({_BANDS})</span>\s*(?:</a>\s*)?(\d{{1,3}})\b'
)
_LABELS = {b.label: b for b in Band}
_CONFIG = ScoringConfig()


def text_pairs(text: str) -> Iterator[tuple[int, str]]:
    """The (number, band) pairs of plain text or Slack mrkdwn."""
    for number, band in _TEXT.findall(text):
        yield int(number), band


def _plain(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def html_pairs(page: str) -> Iterator[tuple[int, str]]:
    """A page's badges, its tables' Score and Band cells, and its text's pairs."""
    for band, number in _BADGE.findall(page):
        yield int(number), band
    for table in re.findall(r"<table.*?</table>", page, re.S):
        heads = [_plain(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", table, re.S)]
        if "Score" not in heads or "Band" not in heads:
            continue
        score, band = heads.index("Score"), heads.index("Band")
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
            cells = [_plain(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            if len(cells) > max(score, band) and cells[score].isdigit():
                yield int(cells[score]), cells[band]
    yield from text_pairs(_plain(page))


def json_pairs(value: Any) -> Iterator[tuple[int, str]]:
    """Every object of an answer holding a score and its band, and its strings' pairs."""
    if isinstance(value, dict):
        score, band = value.get("score"), value.get("band")
        if isinstance(score, int) and isinstance(band, str):
            yield score, band
        for v in value.values():
            yield from json_pairs(v)
    elif isinstance(value, list):
        for v in value:
            yield from json_pairs(v)
    elif isinstance(value, str):
        yield from text_pairs(value)


def band_named(word: str) -> Band:
    """A band as a reader words it ("very high", "very high risk") or stores it ("critical")."""
    word = word.removesuffix(" risk")
    return _LABELS[word] if word in _LABELS else Band(word)


def wrong(pairs: Sequence[Pair]) -> list[Pair]:
    """The pairs whose band is not their number's."""
    return [(where, n, b) for where, n, b in pairs if band_named(b) is not band_for(n, _CONFIG)]


def file_pairs(path: Path) -> Iterator[tuple[int, str]]:
    """The pairs of one written output, read by its kind."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".html":
        yield from html_pairs(text)
    elif path.suffix == ".json":
        try:
            yield from json_pairs(json.loads(text))
        except json.JSONDecodeError:
            yield from text_pairs(text)
    else:
        yield from text_pairs(text)


def _reader(relative: Path) -> str:
    """Which reader wrote an output of a dump, by where it sits."""
    if relative.parts[0] in {"ask", "web", "mcp"}:
        return relative.parts[0]
    if relative.name.endswith(".slack.json"):
        return "slack"
    if ".email." in relative.name:
        return "email"
    return "other"


def main(argv: Sequence[str] | None = None) -> int:
    """Read a dump's outputs and print each reader's pairs and the wrong ones."""
    parser = argparse.ArgumentParser(prog="python -m bench.bands", description=__doc__)
    parser.add_argument("dump", type=Path, help="a folder `python -m bench.readers dump` wrote")
    args = parser.parse_args(argv)
    root: Path = args.dump
    if not root.is_dir():
        parser.error(f"{root} is no folder; give one `python -m bench.readers dump` wrote.")
    pairs: list[Pair] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root)
        if relative.suffix not in {".txt", ".html", ".json"} or relative.name.endswith(".db"):
            continue
        pairs += [(str(relative), n, b) for n, b in file_pairs(path)]
    shown = Counter(_reader(Path(where)) for where, _, _ in pairs)
    bands = Counter(band_named(b).label for _, _, b in pairs)
    print(f"{len(pairs)} numbers beside a band in {root}")
    print("by reader: " + ", ".join(f"{k} {v}" for k, v in sorted(shown.items())))
    print("by band: " + ", ".join(f"{k} {v}" for k, v in sorted(bands.items())))
    bad = wrong(pairs)
    for where, n, b in bad:
        print(f"WRONG {where}: {n} beside {b!r} (its band is {band_for(n, _CONFIG).label})")
    print(f"{len(bad)} wrong")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
