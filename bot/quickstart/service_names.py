"""The names that say a folder or module is no service: tests, docs, examples, test data,
benchmarks, configuration and the like, at the top of a clone and nested inside a module."""

from __future__ import annotations

import re

__all__ = [
    "DOCS", "NEVER_IN_SERVICE", "is_aside_name", "is_service_name", "is_test_module", "kept"
]  # fmt: skip

# Folders inside a module that are never part of its service, at any depth: drafted as
# ``!`` globs.
NEVER_IN_SERVICE = frozenset(
    {
        "doc", "docs", "documentation", "example", "examples", "_example", "_examples",
        "sample", "samples", "_samples", "demo", "demos", "test", "tests", "tst", "__tests__",
        "__test__", "__mocks__", "__fixtures__", "testdata", "test-data", "test_data", "e2e",
        "site", "website", "benches", "benchmarks",
        # Jasmine's and RSpec's test folders, as the scorer reads them (``scoring.paths``): an
        # Angular library's ``spec/helpers.ts`` is no code of the library.
        "spec", "specs",
        # Test fixtures, which the scorer reads as no code wherever they sit (a Swift app's
        # ``Sources/Shared/API/Fixtures/``).
        "fixtures",
        # Perl's and Raku's tests (``prove`` runs ``t/*.t``; authors' tests in ``xt/``), as
        # the scorer reads them: a distribution's helper modules beside them are tests too.
        "t", "xt",
    }
)  # fmt: skip
# Of those, the ones a Go package may be named (cobra's ``doc``): kept when they hold Go code.
DOCS = frozenset({"doc", "docs", "documentation", "site", "website"})
# Folders that hold no service of their own (and every folder that is never in one).
_NOT_SERVICES = NEVER_IN_SERVICE | frozenset(
    {
        "testing", "spec", "specs", "tutorial", "tutorials", "script", "scripts", "tools",
        "tooling", "bin", "build", "dist", "vendor", "third_party", "third-party",
        "node_modules", "bench", "artwork", "assets", "fixtures", "ci", "conf", "config",
        "configs", "dev", "docker", "deploy", "deployment", "www", "playground", "patches",
        "it", "fuzzing", "fuzz", "bom", "build-logic", "buildsrc", "gradle", "specification",
        "specifications", "jmh", "perf", "internal-tests", "xtask", "resources", "priv",
        "man", "vignettes", "revdep",
        # An app's release automation (fastlane's lanes and store listings) and its build's
        # own tool package (a Swift app's ``BuildTools/``): tooling, as ``tools`` is.
        "fastlane", "buildtools",
    }
)  # fmt: skip
# A module's name that says it is tests, docs, a website, a spec, configuration,
# examples or benchmarks (``zookeeper-it``, ``okhttp-osgi-tests``,
# ``zookeeper-website``, ``android-test-app``): no service, whatever the build says.
# ``integration`` alone names what a module integrates with (glide's ``integration/okhttp3``,
# ``spring-integration-core``), as the scorer reads its files as code: integration *tests*
# are ``integration-tests``, ``integrationtest``.
_NOT_SERVICE_WORD = re.compile(
    r"(?:^|[-_.])(?:it|tests?|testing|test-?support|e2e|integration[-_]?test\w*|benchmarks?"
    r"|bench|jmh"
    r"|examples?|samples?|demos?|docs?|website|site|www|specs?|specifications?|conf|config"
    r"|dev|docker|deploy|bom|fuzz\w*|playground|xtask)(?:$|[-_.])|tests?$"
)
# A compound folder name saying docs, examples or a website (h5py's ``docs_api/``, the Sphinx
# build of its API reference; lazygit's ``docs-master/``), as ``is_test_module`` reads one
# saying tests or benchmarks.
_ASIDE_WORD = re.compile(
    r"(?:^|[-_.])(?:docs?|documentation|examples?|samples?|demos?|website|site|www)(?:$|[-_.])",
    re.IGNORECASE,
)
# A folder nested in a module whose compound name says it holds tests (retrofit's
# ``android-test``, ``integration-tests``, ``test-support``, ``testsuite``): the plain
# ``test``/``tests`` are in NEVER_IN_SERVICE. Narrower than the module rule, because a nested
# ``config`` or ``dev`` folder is often code of the module.
_TEST_MODULE = re.compile(
    r"(?:^|[-_.])(?:tests?|testing|testsuite|test-?support|test-?utils|e2e|integration-?tests?"
    r"|functional-?tests?|benchmarks?|jmh)(?:$|[-_.])",
    re.IGNORECASE,
)


# A build's test source set named in camelCase (Gradle and Kotlin Multiplatform's ``jvmTest``,
# ``commonTest``, Android's ``androidUnitTest``, ``testFixtures``), or a .NET test project named
# in PascalCase (Pester's ``src/csharp/PesterTests``): tests, nested in a module.
_TEST_SOURCE_SET = re.compile(
    r"^(?:[a-z][A-Za-z0-9]*Tests?|[A-Z][A-Za-z0-9]*[a-z0-9]Tests?|test[A-Z][A-Za-z0-9]*)$"
)


def is_service_name(folder: str) -> bool:
    """False for a folder or module named as tests, docs, a website, config, examples, …"""
    name = folder.rstrip("/").rsplit("/", 1)[-1].lower()
    if not name or name.startswith((".", "_")) or name in _NOT_SERVICES:
        return False
    return _NOT_SERVICE_WORD.search(name) is None


def kept(folder: str) -> bool:
    """True when no folder on the path ``folder`` says it is no service."""
    return all(is_service_name(part) for part in folder.split("/"))


def is_aside_name(name: str) -> bool:
    """True for a folder whose name, whole or a word of it, says docs, examples or a website
    (``docs_api``, ``docs-master``, ``examples-ce2``)."""
    return _ASIDE_WORD.search(name) is not None


def is_test_module(name: str) -> bool:
    """True for a folder nested in a module that never counts in it: docs, examples, test
    data, tests, and a compound name saying tests (``android-test``, ``*-tests``, a test
    source set such as ``jvmTest``)."""
    return (
        name.lower() in NEVER_IN_SERVICE
        or _TEST_MODULE.search(name) is not None
        or _TEST_SOURCE_SET.match(name) is not None
    )
