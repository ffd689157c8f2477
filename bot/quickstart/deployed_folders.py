"""Which top folders a build leaves out still ship: deployment infrastructure (an ``infra/`` of
Bicep or Terraform beside a .NET solution) and the folders a clone builds container images from,
each holding a Dockerfile (or a Containerfile) whose folder is the image's build context."""

from __future__ import annotations

from collections.abc import Iterable

from scoring.linguist import language_of
from scoring.paths import path_kinds

__all__ = ["deployed_tops", "image_contexts"]


def image_contexts(files: Iterable[str]) -> frozenset[str]:
    """The folders of ``files`` (never the root, which is the clone's own) holding a Dockerfile
    by Linguist's names (``Dockerfile``, ``Containerfile``, ``*.dockerfile``) or Docker's
    convention for a second one (``Dockerfile.dev``)."""
    return frozenset(
        f.rpartition("/")[0] for f in files if "/" in f and language_of(f) == "Dockerfile"
    )


def _in_image_context(path: str, contexts: frozenset[str]) -> bool:
    """Whether ``path`` lies in an image's build context: a folder above it holds a
    Dockerfile (``images/base-notebook/start.sh`` beside ``images/base-notebook/Dockerfile``)."""
    folder = path.rpartition("/")[0]
    while folder:
        if folder in contexts:
            return True
        folder = folder.rpartition("/")[0]
    return False


def deployed_tops(left: list[str], contexts: frozenset[str]) -> set[str]:
    """The top folders whose code the build leaves out (``left``) is all deployment
    infrastructure (``PathKinds.ships``) or lies in container images' build contexts
    (``contexts``: jupyter/docker-stacks' ``images/<name>/``, each a Dockerfile and the scripts
    it copies in): what deploys the build's modules, or is built into an image that runs,
    changes what runs, as no helper the build left out does."""
    deploys: dict[str, bool] = {}
    for f in left:
        top = f.split("/", 1)[0]
        kinds = path_kinds(f)
        deploys[top] = deploys.get(top, True) and (
            (kinds.infra and kinds.ships) or _in_image_context(f, contexts)
        )
    return {top for top, only in deploys.items() if only}
