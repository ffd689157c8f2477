"""Escaping outside text for Slack mrkdwn, removing invisible characters and truncating."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing.render.escape import link, mrkdwn, neutralise, safe_url, truncate

_BARE_AMPERSAND = re.compile(r"&(?!amp;|lt;|gt;)")


def test_mrkdwn_escapes_slack_control_characters() -> None:
    """Mentions, special mentions and forged links come out as inert text."""
    assert mrkdwn("<!channel> & <@U123> <https://evil.example|click>") == (
        "&lt;!channel&gt; &amp; &lt;@U123&gt; &lt;https://evil.example|click&gt;"
    )


def test_mrkdwn_escapes_existing_entities_again() -> None:
    """Text that already looks escaped is shown as typed, not decoded into markup."""
    assert mrkdwn("&lt;!here&gt;") == "&amp;lt;!here&amp;gt;"


@pytest.mark.parametrize(
    "char",
    [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
    + ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff", "\x00", "\x1b"],
)
def test_mrkdwn_removes_bidi_and_invisible_characters(char: str) -> None:
    """Bidi overrides, isolates, zero-width and control characters are removed."""
    assert mrkdwn(f"pay{char}ments") == "payments"


def test_neutralise_keeps_line_breaks_and_tabs() -> None:
    """Newlines and tabs survive, and Windows line endings become plain newlines."""
    assert neutralise("a\r\nb\tc\rd") == "a\nb\tc\nd"


def test_mrkdwn_leaves_formatting_characters() -> None:
    """Formatting characters are left alone, as they cannot make mentions or links."""
    assert mrkdwn("fix *auth* in ~legacy_api~ `x`") == "fix *auth* in ~legacy_api~ `x`"


@given(st.text())
def test_mrkdwn_output_never_contains_markup(text: str) -> None:
    """Whatever the input, escaped text has no angle brackets and no bare ampersand."""
    escaped = mrkdwn(text)
    assert "<" not in escaped
    assert ">" not in escaped
    assert not _BARE_AMPERSAND.search(escaped)
    assert "\u202e" not in escaped


def test_truncate_leaves_short_text_alone() -> None:
    """Text within the limit is returned unchanged."""
    assert truncate("short", 5) == "short"


def test_truncate_shortens_with_an_ellipsis() -> None:
    """Text over the limit is cut to exactly the limit, ending in an ellipsis."""
    result = truncate("abcdefghij", 6)
    assert result == "abcde…"
    assert len(result) == 6


def test_truncate_never_splits_an_entity() -> None:
    """A cut that would fall inside an escape drops the whole escape instead."""
    assert truncate("aaaaa&amp;bbbb", 8) == "aaaaa…"


def test_truncate_counts_astral_characters_twice() -> None:
    """Emoji count as two units, as in Slack's limits, so the result fits either count."""
    result = truncate("😀" * 10, 5)
    assert result == "😀😀…"
    assert len(result.encode("utf-16-le")) // 2 <= 5


@given(st.text(), st.integers(min_value=1, max_value=50))
def test_truncate_always_fits(text: str, limit: int) -> None:
    """The result of truncate never exceeds its limit."""
    assert len(truncate(text, limit)) <= limit


def test_truncate_rejects_a_limit_below_one() -> None:
    """A limit with no room for the ellipsis is a programming error."""
    with pytest.raises(ValueError, match="at least 1"):
        truncate("text", 0)


@pytest.mark.parametrize(
    "url", ["https://github.com/acme/shop/pull/1", "http://git.internal/acme/shop/-/1?a=1&b=2"]
)
def test_safe_url_accepts_http_urls(url: str) -> None:
    """Plain http and https URLs can be linked."""
    assert safe_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "javascript:alert(1)",
        "https://evil.example|click",
        "https://evil.example/<!channel>",
        "https://a.example/ b",
        "https://",
        "https:evil.example",
        "ftp://files.example/x",
        'https://a.example/"onmouseover=x',
    ],
)
def test_safe_url_rejects_urls_that_could_break_out(url: str | None) -> None:
    """Other schemes and URLs with link delimiters, quotes or spaces are refused."""
    assert safe_url(url) is None


def test_link_builds_a_slack_link_with_an_escaped_label() -> None:
    """A safe URL becomes a link whose label cannot carry markup."""
    assert link("https://x.example/?a=1&b=2", "<!here> fix") == (
        "<https://x.example/?a=1&amp;b=2|&lt;!here&gt; fix>"
    )


def test_link_falls_back_to_the_label_for_unsafe_urls() -> None:
    """An unsafe URL is dropped and only the escaped label is shown."""
    assert link("javascript:alert(1)", "click <me>") == "click &lt;me&gt;"
