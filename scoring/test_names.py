"""Tests by their names: a test folder or a test file, by the conventions of each ecosystem.

A test folder is one named as a test folder (``tests/``, ``spec/``, ``e2e/``, …) or one
with "test", "tests" or "testing" among the words of its name (split at ``-``, ``_``, ``.``
and camelCase), a kind of test run written as one word with it (``unittests``,
``smoketests``, ``loadtests``), and test-support words (``testutil``, ``testkit``,
``testcases``, …): ``okhttp-testing-support/``, ``src/testFixtures/``, ``src/jvmTest/``,
``Polly.Core.Tests/``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

__all__ = ["in_test_folder", "test_file_name"]

# Test folders by name in any case (``Tests/``, ``src/test/java/``), Perl's and Raku's ``t/`` and
# ``xt/`` too, whose ``*.t`` files ``prove`` runs; test file names by convention, where Java's,
# C#'s and PHPUnit's ``FooTest.java`` needs its capital T so that ``Latest.java`` is not a test
# (PHPUnit's ``FooTest.php`` may sit beside the class it tests: flysystem's ``src/ConfigTest.php``).
# ``tst/`` is a test folder's short name (Pester's, many .NET repositories'); ``__test__/`` a
# Jest-style one in the singular (actions/checkout's).
_TEST_DIR = re.compile(
    r"/(tests?|tst|specs?|__tests?__|testing|e2e|cypress|integration[-_]tests?|x?t)/"
)
# A folder is a test folder too when a word of its name is one of these (lower-cased), split at
# "-", "_", "." and camelCase: ``Polly.Core.Tests``, ``jvmTest``, not ``latest``.
_FOLDER_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_TEST_WORD = re.compile(
    r"tests?|testing"
    # A kind of test run written as one word with it: ``unittests``, shiny's ``smoketests/``.
    r"|(?:unit|smoke|load|perf|stress|fuzz|integration|acceptance|regression|functional)"
    r"tests?"
    r"|test(?:utils?|support|fixtures?|helpers?|kit|libs?|cases?|suites?|resources?|harness)"
)
_TEST_NAME = re.compile(
    r"^test_|_test\.|\.test\.|\.spec\.|\.cy\.|\.e2e\.|_spec\.rb$|\.t$"
    # Pester's PowerShell tests, ``Mock.Tests.ps1``.
    r"|\.Tests\.ps1$"
    r"|[a-z0-9]Tests?\.(java|kt|scala|groovy|cs|php)$|^Test[A-Z0-9][^/]*\.(java|kt|scala|groovy)$"
)


def in_test_folder(folders: str, dirs: Iterable[str]) -> bool:
    """Whether a path lies in a test folder: ``folders`` is the path lower-cased after a "/",
    a JVM package's folders left out (``source_sets.named_folders``), ``dirs`` its folders'
    names as written, for their camelCase words."""
    return _TEST_DIR.search(folders) is not None or any(map(_test_folder, dirs))


def test_file_name(name: str) -> bool:
    """Whether a file's name is a test's (``test_x.py``, ``x.spec.ts``, ``FooTest.java``)."""
    return _TEST_NAME.search(name) is not None


@functools.lru_cache(maxsize=1 << 14)
def _test_folder(name: str) -> bool:
    """True for a folder whose name holds a test word (``_TEST_WORD``): ``jvmTest``, ``X.Tests``."""
    return any(_TEST_WORD.fullmatch(w.lower()) for w in _FOLDER_WORDS.findall(name))
