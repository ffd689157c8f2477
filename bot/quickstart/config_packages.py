"""The modules of packages that configure and deploy other software, read at HEAD: a
repository's Helm charts, an Ansible collection, a Puppet module and a Chef cookbook, each named
as its registry publishes it (``bot.quickstart.language_builds`` tries them after the builds of
programming languages)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from bot.quickstart.build_files import Declared, Modules, show
from bot.quickstart.declared_modules import (
    declared_module,
    inner_path,
    manifest_folders,
    tracks_folder,
    with_build_files,
    yaml_mapping,
)

__all__ = ["ansible_collection", "chef_cookbook", "helm_charts", "puppet_module"]

# A Puppet Forge module's name: its author and its own name, ``puppetlabs-apache``.
_PUPPET_NAME = re.compile(r"^[A-Za-z0-9]+[-/][a-z][a-z0-9_]*$")
# What a Puppet module ships: its classes and defines, Ruby types and providers, templates,
# static files, type aliases, functions, Bolt tasks and plans, facts and Hiera data.
_PUPPET_CODE = [
    "manifests", "lib", "templates", "files", "types", "functions", "tasks", "plans", "facts.d",
    "data",
]  # fmt: skip
# A Chef cookbook's name in its ``metadata.rb``: ``name 'apache2'``.
_CHEF_NAME = re.compile(r"^\s*name\s*\(?\s*[\"']([^\"']+)[\"']", re.MULTILINE)
# What a Chef cookbook ships (Chef's cookbook layout): recipes, custom resources and their
# providers, libraries, attributes, definitions, templates, static files and Ohai plugins.
_CHEF_CODE = [
    "recipes", "resources", "providers", "libraries", "attributes", "definitions", "templates",
    "files", "ohai",
]  # fmt: skip


def helm_charts(path: Path, files: list[str]) -> Modules | None:
    """A repository of Helm charts: each chart (a ``Chart.yaml``) in a top-level folder or one
    level under it (``charts/<chart>/``) is a module named by the chart's ``name``, two charts
    at least; a chart's own subcharts (``<chart>/charts/<sub>/``) are its own."""
    found: list[Declared] = []
    for folder in manifest_folders(files, "Chart.yaml"):
        inside = any(folder.startswith(f"{m.folder}/") for m in found)
        if folder and folder.count("/") <= 1 and not inside:
            name = yaml_mapping(path, inner_path(folder, "Chart.yaml")).get("name")
            found.append(Declared(folder, name if isinstance(name, str) else None))
    return (found, "Helm charts (Chart.yaml)") if len(found) > 1 else None


def ansible_collection(path: Path, files: list[str]) -> Modules | None:
    """An Ansible collection (a root ``galaxy.yml`` naming its ``namespace`` and ``name``): one
    module named ``namespace.name``, as Galaxy publishes it, of its ``plugins/``, ``roles/``
    and ``playbooks/``, with ``galaxy.yml`` and ``meta/`` (its routing and requirements)."""
    if "galaxy.yml" not in files:
        return None
    galaxy = yaml_mapping(path, "galaxy.yml")
    namespace, name = galaxy.get("namespace"), galaxy.get("name")
    named = f"{namespace}.{name}" if isinstance(namespace, str) and isinstance(name, str) else None
    # Named after the collection whatever its words: community.docker is the product here,
    # not Docker tooling beside one.
    module = declared_module("", ["plugins", "roles", "playbooks"], None, files)
    if module is None:
        return None
    module = Declared(module.folder, named, module.more, module.excluded)
    module = with_build_files(module, ["galaxy.yml", "meta/**"], files)
    return ([module], "the Ansible collection (galaxy.yml)") if module else None


def puppet_module(path: Path, files: list[str]) -> Modules | None:
    """A Puppet module (a root ``metadata.json`` naming it ``author-name`` beside its
    dependencies or supported systems, as the Forge publishes it): one module of that name, of
    its ``manifests/``, ``lib/``, ``templates/``, ``files/`` and the rest it ships, with its
    metadata, Hiera configuration and the Gemfile and Rakefile that test and release it."""
    if "metadata.json" not in files:
        return None
    try:
        meta = json.loads(show(path, "metadata.json") or "")
    except json.JSONDecodeError:
        return None
    if not isinstance(meta, dict):
        return None
    name = meta.get("name")
    if not isinstance(name, str) or _PUPPET_NAME.match(name) is None:
        return None
    if "operatingsystem_support" not in meta and not isinstance(meta.get("dependencies"), list):
        return None
    module = declared_module("", _PUPPET_CODE, None, files)
    if module is None or not tracks_folder("manifests", files):
        return None
    module = Declared(module.folder, name.replace("/", "-"), module.more, module.excluded)
    module = with_build_files(
        module, ["metadata.json", "hiera.yaml", "Gemfile", "Rakefile", ".fixtures.yml"], files
    )
    return ([module], "the Puppet module (metadata.json)") if module else None


def chef_cookbook(path: Path, files: list[str]) -> Modules | None:
    """A Chef cookbook (a root ``metadata.rb`` naming it, as the Supermarket publishes it): one
    module of that name, of its recipes, resources, libraries, templates and the rest it ships,
    with its metadata and the Berksfile or Policyfile that resolve its dependencies."""
    if "metadata.rb" not in files:
        return None
    named = _CHEF_NAME.search(show(path, "metadata.rb") or "")
    held = [c for c in _CHEF_CODE if tracks_folder(c, files)]
    # ``resources/`` is no service's name elsewhere (a JVM module's assets): here it is the
    # cookbook's own code, so the folders are taken as the layout names them, not by ``kept``.
    if named is None or not {"recipes", "resources", "libraries"} & set(held):
        return None
    module = with_build_files(
        Declared(held[0], named[1], tuple(f"{c}/**" for c in held[1:])),
        ["metadata.rb", "metadata.json", "Berksfile", "Policyfile.rb", "chefignore"],
        files,
    )
    return ([module], "the Chef cookbook (metadata.rb)") if module else None
