"""What a Dart or Flutter package's ``pubspec.yaml`` declares, for
``data.sources.local_git.manifests``: its description, its own version, where it is published
and its ``dev_dependencies`` left out (https://dart.dev/tools/pub/pubspec)."""

from __future__ import annotations

import yaml

__all__ = ["pubspec"]

# Keys that describe the package to pub.dev or configure its development: ``pub get`` in a
# package that depends on it never resolves a ``dev_dependencies`` entry, and a release's bump
# of ``version`` installs nothing new. ``dependencies``, ``dependency_overrides``,
# ``environment`` (the SDKs it needs), ``executables`` and ``flutter`` (its assets) stay.
_PUBSPEC_METADATA = frozenset(
    {"version", "description", "homepage", "repository", "issue_tracker", "documentation",
     "topics", "funding", "screenshots", "false_secrets", "publish_to", "author", "authors",
     "ignored_advisories", "dev_dependencies"}
)  # fmt: skip


def pubspec(text: str) -> object:
    """The declarations of a pubspec's ``text``; ``ValueError`` for text that is no YAML
    mapping."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ValueError(f"pubspec.yaml does not parse: {error}") from error
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise ValueError("pubspec.yaml is no mapping")
    return {k: v for k, v in document.items() if k not in _PUBSPEC_METADATA}
