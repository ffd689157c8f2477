"""The lexer of a file whose extension several languages share: its text decides, else the name."""

from __future__ import annotations

import pytest

from scoring.code_lines import _lexer
from scoring.lexer_choice import lexer_for_text, shared_extension


@pytest.mark.parametrize(
    ("name", "shared"),
    [
        ("x.pl", True),
        ("x.m", True),
        ("x.r", True),
        ("x.py", False),
        ("x.java", False),
        ("Makefile", False),
    ],
)
def test_an_extension_is_shared_when_linguist_names_several_languages(
    name: str, shared: bool
) -> None:
    """``.pl`` is Perl's, Raku's and Prolog's to Linguist; ``.py`` is Python's alone."""
    assert shared_extension(name) is shared


@pytest.mark.parametrize(
    ("name", "text", "lexer"),
    [
        ("x.r", "#' doc\nf <- function(x) x\n", "SLexer"),
        ("x.r", 'REBOL [Title: "x"]\nprint 1\n', "RebolLexer"),
        ("x.pl", "my $x = 1;\n", "PerlLexer"),
        ("x.pl", "ancestor(X, Y) :- parent(X, Y).\n", "PrologLexer"),
        ("x.m", "function y = f(x)\n  y = x.^2; % square\nend\n", "MatlabLexer"),
        ("x.m", "#import <Foundation/Foundation.h>\n@interface X\n@end\n", "ObjectiveCLexer"),
        # Nothing in the text tells: a tie keeps the lexer the name gets.
        ("x.hh", "int f();\n", "CppLexer"),
        ("x.py", "# only Python's\n", "PythonLexer"),
    ],
)
def test_the_text_picks_among_the_lexers_claiming_the_name(
    name: str, text: str, lexer: str
) -> None:
    """Linguist's heuristics, else each claiming lexer's own reading of the text, pick the
    lexer; with no sign either way the name's lexer stands."""
    chosen = lexer_for_text(name, text, _lexer(name))
    assert type(chosen).__name__ == lexer


def test_no_lexer_for_the_name_means_none_for_the_text() -> None:
    """A file no lexer claims by name gets none from its text either."""
    assert lexer_for_text("x.unknownext", "anything\n", None) is None
