"""What a Gradle settings file (``settings.gradle``, ``settings.gradle.kts``) names: the modules
its ``include`` calls add, the builds its ``includeBuild`` calls take in whole, and the name it
gives its root project. Read from the text alone, comments left out."""

from __future__ import annotations

import re

__all__ = ["included_builds", "modules", "root_project_name"]

# An ``include(":a", ":b:c")`` / ``include ':a', ':b'`` call: its
# arguments run to the closing parenthesis, over lines in the Kotlin DSL's usual
# ``include(\n  ":a",\n  ":b",\n)``, or in Groovy's form to the end of a line not ending in a comma.
_INCLUDE = re.compile(r"^\s*include\b\s*(\()?", re.MULTILINE)
_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)
_ROOT_NAME = re.compile(r"rootProject\.name\s*=\s*[\"']([^\"']+)[\"']")
_INCLUDED_BUILD = re.compile(r"\bincludeBuild\s*\(?\s*[\"']([^\"']+)[\"']")
_NAME = re.compile(r"[\"']:?([\w.:-]+)[\"']")


def modules(text: str) -> list[str]:
    """The folders of the ``include`` calls (``:a:b`` is ``a/b``), a module commented out not
    among them."""
    text = _COMMENT.sub("", text)
    names: list[str] = []
    for match in _INCLUDE.finditer(text):
        start = match.end()
        if match.group(1):
            end = text.find(")", start)
        else:
            end = start
            while (line_end := text.find("\n", end)) >= 0 and text[end:line_end].rstrip().endswith(
                ","
            ):
                end = line_end + 1
            end = text.find("\n", end)
        arguments = text[start : end if end >= 0 else len(text)]
        names += [n.replace(":", "/") for n in _NAME.findall(arguments)]
    return names


def included_builds(text: str) -> list[str]:
    """The folders of the builds ``includeBuild`` takes in whole (``./plugin`` is ``plugin``)."""
    found = (
        n.removeprefix("./").strip("/") for n in _INCLUDED_BUILD.findall(_COMMENT.sub("", text))
    )
    return [f for f in found if f]


def root_project_name(text: str) -> str | None:
    """The name ``rootProject.name`` gives the build, or None."""
    named = _ROOT_NAME.search(_COMMENT.sub("", text))
    return named[1] if named else None
