"""The code modules a clone's .NET solution (or its project files) declares, less its tests."""

from __future__ import annotations

import re
from pathlib import Path

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from bot.quickstart.build_files import Declared, Modules, show
from bot.quickstart.service_names import kept

__all__ = [
    "DOTNET_PROJECTS",
    "dotnet_projects",
]

# A .NET project file, of C#, F# or Visual Basic.
DOTNET_PROJECTS = (".csproj", ".fsproj", ".vbproj")
# ``Project("{GUID}") = "Name", "src\Name\Name.csproj", "{GUID}"`` lines of a .sln file.
_SLN_PROJECT = re.compile(r'^Project\("[^"]*"\)\s*=\s*"([^"]+)"\s*,\s*"([^"]+)"', re.MULTILINE)
# A .NET project named as tests, benchmarks, samples or the docs' snippets (``Polly.Core.Tests``,
# ``X.Specs``, ``Snippets``);
# ``Polly.Testing`` is a library users test with, so "testing" is not among them.
_DOTNET_NOT_SERVICE = re.compile(
    r"(?:^|[.\-_])(?:(?:unit|integration|functional|acceptance|aot|e2e)?tests?|specs?|testutils"
    r"|benchmarks?|perf|samples?|examples?|demos?|snippets?)$",
    re.IGNORECASE,
)
# A part of a .NET project's dotted name that is a compound saying tests, in PascalCase, wherever
# it stands (maui-samples' ``UITests.Shared``, the helpers its UI tests share; ``Acme.ApiTests.
# Common``): ``Tests`` with its capital, so ``Contests.Api`` is no test project.
_DOTNET_TEST_PART = re.compile(r"(?:^|[.\-_])(?:[A-Z][A-Za-z0-9]*)?Tests(?:$|[.\-_])")
# A .NET project that is tests whatever its name: it uses a test SDK or says it is tests.
_DOTNET_TEST_SDK = re.compile(
    r"Include\s*=\s*[\"']Microsoft\.NET\.Test\.Sdk[\"']|MSTest\.Sdk"
    r"|<IsTestProject>\s*true\s*</IsTestProject>",
    re.IGNORECASE,
)
# A test framework a project references; tests when the project is not packable either (a
# library users test with, such as Polly.Testing, is packed).
_DOTNET_TEST_FRAMEWORK = re.compile(
    r"Include\s*=\s*[\"'](?:xunit(?:\.v3)?|nunit|MSTest\.TestFramework|TUnit)[\"']",
    re.IGNORECASE,
)
_NOT_PACKABLE = re.compile(r"<IsPackable>\s*false\s*</IsPackable>", re.IGNORECASE)


def dotnet_projects(path: Path, files: list[str]) -> Modules | None:
    """A .NET solution's projects (``.sln``, ``.slnx``) at the root, else every project file
    where no CMake project sits at the root, less test, benchmark and sample projects; each
    keyed by its project name."""
    projects: list[str] = []
    solutions = sorted(f for f in files if "/" not in f and f.endswith((".sln", ".slnx")))
    for solution in solutions:
        text = show(path, solution) or ""
        if solution.endswith(".sln"):
            projects += [p.replace("\\", "/") for _, p in _SLN_PROJECT.findall(text)]
            continue
        try:
            tree = ElementTree.fromstring(text.encode("utf-8"))
        except (ElementTree.ParseError, DefusedXmlException):
            continue
        projects += [
            p.get("Path", "").replace("\\", "/")
            for p in tree.iter()
            if p.tag.rsplit("}", 1)[-1] == "Project"
        ]
    if not solutions:
        if "CMakeLists.txt" in files:
            # A root CMake project is the clone's own build: project files found below it
            # are a binding someone contributed (zlib's ``contrib/dotzlib``), not the clone.
            return None
        projects = [f for f in files if f.endswith(DOTNET_PROJECTS)]
    found: list[Declared] = []
    for project in dict.fromkeys(p for p in projects if p.endswith(DOTNET_PROJECTS)):
        folder, _, name = project.rpartition("/")
        name = name.rsplit(".", 1)[0]
        # The project's own folder is named after it: its name is judged by the .NET rule.
        parent = folder.rpartition("/")[0] if folder.endswith(name) else folder
        named_code = (
            (not parent or kept(parent))
            and _DOTNET_NOT_SERVICE.search(name) is None
            and _DOTNET_TEST_PART.search(name) is None
        )
        # A test project named as code (``<IsPackable>false`` with xunit) is read to tell.
        if named_code and not _dotnet_tests(show(path, project) or ""):
            found.append(Declared(folder, name))
    # A project at the root holds everything: it goes last, after the ones in folders.
    found.sort(key=lambda d: d.folder == "")
    kind = "the .NET solution" if solutions else ".NET project files"
    return (found, f"{kind} ({', '.join(solutions) or '*proj'})") if found else None


def _dotnet_tests(text: str) -> bool:
    """Whether a project file's ``text`` makes it a test project: a test SDK
    (``Microsoft.NET.Test.Sdk``, ``MSTest.Sdk``), ``<IsTestProject>true``, or a test
    framework referenced by a project that is not packable."""
    if _DOTNET_TEST_SDK.search(text):
        return True
    return bool(_NOT_PACKABLE.search(text) and _DOTNET_TEST_FRAMEWORK.search(text))
