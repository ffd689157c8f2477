"""A clone's layout as services: the code modules its build declares, each with the globs of
its code and the ``!`` globs of what never counts in it (docs, examples, test data, tests,
nested test modules), and the folders its code was moved out of.

Without a build that declares modules, the services are the clone's top-level folders that
hold hand-written code (``scoring.paths.path_kinds``; one level deeper when all code sits
under one folder such as ``src/``, and inside a folder whose code all sits in packages with a
build manifest each; the largest folder that only wraps code is named after the clone), and
the root's own code when it is a tenth of the code in the clone's main language (a Terraform
module's ``main.tf``); so are the folders after the build's modules when those hold less than
half of it, when the root's uv or Cargo workspace names them, or when all their code is
deployment infrastructure (an ``infra/`` of Bicep beside a .NET solution), and beside the
build's modules in a folder of theirs, the folders another kind of build makes (a Gradle
``src/adservice/`` beside Go modules in ``src/``). What a build wrote
(``build_output``) is in no service.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bot.quickstart.build_files import Declared, Modules, jvm_js_go_python
from bot.quickstart.clone_files import history_paths, tracked_sizes
from bot.quickstart.deleted_members import deleted_members
from bot.quickstart.deployed_folders import deployed_tops, image_contexts
from bot.quickstart.drafted import (
    DraftedService,
    Layout,
    drafted_service,
    hand_written_code,
    in_a_service,
    service_key,
)
from bot.quickstart.folder_exclusions import excluded
from bot.quickstart.language_builds import language_builds
from bot.quickstart.lone_service import with_the_rest
from bot.quickstart.npm_package import npm_client, npm_package
from bot.quickstart.old_folders import with_old_folders
from bot.quickstart.own_manifests import PACKAGE_MANIFEST, with_own_manifests
from bot.quickstart.package_manifests import (
    build_kinds_by_folder,
    cmake_project,
    package_manifests,
    rake_project,
    workspace_tops,
)
from bot.quickstart.published_packages import published_tops
from bot.quickstart.root_code import busy_root, root_code
from bot.quickstart.service_names import is_service_name, kept
from bot.quickstart.unity_packages import with_unity_packages
from bot.quickstart.unowned_code import deleted_code
from bot.quickstart.version_folders import across_versions
from data.path_globs import matches
from scoring.aside_folders import in_examples
from scoring.example_collections import is_collection
from scoring.paths import path_kinds

__all__ = ["DraftedService", "Layout", "read_layout"]

# A folder that only wraps the code (src/acme/…): its children are the services.
_WRAPPERS = frozenset(
    {"src", "lib", "libs", "packages", "pkgs", "services", "apps", "cmd", "pkg", "sources"}
)
# Swift's layout, SwiftPM's and an Xcode project's alike: each folder in ``Sources/`` is a
# target (an app, its extensions, a framework), whatever other folders hold code beside it.
_TARGETS = "Sources"
FOLDER_GUESS = "top-level code folders"


def _packages_in(
    path: Path, folder: str, code: list[str], files: list[str], depth: int = 0
) -> list[str]:
    """The folders inside ``folder`` (``bindings/``) that are packages of their own (a build
    manifest at their top) holding code, relative to it, when there are two at least and they
    hold all of its code, none of it loose in ``folder`` itself; else none. A child with no
    manifest whose code all sits in packages in turn (langchain's ``libs/partners/``) is opened
    too, two levels at most."""
    inner = _code_folders(code, folder)
    if not inner or any("/" not in f[len(folder) :] for f in code if f.startswith(folder)):
        return []
    built = {
        f[len(folder) :].split("/", 1)[0]
        for f in files
        if f.startswith(folder)
        and f[len(folder) :].count("/") == 1
        and PACKAGE_MANIFEST.fullmatch(f.rpartition("/")[2])
    }
    held = {f[len(folder) :].split("/", 1)[0] for f in code if f.startswith(folder)}
    # Code in a child that is no service by its name (tests) keeps the folder whole, unless the
    # child is a package of its own: then it is one of the packages when only a leading ``_``
    # or ``.`` kept its name from being a service's (dart-lang/shelf's ``pkgs/_shelf_compliance``,
    # a package private to the repository), and left out when its name says tests, docs,
    # examples, benchmarks or tooling.
    aside = held - set(inner)
    if any(child not in built for child in aside):
        return []
    private = [c for c in aside if is_service_name(c.lstrip("_."))]
    found: list[str] = []
    for child in sorted([*inner, *private]):
        deeper = (
            []
            if child in built or depth >= 2
            else (_packages_in(path, f"{folder}{child}/", code, files, depth + 1))
        )
        if child in built:
            found.append(child)
        elif deeper:
            found += [f"{child}/{p}" for p in deeper]
        else:
            # Code in a child that is no package keeps the folder whole.
            return []
    return found if len(found) >= 2 else []


def _targets_in(prefix: str, folder: str, code: list[str]) -> list[str]:
    """The targets of a Swift ``Sources/`` folder (home-assistant/iOS's ``App``, ``Shared``,
    ``Extensions``, ``PushServer``), two at least and none of its code loose in it; else none."""
    inside = f"{prefix}{folder}/"
    if folder != _TARGETS or any(
        f.startswith(inside) and "/" not in f[len(inside) :] for f in code
    ):
        return []
    targets = _code_folders(code, inside)
    return targets if len(targets) >= 2 else []


def _code_folders(code: list[str], prefix: str, examples: bool = False) -> list[str]:
    """Folders right under ``prefix`` holding files of ``code``, less the ones that are no
    service; with ``examples`` (a repository of examples), a folder named for examples is one."""
    folders = {
        f[len(prefix) :].split("/", 1)[0]
        for f in code
        if f.startswith(prefix) and "/" in f[len(prefix) :]
    }
    return sorted(d for d in folders if is_service_name(d) or (examples and in_examples(f"{d}/_")))


def _declared(path: Path, files: list[str]) -> Modules | None:
    """The modules the build declares, from the first build that declares any, with the npm
    package a build of another language publishes beside it (its JavaScript client)."""
    # A root CMakeLists.txt is the C or C++ project's own build; a Package.swift or
    # build.zig beside it is one more way to consume the same code.
    readers = (jvm_js_go_python, package_manifests, cmake_project, language_builds)
    for reader in readers:
        if (found := reader(path, files)) is not None:
            return _with_client(path, files, found)
    return npm_package(path, files) or rake_project(path, files)


def _with_client(path: Path, files: list[str], found: Modules) -> Modules:
    """``found`` and the npm package published beside it, when it is one of its own: not a
    workspace the build was read from, not inside a module already found."""
    modules, found_by = found
    client = npm_client(path, files) if "package.json" not in found_by else None
    if client is None:
        return found
    (js,), _ = client
    if any(js.folder == m.folder or js.folder.startswith(f"{m.folder}/") for m in modules):
        return found
    names = {m.name or m.folder.rsplit("/", 1)[-1] for m in modules}
    # A client named as the project it serves (phoenix's) is that project's JavaScript.
    name = f"{js.name}-js" if js.name in names else js.name
    client_module = Declared(js.folder, name, js.more, js.excluded)
    # A module whose globs take in the client's folder (a Mix project's assets/) leaves it
    # to the client: a file goes to the first service whose globs match.
    inside = f"{js.folder}/"
    modules = [
        Declared(m.folder, m.name, m.more, (*m.excluded, f"!{js.folder}/**"))
        if any(matches(g, inside + "x") for g in m.more)
        else m
        for m in modules
    ]
    return [*modules, client_module], f"{found_by} and the npm package (package.json)"


def _from_build(path: Path, modules: list[Declared]) -> list[tuple[str, Declared]]:
    """Each declared module keyed by its build name, else its folder's (the repository's for
    the whole clone); a second module of one key keeps its path, numbered where that is taken
    too (two Helm charts named ``helm-guestbook``, one in a folder of that name: the second
    was dropped, its code left to no service), and a folder declared twice is one module."""
    keyed: dict[str, Declared] = {}
    seen: set[str] = set()
    for module in modules:
        if module.folder in seen:
            continue
        seen.add(module.folder)
        name = module.name or module.folder.rsplit("/", 1)[-1] or path.name
        key = service_key(name)
        if key in keyed:
            key = service_key(module.folder or name)
        taken, n = key, 2
        while key in keyed:
            key, n = f"{taken}-{n}", n + 1
        keyed[key] = module
    return list(keyed.items())


def _guessed(
    path: Path, files: list[str], history: list[str], code: list[str] | None = None
) -> Layout:
    """The top-level folders holding hand-written code (``code``, else all the clone's), one
    level deeper under a lone wrapper (``src/``)."""
    code = hand_written_code(path, files) if code is None else code
    # A repository of examples (``scoring.example_collections``): each example is a service, and
    # a folder of them (``examples/``) wraps them as ``src/`` wraps code.
    sizes = tracked_sizes(path, files)
    collection = is_collection(sizes)
    prefix = ""
    folders = _code_folders(code, prefix, collection)
    # All code under one wrapper (src/, packages/…): the services are one level deeper, unless
    # the wrapper holds code of its own (Perl's lib/Mojolicious.pm beside lib/Mojolicious/).
    while len(folders) == 1 and (
        folders[0] in _WRAPPERS or (collection and in_examples(f"{prefix}{folders[0]}/_"))
    ):
        wrapper = f"{prefix}{folders[0]}/"
        inner = _code_folders(code, wrapper, collection)
        if not inner or any(f.startswith(wrapper) and "/" not in f[len(wrapper) :] for f in code):
            break
        prefix, folders = f"{prefix}{folders[0]}/", inner
    if not folders:
        return Layout(
            (drafted_service(service_key(path.name), ("**",), (), files, history),),
            "the whole clone",
        )
    # A folder of packages, each built on its own (tokenizers' ``bindings/python`` and
    # ``bindings/node``), is opened: each package is a service, named with the folder's name
    # unless that only wraps code (``packages/``).
    opened: list[tuple[str, str]] = []
    for d in folders:
        inner = _packages_in(path, f"{prefix}{d}/", code, files) or _targets_in(prefix, d, code)
        # A package private to the repository (``_shelf_compliance``) is named without its mark.
        named = [(i, "/".join(part.lstrip("_.") or part for part in i.split("/"))) for i in inner]
        opened += [(f"{d}/{i}", n if d.lower() in _WRAPPERS else f"{d}-{n}") for i, n in named] or [
            (d, d)
        ]
    folders = [d for d, _ in opened]
    keys: list[str] = []
    for d, name in opened:
        # A second folder of one name (``packages/core`` beside ``core/``) keeps its path.
        keys.append(service_key(name) if service_key(name) not in keys else service_key(d))
    unique = set(keys)
    root = (root_code(code, sizes) or busy_root(path, code)) if not prefix else ()
    clone = service_key(path.name)
    wrapped = [i for i, d in enumerate(folders) if d in _WRAPPERS]
    if wrapped and not root and clone not in unique:
        # A folder named only for wrapping code (``src/``, ``lib/``) says nothing to a reader of
        # a briefing: the one holding the most code is the clone's own, named after it.
        most = max(wrapped, key=lambda i: sum(f.startswith(f"{prefix}{folders[i]}/") for f in code))
        keys[most] = clone
    services = [
        drafted_service(k, (f"{prefix}{d}/**",), (), files, history)
        for k, d in zip(keys, folders, strict=False)
    ]
    if root:
        # A test at the root that a glob of the root's takes in (llm.c's ``test_gpt2.cu``) is
        # no code of it.
        tests = tuple(
            f"!{f}" for f in files
            if "/" not in f and path_kinds(f).test and any(matches(g, f) for g in root)
        )  # fmt: skip
        key = clone if clone not in unique else f"{clone}-root"
        services.insert(0, DraftedService(key, root, tests))
    return Layout(tuple(services), FOLDER_GUESS)


def read_layout(path: Path, files: list[str]) -> Layout:
    """The services of the clone at ``path`` whose HEAD tracks ``files``."""
    declared = _declared(path, files)
    history = history_paths(path)
    # The code the last year changed and then deleted, read once for the two rules that ask.
    gone = deleted_code(path, files)
    layout = None
    if declared is not None:
        modules, found_by = declared
        services = [
            drafted_service(
                key, (f"{m.folder}/**" if m.folder else "**", *m.more), m.excluded, files, history
            )
            for key, m in _from_build(path, modules)
        ]
        layout = Layout(tuple(services), found_by) if services else None
    layout = _with_code_left(path, layout, files, history, gone) if layout else None
    layout = layout or _guessed(path, files, history)
    layout = with_unity_packages(path, layout, files, history)
    layout = with_old_folders(path, layout, files, history)
    # One project kept in folders named for versions is one service (``version_folders``).
    merged = across_versions(
        [(s.key, s.globs, s.excluded) for s in layout.services], files, history
    )
    # A package's manifest beside the folder its build names is the package's (``own_manifests``).
    owned = with_own_manifests(merged, files)
    # The code a clone of one service leaves out of it is that service's (``lone_service``),
    # the code the last year changed and then deleted too (minGPT's ``scripts/``); what moved
    # elsewhere follows its new path.
    if len(owned) == 1:
        code = [*hand_written_code(path, files), *gone]
        owned = with_the_rest(owned, code, files, history)
    return Layout(tuple(DraftedService(*s) for s in owned), layout.found_by)


# The share of a clone's code its build's modules may leave out before the folders holding
# the rest are drafted as services too: most of it. Less is a warning (``unowned_code``),
# since a build's readers leave out build helpers (a CMake project's ``cmake/``) on purpose.
LEFT_OUT = 0.5


def _with_code_left(
    path: Path, layout: Layout, files: list[str], history: list[str], deleted: list[str]
) -> Layout:
    """The build's services, and after them the top-level folders holding the hand-written
    code they leave out, when that is most of the clone's code in folders that may be
    services (a build file naming none of the folders its code sits in)."""
    # Files at the root are no folder's: the build's own files, or a flat project's code.
    code = [f for f in hand_written_code(path, files) if "/" in f and kept(f.rpartition("/")[0])]
    left = [f for f in code if not in_a_service(f, layout.services)]
    # The code the last year changed and then deleted, outside the build's modules: an
    # ``infra/`` of Bicep removed in the year is still where that year's deploys changed.
    gone = [
        f for f in deleted
        if "/" in f and kept(f.rpartition("/")[0]) and not in_a_service(f, layout.services)
    ]  # fmt: skip
    if not left and not gone:
        return layout
    # Below that share, a folder left out is still a module when the root's workspace of
    # another build names it (a uv workspace's ``backend/`` beside npm workspaces) or it holds
    # a package its manifest publishes (``published_packages``); any other package (a
    # playground app, build logic) is a helper left out on purpose.
    most = len(left) > LEFT_OUT * len(code)
    # A top folder HEAD still holds is judged by what it holds now.
    standing = {f.split("/", 1)[0] for f in left}
    contexts = image_contexts(files)
    deployed = deployed_tops(left, contexts) | (deployed_tops(gone, contexts) - standing)
    named = (
        set()
        if most
        else workspace_tops(path, files) | deployed | published_tops(path, files, left)
    )
    # Of the deleted code, only deployment infrastructure makes a service (CleanArchitecture's
    # ``infra/``, 48 of its year's 284 code changes), as it would have while it stood; other
    # code the year removed has no service it plainly belonged to, and the warning names it.
    left = [*left, *(f for f in gone if f.split("/", 1)[0] in deployed)]
    taken = {s.key for s in layout.services}
    # A top folder holding a module of the build (src/ of a .NET solution) is the build's:
    # what it leaves out there it left out on purpose (a test project named as code).
    built = {g.split("/", 1)[0] for s in layout.services for g in s.globs}
    more = []
    for service in _guessed(path, files, history, left).services:
        # Files at the root beside the build (a solution file) make no service of the clone.
        top = service.globs[0].split("/", 1)[0]
        if service.globs[0] == "**" or top in built or not (most or top in named):
            continue
        key = service.key if service.key not in taken else f"{service.key}-code"
        taken.add(key)
        more.append(DraftedService(key, service.globs, service.excluded))
    # A workspace member the year deleted was a member while it stood (``deleted_members``).
    for folder in deleted_members(path, files, gone):
        name = service_key(folder.rpartition("/")[2])
        key = name if name not in taken else f"{name}-code"
        taken.add(key)
        more.append(drafted_service(key, (f"{folder}/**",), (), files, history))
    extra, parts = _other_builds(layout, files, history, left, taken)
    more += extra
    services = tuple(_with_parts(s, parts.get(s.key, ()), files, history) for s in layout.services)
    if not more:
        return Layout(services, layout.found_by)
    return Layout((*services, *more), f"{layout.found_by}, and the code folders it leaves out")


def _with_parts(
    service: DraftedService, parts: Sequence[str], files: list[str], history: list[str]
) -> DraftedService:
    """``service`` with the folders of its own package it takes in (``parts``, globs), and the
    docs, examples and tests in them out."""
    if not parts:
        return service
    out = [g for glob in parts for g in excluded(glob, files, history)]
    return DraftedService(
        service.key,
        (*service.globs, *parts),
        tuple(dict.fromkeys([*service.excluded, *out])),
    )


def _other_builds(
    layout: Layout, files: list[str], history: list[str], left: list[str], taken: set[str]
) -> tuple[list[DraftedService], dict[str, list[str]]]:
    """The folders beside the build's modules inside a folder of its own (``src/adservice``
    of Gradle and ``src/cartservice`` of .NET beside ``src/checkoutservice`` of Go) that hold
    code it leaves out and the manifest of a build of another kind, as services: a build
    leaves out its own kind's helpers and tests on purpose, never what only another build
    makes. Beside a module inside that module's own package (a Flutter app's CMake ``linux/``
    runner beside its ``lib/``, both in the folder of its ``pubspec.yaml``), such a folder is
    the module's own part: its globs, by the module's key."""
    folders = [s.globs[0].removesuffix("/**") for s in layout.services]
    parents = {f.rpartition("/")[0] for f in folders if "/" in f}
    if not parents:
        return [], {}
    builds = build_kinds_by_folder(files)
    kinds = set().union(*(builds.get(f, set()) for f in folders))
    siblings: dict[str, None] = {}
    for f in left:
        parent, _, rest = f.partition("/")
        while parent not in parents and "/" in rest:
            head, _, rest = rest.partition("/")
            parent = f"{parent}/{head}"
        if parent in parents and "/" in rest:
            siblings[f"{parent}/{rest.split('/', 1)[0]}"] = None
    more: list[DraftedService] = []
    parts: dict[str, list[str]] = {}
    for folder in siblings:
        parent, _, name = folder.rpartition("/")
        found = builds.get(folder, set())
        if not found or found & kinds or not is_service_name(name) or not kept(folder):
            continue
        if parent in builds:
            # A folder that builds something itself is a module's own package, not a folder
            # that wraps modules: the folder is that module's part.
            owner = next(
                s for s, f in zip(layout.services, folders, strict=True)
                if f.rpartition("/")[0] == parent
            )  # fmt: skip
            parts.setdefault(owner.key, []).append(f"{folder}/**")
            continue
        key = service_key(name) if service_key(name) not in taken else service_key(folder)
        taken.add(key)
        more.append(drafted_service(key, (f"{folder}/**",), (), files, history))
    return more, parts
