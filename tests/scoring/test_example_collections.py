"""A repository of examples: its examples are its code; a library's examples stay aside."""

from __future__ import annotations

from collections.abc import Iterable

from scoring.example_collections import MIN_EXAMPLE_FILES, example_code, is_collection


def _sized(paths: Iterable[str], size: int = 1_000) -> dict[str, int]:
    """``paths`` each of ``size`` bytes."""
    return dict.fromkeys(paths, size)


# Play's samples, as its tree has them: one sbt project per folder, each named for an example.
_SAMPLES = [
    f"play-{lang}-{name}-example/app/controllers/{c}.{ext}"
    for lang, ext in (("java", "java"), ("scala", "scala"))
    for name in ("chatroom", "forms", "jpa", "rest-api", "fileupload", "streaming")
    for c in ("HomeController", "ApiController")
]


def test_a_repository_of_sample_projects_is_a_collection() -> None:
    """Two dozen files of sample projects' code beside two root scripts are a collection."""
    assert is_collection(_sized([*_SAMPLES, "sources.sh", "test.sh", "README.md", "LICENSE"]))


def test_a_library_with_large_examples_is_no_collection() -> None:
    """A library whose own code is more than a fifth of all its code keeps its examples aside."""
    library = [f"src/mod{i}.rs" for i in range(8)]
    examples = [f"examples/ex{i}/src/main.rs" for i in range(24)]
    assert not is_collection(_sized([*library, *examples]))
    assert is_collection(_sized([*library[:5], *examples]))


def test_a_library_of_few_large_files_keeps_its_many_examples_aside() -> None:
    """A games library whose core is six large C files beside thirty small example programs
    (raylib's shape: most of its files, but not four fifths of its code's bytes, are
    examples) is no collection; the same examples beside six small files are."""
    examples = _sized((f"examples/core/core_{i}.c" for i in range(30)), 3_000)
    core = {f"src/r{name}.c": 20_000 for name in ("core", "models", "text", "audio", "gl", "ui")}
    assert not is_collection(core | examples)
    assert is_collection(_sized(core, 2_000) | examples)


def test_a_handful_of_examples_is_no_collection() -> None:
    """Fewer example files than ``MIN_EXAMPLE_FILES`` say nothing of what a repository makes."""
    few = [f"examples/ex{i}/main.py" for i in range(MIN_EXAMPLE_FILES - 1)]
    assert not is_collection(_sized(few))
    assert is_collection(_sized([*few, "examples/last/main.py"]))


def test_an_examples_tests_docs_and_prose_are_no_example_code() -> None:
    """Inside an example, tests, docs and Markdown stay what they are; only its code counts."""
    assert example_code("play-java-forms-example/app/controllers/WidgetController.java")
    assert not example_code("play-java-forms-example/test/controllers/WidgetTest.java")
    assert not example_code("play-java-forms-example/docs/guide.java")
    assert not example_code("play-java-forms-example/README.md")


def test_code_outside_examples_and_jvm_package_names_are_no_example_code() -> None:
    """Code already read as code, and a JVM package named ``example``, are no example's code."""
    assert not example_code("src/main/java/com/example/demo/App.java")
    assert not example_code("lib/forms.py")


def _extension(folder: str, size: int = 3_000) -> dict[str, int]:
    """A VS Code extension's project in ``folder``: its manifest and two source files."""
    return {
        f"{folder}/package.json": 500,
        f"{folder}/src/extension.ts": size,
        f"{folder}/src/provider.ts": size,
    }


def test_sibling_projects_not_named_for_examples_join_a_collection() -> None:
    """Extensions side by side, most named ``*-sample`` and some not (``chat-tutorial/``,
    ``wasm-component-model/``), make a collection though the unnamed ones hold over a fifth of
    the code; without their manifests they are code beside the samples, and no collection."""
    named = [f"{n}-sample" for n in ("hello", "tree-view", "webview", "lsp", "theme", "vim")]
    samples = [_extension(f"{n}-{k}") for n in named for k in ("a", "b")]
    unnamed = [_extension(n, 6_000) for n in ("chat-tutorial", "wasm-component-model", "paste")]
    tree = {p: s for project in [*samples, *unnamed] for p, s in project.items()}
    assert is_collection(tree)
    assert not is_collection(
        {p: s for p, s in tree.items() if not p.endswith("package.json") or "sample" in p}
    )


def test_a_library_beside_sample_projects_is_no_collection() -> None:
    """A library whose own code is most of the code stays one, however many of the top
    folders that are projects are named for examples."""
    samples = [_extension(f"demo{i}-sample") for i in range(10)]
    tree = {p: s for project in samples for p, s in project.items()}
    library = {f"src/module{i}.ts": 20_000 for i in range(5)}
    assert is_collection(tree)
    assert not is_collection(tree | library | _extension("tools"))
