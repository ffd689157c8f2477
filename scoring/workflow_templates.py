"""Which CI workflows run nowhere: a GitHub Actions workflow kept outside the one folder GitHub
runs workflows from, and a workflow template's metadata.

GitHub runs a repository's workflows only from its ``.github/workflows`` folder (Gitea and
Forgejo, which read the same format, from ``.gitea/workflows`` and ``.forgejo/workflows``). A
file with a workflow's shape anywhere else is a template or an example, text a user copies:
actions/starter-workflows keeps hundreds under ``deployments/``, ``ci/`` and ``code-scanning/``,
each beside its metadata, ``<name>.properties.json`` (GitHub's documented name for a workflow
template's metadata: ``name``, ``description``, ``iconName``, ``categories``,
``filePatterns``). A folder's name (``deployments/``) makes the path rules
(``scoring.paths``) call such a file deployment configuration; its text says it deploys
nothing, so a change of it alone stays under the no-code cap.

Read from a file's text, which only a local clone's sync has (``data.sources.local_git``); a
code host's patch rarely shows a workflow's top-level keys, so there its folder decides.
"""

from __future__ import annotations

import json
import re

from scoring.paths import path_kinds

__all__ = ["deploys_nothing", "read_for_deployment"]

# The folders a forge runs workflows from.
_RUN_FROM = re.compile(r"(?:^|/)\.(?:github|gitea|forgejo)/workflows/")
_YAML = (".yml", ".yaml")
_METADATA = ".properties.json"
# A key at a YAML document's top level: at the line's start, plain or quoted (``"on":``, as
# YAML 1.1 would read a bare ``on`` as true), its line ended by LF or CRLF.
_TOP_KEY = re.compile(r"""^(["']?)([A-Za-z_][\w-]*)\1[ \t]*:(?:[ \t]|\r?$)""", re.MULTILINE)
# A job's runner, indented under its job: ``runs-on`` is GitHub's (and Gitea's) key alone.
_RUNS_ON = re.compile(r"^[ \t]+runs-on[ \t]*:", re.MULTILINE)
# The metadata GitHub documents; a file with only ``name`` and ``description`` says too little.
_TEMPLATE_KEYS = frozenset({"iconName", "categories", "filePatterns"})


def read_for_deployment(path: str) -> bool:
    """Whether ``path`` is one whose text can say it deploys nothing: a YAML file or a
    ``.properties.json`` the path rules call deployment configuration, outside the folders a
    forge runs workflows from."""
    name = path.rpartition("/")[2].lower()
    if not (name.endswith(_YAML) or name.endswith(_METADATA)):
        return False
    return path_kinds(path).infra and _RUN_FROM.search(path) is None


def deploys_nothing(path: str, text: str) -> bool:
    """Whether ``text``, the head of ``path``, is a workflow no forge runs from there (top-level
    ``jobs`` with ``on`` or a job's ``runs-on``, outside ``.github/workflows``) or a workflow
    template's metadata (a
    ``.properties.json`` object naming the template and one of GitHub's template keys)."""
    if _RUN_FROM.search(path) is not None:
        return False
    if path.lower().endswith(_METADATA):
        return _template_metadata(text)
    keys = {m.group(2) for m in _TOP_KEY.finditer(text)}
    # A template committed without its trigger (actions/starter-workflows' first Kompose one)
    # is still one by its jobs' runners, a key of GitHub's format alone.
    return "jobs" in keys and ("on" in keys or _RUNS_ON.search(text) is not None)


def _template_metadata(text: str) -> bool:
    """Whether ``text`` is a JSON object with a ``name`` and one of GitHub's template keys."""
    try:
        value = json.loads(text)
    except ValueError:
        return False
    return isinstance(value, dict) and "name" in value and not _TEMPLATE_KEYS.isdisjoint(value)
