"""What a Gradle build script declares: its dependencies, its plugins and where both come from.

A ``build.gradle`` (or ``build.gradle.kts``) is a program, not a table, so it is read by its
blocks: ``dependencies``, ``plugins``, ``repositories`` and ``buildscript`` wherever they sit
(a module's ``dependencies`` inside ``subprojects``, the build's own classpath inside
``buildscript``), and every line that names a version, an SDK level, a Java or Kotlin target or
applies a plugin (``ext.junitVersion = '4.12'``, ``compileSdk 34``, ``sourceCompatibility``,
``apply plugin: 'java'``). The rest is the build's configuration: its tasks, publishing,
Javadoc and release steps (mockito's ``release.gradle`` moved out of ``build.gradle``), which
change no dependency. The project's own ``version = …`` is a release's bump, as a pom's is.
A dependency of a test configuration (``testImplementation``, ``testRuntimeOnly``,
``androidTestImplementation``, ``integrationTestImplementation``, ``testFixturesApi``) is on
the tests' classpath alone, as a Maven dependency of ``test`` scope is: no declaration.
"""

from __future__ import annotations

import re

__all__ = ["gradle_script"]

# A comment: ``//`` at a line's start or after a blank (not a URL's ``https://``), or ``/* */``.
_COMMENT = re.compile(r"/\*.*?\*/|(?:^|(?<=\s))//[^\n]*", re.DOTALL | re.MULTILINE)
_BLOCK = re.compile(r"\b(dependencies|plugins|repositories|buildscript)\s*\{")
_NAMED = re.compile(
    r"(?i)version|compatibility|jvmtarget|jvmtoolchain|languageversion|sdk|ndk|apply\s*\(?\s*plugin"
)
_OWN_VERSION = re.compile(r"^version\s*=")
# A statement naming a test configuration: a configuration name holding "test" in any case,
# followed by its notation or a parenthesis (``testImplementation(libs.junit)``).
_TEST_CONFIGURATION = re.compile(r"^[A-Za-z]*[tT]est[A-Za-z]*\s*[('\"\w]")


def _lines(text: str) -> tuple[str, ...]:
    """The non-blank lines of ``text``, each with its spaces collapsed."""
    return tuple(" ".join(line.split()) for line in text.splitlines() if line.strip())


def _block(code: str, start: int) -> str:
    """The text from the ``{`` at ``start`` to its matching ``}`` (the rest, if unbalanced)."""
    depth = 0
    for i in range(start, len(code)):
        if code[i] == "{":
            depth += 1
        elif code[i] == "}":
            depth -= 1
            if depth == 0:
                return code[start + 1 : i]
    return code[start + 1 :]


def gradle_script(text: str) -> object:
    """A Gradle build script's declarations as plain data to compare: each dependency, plugin,
    repository and buildscript block's lines, and the lines naming versions, SDK levels,
    language targets or applied plugins, the project's own version left out."""
    code = _COMMENT.sub("", text)
    blocks = tuple(
        (kind, _without_tests(lines) if kind == "dependencies" else lines)
        for kind, lines in (
            (found.group(1), _lines(_block(code, found.end() - 1)))
            for found in _BLOCK.finditer(code)
        )
    )
    named = tuple(
        line
        for line in _lines(code)
        if _NAMED.search(line) is not None and _OWN_VERSION.match(line) is None
    )
    return blocks, named


def _without_tests(lines: tuple[str, ...]) -> tuple[str, ...]:
    """A dependencies block's lines without the statements of test configurations, the lines
    a statement continues on (after a trailing comma) included."""
    kept: list[str] = []
    in_test = continued = False
    for line in lines:
        if not continued:
            in_test = _TEST_CONFIGURATION.match(line) is not None
        if not in_test:
            kept.append(line)
        continued = line.endswith(",")
    return tuple(kept)
