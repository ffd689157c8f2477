"""What an npm package's ``package.json`` declares, for ``data.sources.local_git.manifests``:
its tools' configuration and description left out, and its devDependencies where they reach no
one (a published package's, or a package's of tools alone), with its lock file
(https://docs.npmjs.com/cli/configuring-npm/package-json)."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["NPM_LOCKS", "package_json", "pins_nothing_shipped"]

# package.json keys that configure development tools or describe the package, and ship
# nothing: linters, formatters, test runners, git hooks, release bots, metadata.
_NPM_TOOLING = frozenset(
    {"eslintConfig", "eslintIgnore", "prettier", "jest", "lint-staged", "husky", "commitlint",
     "stylelint", "nyc", "c8", "ava", "mocha", "xo", "standard", "remarkConfig",
     "markdownlint", "renovate", "simple-git-hooks", "size-limit", "release", "changelog",
     "scripts", "description", "keywords", "repository", "bugs", "homepage", "author",
     "contributors", "maintainers", "funding", "license", "private", "volta", "packageManager",
     "devEngines", "tsd", "typeCoverage", "knip", "vitest", "np", "release-it", "version"}
)  # fmt: skip


# The fields by which a package.json says what it publishes for others to install: a package
# naming them is published though its root file says ``private`` (zustand marks the checkout's
# package.json private and publishes a copy of it from its build). ``main`` and ``bin`` are
# not among them: an Electron application names its ``main``, and its devDependencies (Electron
# itself) are what it ships.
_PUBLISHES = ("module", "exports", "types", "typings", "files")


def _published(document: dict[str, Any]) -> bool:
    """Whether a package.json is a published package's: not ``private``, or naming what it
    publishes; an application or a workspace root is neither."""
    return document.get("private") is not True or any(document.get(k) for k in _PUBLISHES)


# What a private package.json declares that reaches a build or a user: dependencies other than
# the development ones, an entry point, what it publishes, the workspaces its devDependencies
# build for.
_SHIPPING_FIELDS = (
    "dependencies", "peerDependencies", "optionalDependencies", "bundleDependencies",
    "bundledDependencies", "main", "bin", "browser", "workspaces", *_PUBLISHES,
)  # fmt: skip
# Scripts by whose names a package builds, starts, serves or publishes something (npm's lifecycle
# scripts and the usual names, the part before a ``:``): with any, its devDependencies may be what
# it ships (a Vite application keeps its framework among them). Not the install scripts: a private
# package is installed by no one, so they run in its own checkout (``"postinstall": "husky
# install"``), and what they might prepare for a build, a build script ships.
_SHIPPING_SCRIPTS = frozenset(
    {"build", "start", "dev", "serve", "preview", "watch", "bundle", "compile", "dist", "package",
     "pack", "prepack", "prepublish", "prepublishOnly", "publish", "deploy", "release",
     "generate", "export"}
)  # fmt: skip


def _tooling_only(document: dict[str, Any]) -> bool:
    """Whether a package.json installs tools for the checkout alone: private, declaring nothing
    of ``_SHIPPING_FIELDS`` and no script of ``_SHIPPING_SCRIPTS`` (a Salesforce DX project's
    eslint, prettier, jest and husky; a Go or Python repository's commit linters). Its
    devDependencies and its lock file pin nothing that ships."""
    scripts = document.get("scripts") or {}
    return (
        document.get("private") is True
        and not any(document.get(k) for k in _SHIPPING_FIELDS)
        and isinstance(scripts, dict)
        and not any(str(name).split(":")[0] in _SHIPPING_SCRIPTS for name in scripts)
    )


def pins_nothing_shipped(document: dict[str, Any]) -> bool:
    """Whether a package.json's devDependencies and lock file reach no one: a published
    package's (npm installs them only in its own checkout) or a package of tools alone."""
    return _published(document) or _tooling_only(document)


def package_json(text: str) -> object:
    """A package.json's declarations: what an install of it resolves."""
    document = json.loads(text)
    if not isinstance(document, dict):
        return document
    # A published package's devDependencies are never installed for those who use it (npm
    # installs them only in the package's own checkout), nor a package's of tools alone; a
    # private one that builds or runs something (an application, a workspace root) builds
    # what it deploys with them, so there they count.
    dev_only = pins_nothing_shipped(document)
    return {
        k: v
        for k, v in document.items()
        if k not in _NPM_TOOLING and not (dev_only and k == "devDependencies")
    }


# npm's, Yarn's and pnpm's lock files: npm never reads a dependency's lock file, so a published
# package's pins no one who installs it (``npm-shrinkwrap.json`` is published and obeyed: not here).
NPM_LOCKS = frozenset({"package-lock.json", "yarn.lock", "pnpm-lock.yaml"})
