"""Which of a path's folders say what its file is: not a JVM package's, which are a name.

Below a JVM source set's root (Maven's and Gradle's ``src/main/java/``, ``src/test/kotlin/``,
Android's ``src/androidTest/java/``, Kotlin Multiplatform's ``src/commonMain/kotlin/``, and the
protobuf, AIDL and SQLDelight sources laid out by package beside them) the folders are a
package's name, reversed domain first: Spring Initializr's default ``com/example/demo`` and
Google's ``com/google/samples/apps`` say nothing of whether a file is an example or a test.
``scoring.paths`` reads its folder rules, and quickstart its folders to take out of a module,
above that root only.
"""

from __future__ import annotations

import re

__all__ = ["JVM_PACKAGES", "examples_folder", "named_folders"]

JVM_PACKAGES = re.compile(
    r"/src/[^/]+/(?:java|kotlin|scala|groovy|proto|aidl|sqldelight)/", re.IGNORECASE
)
# A folder whose name is examples by a word of it, split at "-", "_" and "." (retrofit's
# ``retrofit-samples``, ``sample-android``, ``spring-boot-examples``): a module of samples,
# as ``examples/`` is. Not camelCase: a ``ExampleCard`` component is code.
_EXAMPLES_FOLDER = re.compile(r"(?:^|[-_.])(?:examples?|samples?|demos?)(?:$|[-_.])", re.I)


def named_folders(path: str, slashed: str, name: str) -> tuple[str, list[str]]:
    """``slashed`` (``"/" + path.lower()``) without a JVM package's folders, and the folders of
    ``path`` left, as written: what the folder rules read. ``src/main/java/com/example/demo/
    App.java`` is ``/src/main/java/app.java`` to them, code of an application, not an example;
    ``name`` is the file's name as ``slashed`` has it."""
    root = JVM_PACKAGES.search(slashed)
    if root is None:
        return slashed, path.split("/")[:-1]
    # ``slashed`` is ``path`` lower-cased behind one "/": the root ends one character earlier in
    # ``path``, on its own "/".
    return slashed[: root.end()] + name, path[: root.end() - 1].split("/")[:-1]


def examples_folder(folder: str) -> bool:
    """Whether a folder's name says it holds examples by a word of it (``retrofit-samples``)."""
    return _EXAMPLES_FOLDER.search(folder) is not None
