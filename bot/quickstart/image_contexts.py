"""The folders a clone builds container images from: each holds a Dockerfile (or a
Containerfile), and what lies under it is the image's build context, which the image ships."""

from __future__ import annotations

from collections.abc import Iterable

from scoring.linguist import language_of

__all__ = ["image_contexts", "in_image_context"]


def image_contexts(files: Iterable[str]) -> frozenset[str]:
    """The folders of ``files`` (never the root, which is the clone's own) holding a Dockerfile
    by Linguist's names (``Dockerfile``, ``Containerfile``, ``*.dockerfile``) or Docker's
    convention for a second one (``Dockerfile.dev``)."""
    return frozenset(
        f.rpartition("/")[0] for f in files if "/" in f and language_of(f) == "Dockerfile"
    )


def in_image_context(path: str, contexts: frozenset[str]) -> bool:
    """Whether ``path`` lies in an image's build context: a folder above it holds a
    Dockerfile (``images/base-notebook/start.sh`` beside ``images/base-notebook/Dockerfile``)."""
    folder = path.rpartition("/")[0]
    while folder:
        if folder in contexts:
            return True
        folder = folder.rpartition("/")[0]
    return False
