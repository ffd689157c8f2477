"""Making outside text safe to show: Slack mrkdwn escaping, invisible-character removal, limits.

Every string a renderer did not write itself (PR and incident titles, service
names, scope labels, and the LLM narrative) passes through here at the edge.
"""

from __future__ import annotations

import re

__all__ = ["inert", "link", "mrkdwn", "neutralise", "one_line", "safe_url", "truncate"]

ELLIPSIS = "…"

# Bidi embeddings/overrides (U+202A–U+202E) and isolates (U+2066–U+2069) can make
# a title display in an order other than the one it is stored in, and zero-width
# characters can hide or join text invisibly. Removing them, rather than showing
# a placeholder, makes the text read in its stored order, which is what a reader
# must see; the cost is that joined emoji show as their parts. C0/C1 controls
# other than newline and tab are removed too: they render as nothing or as noise.
_INVISIBLE = (
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
    + [0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0x061C, 0xFEFF]
    + [c for c in range(0x20) if c not in (0x09, 0x0A)]
    + [*range(0x7F, 0xA0)]
)
_REMOVE: dict[int, None] = dict.fromkeys(_INVISIBLE)

_ENTITIES = ("&amp;", "&lt;", "&gt;")
_URL_FORBIDDEN = re.compile(r"[|<>\"'`\s\x00-\x1f\x7f]")
_WHITESPACE = re.compile(r"\s+")

# Slack mrkdwn also formats `*bold*`, `_italic_`, `~strike~` and `code`, inside a link's
# label too, and has no escape for them. In outside text (a title) they are swapped for
# look-alikes that format nothing: `*` `~` and the backtick everywhere, `_` only where it
# could open or close italics, so that snake_case names read (and copy) as they are.
_MARKERS = str.maketrans({"*": "\u2217", "~": "\u223c", "`": "\u02cb"})
_EDGE_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")


def neutralise(text: str) -> str:
    """Remove bidi controls, zero-width characters and control characters from ``text``."""
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_REMOVE)


def mrkdwn(text: str) -> str:
    """Escape ``text`` for Slack mrkdwn so it can never form a mention, a link or hidden text."""
    # `&` first, or the entities written for `<` and `>` would be escaped again.
    return neutralise(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def inert(text: str) -> str:
    """``text`` (mrkdwn already) with Slack's formatting characters made look-alikes that
    format nothing (∗ ∼ ˋ ˍ), so outside text cannot bold, strike or quote a message."""
    return _EDGE_UNDERSCORE.sub("\u02cd", text.translate(_MARKERS))


def one_line(text: str) -> str:
    """Collapse all whitespace in ``text``, newlines included, to single spaces."""
    return _WHITESPACE.sub(" ", text).strip()


def _utf16_prefix(text: str, budget: int) -> str:
    """The longest prefix of ``text`` that is at most ``budget`` UTF-16 code units."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > budget:
            return text[:index]
    return text


def truncate(text: str, limit: int) -> str:
    """Shorten ``text`` with "…" so that it is at most ``limit`` characters long."""
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    # Counted in UTF-16 code units, as Slack's limits are enforced by JavaScript-
    # style length; that count is never below Python's, so both limits hold.
    if len(text.encode("utf-16-le")) // 2 <= limit:
        return text
    cut = _utf16_prefix(text, limit - 1)
    # A cut inside `&amp;` would show a broken entity such as "&am…".
    amp = cut.rfind("&", max(0, len(cut) - 4))
    if amp != -1 and any(e.startswith(cut[amp:]) and e != cut[amp:] for e in _ENTITIES):
        cut = cut[:amp]
    return cut.rstrip() + ELLIPSIS


def safe_url(url: str | None, *, schemes: tuple[str, ...] = ("https", "http")) -> str | None:
    """``url`` if its scheme is in ``schemes`` and it cannot break out of a link, else ``None``."""
    if not url or _URL_FORBIDDEN.search(url):
        return None
    scheme, sep, rest = url.partition(":")
    if not sep or scheme.lower() not in schemes:
        return None
    if scheme.lower() in ("http", "https"):
        # `https:evil` and `https://` alone are not links anyone meant to send.
        return url if rest.startswith("//") and len(rest) > 2 else None
    return url if rest else None


def link(url: str | None, label: str) -> str:
    """A Slack ``<url|label>`` link when ``url`` is safe, else the escaped label alone; the
    label (a title) is ``inert``."""
    escaped = inert(mrkdwn(one_line(label)))
    checked = safe_url(url)
    if checked is None:
        return escaped
    # Slack's three escapes apply inside the URL part of a link as well.
    target = checked.replace("&", "&amp;")
    return f"<{target}|{escaped or target}>"
