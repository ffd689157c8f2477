"""The ``!`` globs that take docs, examples and tests out of a drafted service."""

from __future__ import annotations

from bot.quickstart.folder_exclusions import excluded


def test_a_compound_docs_folder_is_taken_out_as_docs_is() -> None:
    """A Go module's ``docs-master/`` (lazygit's docs of its next release) and an
    ``examples-ce2/`` are taken out of the whole-clone service, as ``docs/`` is; a compound
    name holding Go code of its own (a package) stays, and ``docsify`` is no such name."""
    files = [
        "main.go",
        "pkg/gui/gui.go",
        "docs-master/Config.md",
        "examples-ce2/src/Main.scala",
        "docs_gen/gen.go",
        "docsify/index.js",
    ]
    out = excluded("**", files)
    assert "!**/docs-master/**" in out
    assert "!**/examples-ce2/**" in out
    assert not any("docs_gen" in g or "docsify" in g for g in out)
