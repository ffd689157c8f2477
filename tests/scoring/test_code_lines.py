"""Lines of code in a file's hunks: comments, docstrings, blank lines and whitespace changes out."""

from __future__ import annotations

from pathlib import Path

import pytest

import scoring.code_lines as code_lines_module
from scoring.code_lines import code_lines


def test_javadoc_lines_are_no_code() -> None:
    """A Javadoc block and a trailing comment's blank line add no code; the statement does."""
    hunk = [
        " class A {",
        "+  /**",
        "+   * Returns the answer.",
        "+   *",
        "+   * @return the answer",
        "+   */",
        "+",
        "+  int answer() { return 42; } // the answer",
        " }",
    ]
    assert code_lines("src/main/java/A.java", [hunk]) == (1, 0)


def test_python_comments_docstrings_and_blank_lines_are_no_code() -> None:
    """Only the def and return lines of a Python hunk are code."""
    hunk = [
        "+def f():",
        '+    """Say what f does.',
        "+",
        "+    More about it.",
        '+    """',
        "+    # a comment",
        "+",
        "+    return 1  # trailing comments keep the line code",
    ]
    assert code_lines("pkg/mod.py", [hunk]) == (2, 0)


def test_deleted_comments_are_no_code_either() -> None:
    """Deleting a comment and a blank line deletes no code; deleting a call does."""
    hunk = [" x = 1", "-# old note", "-", "-print(x)", " y = 2"]
    assert code_lines("a.py", [hunk]) == (0, 1)


def test_whitespace_only_changes_add_no_code() -> None:
    """Re-indented lines and trailing spaces removed pair off with their old lines where
    indentation is no syntax."""
    hunk = [
        "-if (x) {  ",
        "-  y = 1;",
        "+if (x) {",
        "+    y = 1;",
        "+z = 3;",
    ]
    assert code_lines("a.js", [hunk]) == (1, 0)


@pytest.mark.parametrize("name", ["a.py", "Main.hs", "app.coffee", "lib.nim", "Main.elm", "A.fsx"])
def test_re_indented_lines_are_code_where_indentation_is_syntax(name: str) -> None:
    """Lines moved under a new ``if`` change the program where indentation is syntax; a
    trailing space removed or a line moved at its own depth still pairs off."""
    hunk = [
        "-x = 1  ",
        "-y = 2",
        "-z = 3",
        "+x = 1",
        "+if ready",
        "+    y = 2",
        "+    z = 3",
    ]
    assert code_lines(name, [hunk]) == (3, 2)


def test_preprocessor_lines_are_code() -> None:
    """An include and a define are code, though Pygments files them under comments."""
    assert code_lines("src/x.c", [["+#include <stdio.h>", "+#define N 3", "+/* note */"]]) == (
        2,
        0,
    )


def test_a_file_no_lexer_knows_counts_its_non_blank_lines() -> None:
    """Without a lexer for the name, every non-blank line counts."""
    assert code_lines("tool/run.zzqq", [["+# kept", "+", "+   ", "+go"]]) == (2, 0)


def test_hunks_of_one_file_pair_moved_lines_across_hunks() -> None:
    """A line moved from one hunk to another adds and deletes no code."""
    first = [" a = 1", "-b = compute(a)", " c = 3"]
    second = [" d = 4", "+b  =  compute(a)", " e = 5"]
    assert code_lines("m.py", [first, second]) == (0, 0)


_JAVA = '''package acme;

/**
 * A cart, with // and /* inside its Javadoc.
 *
 * @since 1
 */
public class Cart {
    private static final String URL = "http://example.com/*not a comment*/";
    private static final String BLOCK = """
        a text block // with slashes
        /* and a comment opener
        """;

    /* A block comment
       over three lines */
    int items; // trailing

    int add(int n) {
        // one
        return items += n; /* inline */
    }
}
'''
_JS = """#!/usr/bin/env node
const url = "http://example.com"; // a comment
const tpl = `line one
  // not a comment
  /* nor this */ ${url}`;
/*
 * block
 */
function f(a) {
  return a / 2 / 3; // divide
}
<!-- old html comment
const re = /\\/\\*/g;
"""
_GO = """package main

import "fmt"

/* Package docs
over lines */
var raw = `a raw
// string`

// main runs.
func main() {
\tfmt.Println("/* not */") // but this is
}
"""


def _windows(text: str) -> list[tuple[list[str], list[int]]]:
    """Every hunk side of 17 lines of ``text`` with one, two or a run of changed lines."""
    lines = text.splitlines()
    out = []
    for start in range(len(lines)):
        side = lines[start : start + 17]
        for rows in ([0], [len(side) // 2], [len(side) - 1], [2, 3, 4], [1, len(side) - 2]):
            kept = sorted({r for r in rows if 0 <= r < len(side)})
            if kept:
                out.append((side, kept))
    return out


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("Cart.java", _JAVA),
        ("app.js", _JS),
        ("app.ts", _JS.replace("#!/usr/bin/env node\n", "")),
        ("main.go", _GO),
        ("main.c", "#if 0\nint dead;\n#endif\n/* c\n */\nint x; // y\n" * 3),
        *(
            (path.name, path.read_text(encoding="utf-8"))
            for path in sorted(Path(code_lines_module.__file__).parent.glob("*.py"))[:4]
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 40 else "",
)
def test_lexing_the_span_reads_the_changed_lines_as_the_whole_side_does(
    name: str, text: str
) -> None:
    """Lexing only from the first multi-line delimiter to the last reads every changed line as
    lexing the whole hunk side does (with a comment's opening put back when it starts in one)."""
    lexer = code_lines_module._lexer(name)
    assert lexer is not None
    for side, rows in _windows(text):
        if code_lines_module._opens_in_comment(lexer, side):
            whole = code_lines_module._lexed_flags(lexer, ["/*", *side, "*/"])[1:-1]
        else:
            whole = code_lines_module._lexed_flags(lexer, side)
        spanned = code_lines_module._code_flags(lexer, side, rows)
        assert [spanned[r] for r in rows] == [whole[r] for r in rows], (name, side, rows)


@pytest.mark.parametrize(
    "name",
    [
        "app.py",
        "Cart.java",
        "x.tar.gz",
        "CMakeLists.txt",
        "Makefile",
        "Makefile.am",
        "a.js.j2",
        "ls.1",
        "Dockerfile",
        "notes",
        ".bashrc",
        "x.H",
        "y.unknownext",
    ],
)
def test_a_lexer_looked_up_by_extension_is_the_one_the_name_gets(name: str) -> None:
    """Lexers are cached by extension except for names Pygments matches whole."""
    by_name = code_lines_module._lexer_by(name)
    found = code_lines_module._lexer(name)
    assert type(found) is type(by_name)


def test_an_edit_inside_a_licence_header_opened_above_the_hunk_is_no_code() -> None:
    """A hunk starting inside a block comment whose opening is above its context (a licence
    header's typo fixed) adds no code, and the code after the comment's end still counts."""
    inside = [
        " *    any, must include the following acknowlegement:",
        "- *    Alternately, this acknowlegement may appear in the software itself,",
        "+ *    Alternately, this acknowledgement may appear in the software itself,",
        " *",
        " *    if and wherever such third-party acknowledgements normally appear.",
    ]
    assert code_lines("src/java/A.java", [inside]) == (0, 0)
    closed = [" * the end of the licence", " */", "-int b = 2;", "+int b = 3;"]
    assert code_lines("src/main.c", [closed]) == (1, 1)


def test_comments_in_a_vue_components_script_are_no_code() -> None:
    """A Vue hunk inside the component's ``<script>`` (no section mark, no tag line) adds no
    code for its JSDoc; one whose first mark closes the script reads the script before it
    and the template after; a template's hunk keeps reading its text as code."""
    script = [
        "     methods: {",
        "+        /** Confirm deletion of docker host */",
        "         deleteConfirm() {",
        "+            // hide first",
        "             this.modal.hide();",
        "         },",
    ]
    assert code_lines("src/components/Dialog.vue", [script]) == (0, 0)
    closing = [
        "+    /** Shows it */",
        "     show() {}",
        " };",
        " </script>",
        " <template>",
        "+  <div>/** not a comment here */</div>",
        " </template>",
    ]
    assert code_lines("src/components/Dialog.vue", [closing]) == (1, 0)
    template = [" <template>", "   <ul>", "+    <li>/** item */</li>", "   </ul>"]
    assert code_lines("src/components/List.vue", [template]) == (1, 0)


def test_a_svelte_component_is_read_as_a_vue_one() -> None:
    """Pygments has no Svelte lexer: a Svelte component's script comments and markup's HTML
    comments are no code, as a Vue component's are, and its statements and tags are."""
    script = ["   let count = 0;", "+  // doubles it", "+  const double = () => count * 2;"]
    assert code_lines("src/lib/Counter.svelte", [script]) == (1, 0)
    markup = [" <main>", "+  <!-- the counter -->", "+  <button>{count}</button>", " </main>"]
    assert code_lines("src/lib/Counter.svelte", [markup]) == (1, 0)


def test_c_lines_starting_with_a_dereference_stay_code() -> None:
    """``*p = 1;`` lines are C code, not a comment's continuation lines."""
    assert code_lines("src/main.c", [[" *p = 1;", "-*q = 2;", "+*q = 3;"]]) == (1, 1)


def test_a_licence_header_whose_end_lies_past_the_context_is_no_code() -> None:
    """A hunk opening a block comment (a rewritten licence header) whose ``*/`` is beyond its
    context adds no code; nor does a docstring opened and left open in a Python hunk."""
    header = [
        " /**",
        "- * Copyright 1999-2001,2004 The Apache Software Foundation.",
        "+ * Licensed to the Apache Software Foundation (ASF) under one or more",
        "+ * contributor license agreements.",
        " *",
        " *     http://www.apache.org/licenses/LICENSE-2.0",
    ]
    assert code_lines("src/java/A.java", [header]) == (0, 0)
    docstring = [" def f():", '+    """Start of a long', "+    docstring"]
    assert code_lines("a.py", [docstring]) == (0, 0)


def test_php_hunks_are_lexed_as_php_and_their_docblocks_are_no_code() -> None:
    """A PHP hunk has no ``<?php`` before it: its docblock lines, whole or cut off above the
    hunk (guzzle's "Removing (optional) from docblocks"), add no code; its statements do."""
    whole = [" class A {", "+    /**", "+     * doc", "+     */", "+    public function f() {}"]
    assert code_lines("src/A.php", [whole]) == (1, 0)
    cut = ["     * @param x", "-     * @return (optional) y", "+     * @return y", "     */"]
    assert code_lines("src/A.php", [cut]) == (0, 0)


def test_a_binary_like_file_git_took_for_text_has_no_code() -> None:
    """An Illustrator logo or a phar's packed bytes (control characters, no NUL in git's first
    8,000 bytes) are no code, however many lines git splits them into; text beside is."""
    packed = "".join(chr(c) for c in (1, 2, 3, 0x13, 0x7F, 0x1F)) * 4
    logo = ["+%PDF-1.5", "+%\u00e2\u00e3\u00cf\u00d3", *(f"+{packed}{i}" for i in range(5708))]
    assert code_lines("art/logo.svgz", [logo]) == (0, 0)
    phar = ["+<?php", "+__HALT_COMPILER(); ?>", f"+{packed}"]
    assert code_lines("tools/runner.bin", [phar]) == (0, 0)
    escaped = ["+\x1b[31mred\x1b[0m", "+\tindented\f", "+plain\r", "+end\x1a"]
    assert code_lines("src/colour.txtish", [escaped]) == (4, 0)


@pytest.mark.parametrize(
    ("path", "hunk", "expected"),
    [
        # R's lower-case ``.r``, which Pygments gives to Rebol: dplyr's roxygen comments.
        (
            "R/source-sqlite.r",
            ["+#' Create an sqlite data source.", "+#'", " sqlite_source <- function(path) {"],
            (0, 0),
        ),
        # Perl's ``.pl``, which Pygments gives to Prolog.
        ("lib/tool.pl", ["+my $x = 1;", "+# just a comment"], (1, 0)),
        # F#'s ``.fs``, which Pygments gives to Forth.
        ("src/Parse.fs", ["+// a comment", "+let x = 1"], (1, 0)),
        # MATLAB's ``.m``, which Pygments gives to Objective-C.
        ("stats/f.m", ["+% a comment", "+x = 1;", " function y = f(x)"], (1, 0)),
        # Objective-C's own ``.m`` stays Objective-C.
        ("Sources/X.m", ["+// a comment", "+@interface X", "+@end"], (2, 0)),
        # Rebol's ``.r`` stays Rebol: ``;`` starts its comments.
        ("tools/build.r", ['+REBOL [Title: "build"]', "+; a comment", "+print 1"], (2, 0)),
    ],
)
def test_a_shared_extension_is_lexed_as_its_texts_language(
    path: str, hunk: list[str], expected: tuple[int, int]
) -> None:
    """Where several languages share an extension, Linguist's heuristics (or Pygments' own
    reading of the text) pick the lexer, so a comment in R, Perl, F# or MATLAB is no code."""
    assert code_lines(path, [hunk]) == expected


def test_elixir_documentation_attributes_text_is_no_code() -> None:
    """The text of an Elixir ``@moduledoc`` or ``@doc`` string is the module's docs, as a
    Python docstring is: a change to it is no code; a heredoc bound to a name stays code."""
    doc_edit = [
        [
            '   @moduledoc """',
            "-  Starts the server.",
            "+  Starts the server and its registry.",
            "+  See `Registry`.",
            '   """',
            "   def start, do: :ok",
        ]
    ]
    assert code_lines("lib/server.ex", doc_edit) == (0, 0)
    code = [
        ['+  @doc "Starts it."', "+  def start, do: :ok", '+  sql = """', "+  SELECT 1", '+  """']
    ]
    assert code_lines("lib/server.ex", code) == (5, 0)


@pytest.mark.parametrize(
    "path", ["src/cartservice/Dockerfile.debug", "Containerfile.pebble", "app.dockerfile"]
)
def test_a_dockerfile_by_dockers_convention_is_read_as_a_dockerfile(path: str) -> None:
    """``Dockerfile.debug`` (``docker build -f``) and Linguist's ``*.dockerfile`` are read by the
    Docker lexer: a Renovate marker added as a comment is no line of code, a ``RUN`` is one."""
    marker = "+# renovate: datasource=github-releases depName=grpc-ecosystem/grpc-health-probe"
    assert code_lines(path, [[" FROM alpine:3.20", marker, " RUN true"]]) == (0, 0)
    assert code_lines(path, [[" FROM alpine:3.20", "+RUN apk add curl", " RUN true"]]) == (1, 0)
