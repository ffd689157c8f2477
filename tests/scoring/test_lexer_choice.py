"""The lexer of a file whose extension several languages share: its text decides, else the name."""

from __future__ import annotations

import pytest

from scoring.code_lines import _lexer, code_lines
from scoring.lexer_choice import holds_no_code, lexer_for_text, shared_extension


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


def test_a_signature_or_a_guide_in_a_shared_extension_holds_no_code() -> None:
    """jq's ``.asc`` release signatures are Public Key (data) and an ``.asc`` guide AsciiDoc
    (prose) by Linguist's heuristics: no line of either is code; text the heuristics read as
    AGS Script, or an extension no other language shares, is left to its lexer."""
    signature = "-----BEGIN PGP SIGNATURE-----\n\niQIzBAABCAAdFiEE\n-----END PGP SIGNATURE-----\n"
    assert holds_no_code("jq-1.7.tar.gz.asc", signature)
    assert holds_no_code("guide.asc", "= Title\n\nSome text {{x}}\n== Section\n")
    assert not holds_no_code("room.asc", "function game_start(int a);\n")
    assert not holds_no_code("x.py", "# nothing shared\n")
    added = [["+" + line for line in signature.splitlines()]]
    assert code_lines("sig/v1.7/jq-1.7.tar.gz.asc", added) == (0, 0)


def test_a_typeset_document_in_a_shared_extension_holds_no_code() -> None:
    """A ``.cls`` whose text Linguist's heuristics read as TeX holds no code, as a ``.tex``
    file does not; an Apex class of the same extension is code."""
    latex = "\\NeedsTeXFormat{LaTeX2e}\n\\ProvidesClass{awesome-cv}[2017/02/05 v1.6.1]\n"
    assert holds_no_code("awesome-cv.cls", latex)
    assert not holds_no_code("Account.cls", "public class Account {\n  Integer n;\n}\n")
