"""Which folders set a file aside, and which of them say examples alone."""

from __future__ import annotations

from scoring.aside_folders import ASIDE, ASIDE_BY_NAME, in_examples


def test_in_examples_is_only_an_examples_folder_name() -> None:
    """A path is in examples when a folder's name says examples, and no docs or tests folder or
    prose name sets it aside too; a JVM package named ``example`` is no folder of examples."""
    assert in_examples("examples/chat/app.py")
    assert in_examples("play-scala-forms-example/app/Widget.scala")
    assert not in_examples("examples/chat/docs/app.py")
    assert not in_examples("examples/chat/README.md")
    assert not in_examples("src/main/java/com/example/App.java")
    assert not in_examples("lib/app.py")


def test_aside_folders_and_names() -> None:
    """Tests, docs and examples folders set a file aside, as prose and stories do by name."""
    assert ASIDE.search("/pkg/tests/test_a.py")
    assert ASIDE.search("/examples/app.py")
    assert not ASIDE.search("/src/app.py")
    assert ASIDE_BY_NAME.search("/src/button.stories.tsx")
    assert not ASIDE_BY_NAME.search("/docs/app.py")
