"""What riskbrief's output may contain when outside text is hostile: Slack, HTML and limits."""

from __future__ import annotations

import re
from collections.abc import Iterator, Set
from html.parser import HTMLParser
from typing import Any

__all__ = [
    "INVISIBLE",
    "html_problems",
    "invisible_problems",
    "slack_problems",
    "slack_strings",
]

# Characters that reorder or hide text; the renderers remove them from outside text.
INVISIBLE = frozenset(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
    + [0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0x061C, 0xFEFF]
    + [c for c in range(0x20) if c not in (0x09, 0x0A)]
    + [*range(0x7F, 0xA0)]
)

_ANGLE = re.compile(r"<([^<>]*)>")

# Slack's documented limits for the blocks riskbrief sends.
_MAX_BLOCKS = 50
_TEXT_LIMITS = {"section": 3000, "header": 150, "context": 2000}
_MAX_FALLBACK = 40_000


def slack_strings(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a Block Kit structure with where it is, except button values.

    A button's ``value`` is never shown to anyone; it comes back to the app on a click.
    """
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("value", "action_id", "block_id"):
                continue
            yield from slack_strings(value, f"{path}.{key}")
    elif isinstance(node, list | tuple):
        for i, value in enumerate(node):
            yield from slack_strings(value, f"{path}[{i}]")
    elif isinstance(node, str):
        yield path, node


def invisible_problems(where: str, text: str) -> Iterator[str]:
    """Bidi controls, zero-width and control characters left in ``text``."""
    found = sorted({f"U+{ord(ch):04X}" for ch in text if ord(ch) in INVISIBLE})
    if found:
        yield f"{where} keeps invisible characters {', '.join(found[:5])}"


def _link_problems(where: str, text: str, allowed_urls: Set[str]) -> Iterator[str]:
    """Mentions and links in mrkdwn ``text`` that riskbrief did not build."""
    for inner in _ANGLE.findall(text):
        if inner[:1] in ("!", "@", "#"):
            yield f"{where} has the Slack mention <{inner[:60]}>"
            continue
        url = inner.split("|", 1)[0].replace("&amp;", "&")
        if url not in allowed_urls:
            yield f"{where} links to {url[:80]!r}, which riskbrief did not build"
    rest = _ANGLE.sub("", text)
    if "<" in rest or ">" in rest:
        yield f"{where} has an unescaped angle bracket"


def _block_limit_problems(blocks: list[dict[str, Any]]) -> Iterator[str]:
    if len(blocks) > _MAX_BLOCKS:
        yield f"{len(blocks)} blocks, over Slack's {_MAX_BLOCKS}"
    for i, block in enumerate(blocks):
        kind = block.get("type")
        if kind not in ("section", "header", "context", "divider", "actions"):
            yield f"block {i} has the unexpected type {kind!r}"
            continue
        if kind in ("section", "header"):
            text = block.get("text")
            if not isinstance(text, dict) or not isinstance(text.get("text"), str):
                yield f"block {i} ({kind}) has no text object"
                continue
            if text.get("type") not in ("mrkdwn", "plain_text"):
                yield f"block {i} has a text of type {text.get('type')!r}"
            if not text["text"]:
                yield f"block {i} ({kind}) has empty text"
            if _units(text["text"]) > _TEXT_LIMITS[kind]:
                yield f"block {i} ({kind}) text is {_units(text['text'])} long"
        if kind == "header" and block["text"].get("type") != "plain_text":
            yield f"block {i} is a header without plain_text"
        if kind == "context":
            elements = block.get("elements") or []
            if not 1 <= len(elements) <= 10:
                yield f"block {i} (context) has {len(elements)} elements"
            for element in elements:
                if _units(str(element.get("text", ""))) > _TEXT_LIMITS["context"]:
                    yield f"block {i} (context) has an element over 2000"
        accessory = block.get("accessory")
        if accessory is not None:
            button_text = accessory.get("text", {}).get("text", "")
            if accessory.get("type") != "button" or not 1 <= _units(button_text) <= 75:
                yield f"block {i} has a bad accessory"
            if _units(str(accessory.get("value", ""))) > 2000:
                yield f"block {i} has a button value over 2000"


def _verbatim_problems(node: Any, path: str = "blocks") -> Iterator[str]:
    """mrkdwn text objects that let Slack turn bare URLs, #channels and @here into links."""
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn" and node.get("verbatim") is not True:
            yield f"{path} is a mrkdwn text object without verbatim: true"
        for key, value in node.items():
            yield from _verbatim_problems(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _verbatim_problems(value, f"{path}[{i}]")


def _units(text: str) -> int:
    """Length as Slack counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def slack_problems(message: dict[str, Any], allowed_urls: Set[str]) -> list[str]:
    """Why ``message`` (``{"text", "blocks"}``) is unsafe or not one Slack accepts; [] if fine."""
    problems: list[str] = []
    text = message.get("text")
    if not isinstance(text, str) or not text.strip():
        problems.append("the message has no notification text")
    elif _units(text) > _MAX_FALLBACK:
        problems.append(f"the notification text is {_units(text)} long")
    blocks = list(message.get("blocks") or [])
    problems += _block_limit_problems(blocks)
    problems += _verbatim_problems(blocks)
    for where, value in slack_strings(message):
        problems += _link_problems(where, value, allowed_urls)
        problems += invisible_problems(where, value)
    return problems


class _Collector(HTMLParser):
    """Every tag, attribute, style sheet and comment of an HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.styles: list[str] = []
        self.comments: list[str] = []
        self.declarations: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._in_style = tag == "style"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def handle_decl(self, decl: str) -> None:
        self.declarations.append(decl)

    def unknown_decl(self, data: str) -> None:
        self.declarations.append(data)

    def handle_pi(self, data: str) -> None:
        self.declarations.append(data)


# The elements the email template writes; anything else came from outside.
_TEMPLATE_TAGS = frozenset(
    {"html", "head", "meta", "title", "style", "body", "div", "p", "h1", "h2", "h3"}
    | {"ul", "ol", "li", "img", "a", "span", "br"}
)


def _parse(html: str) -> _Collector:
    parser = _Collector()
    parser.feed(html)
    parser.close()
    return parser


def html_problems(html: str, allowed_urls: Set[str], baseline: str) -> list[str]:
    """Why the email ``html`` could run or link to something, against a harmless ``baseline``."""
    parsed, base = _parse(html), _parse(baseline)
    problems: list[str] = []
    for tag, attrs in parsed.tags:
        if tag not in _TEMPLATE_TAGS:
            problems.append(f"the email has a <{tag}> element")
        for name, value in attrs:
            value = (value or "").strip()
            lowered = re.sub(r"\s", "", value).lower()
            if name.startswith("on"):
                problems.append(f"<{tag}> has the event handler {name}")
            if "javascript:" in lowered or "vbscript:" in lowered or lowered.startswith("data:"):
                problems.append(f"<{tag} {name}> holds {value[:60]!r}")
            if name == "href" and value not in allowed_urls:
                problems.append(f"<{tag}> links to {value[:80]!r}, which riskbrief did not build")
            if name == "src" and not value.startswith("cid:"):
                problems.append(f"<{tag}> loads {value[:80]!r}")
    if parsed.styles != base.styles:
        problems.append("the email's style sheet differs from the template's")
    if parsed.comments != base.comments or parsed.declarations != base.declarations:
        problems.append("the email has comments or declarations the template did not write")
    problems += invisible_problems("the email HTML", html)
    return problems
