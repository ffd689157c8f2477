"""Public repositories of many shapes, each quickstarted and checked against git by machine.

    python -m bench.repos --root DIR [--half written|held-out|all] [--only NAME] [--jobs N]
        [--json] [--markdown FILE] [--new-only]

The repositories are listed in ``bench/repos/list.toml`` (names and the shapes
they stand for, never their contents). The suite never downloads: fetch or
clone each repository first, then point ``--root`` at the folder holding them.
A repository ``owner/name`` is found as ``DIR/name``, ``DIR/owner+name/repo``
(a bare mirror) or ``DIR/owner+name``. ``python -m bench.repos.clone --mirror
MIRRORS --dest DIR`` makes work trees from a folder of bare mirrors
(``owner+name/repo``)::

    git clone https://github.com/pallets/flask CLONES/flask    # or a mirror
    python -m bench.repos --root CLONES --jobs 2

For each repository, in a scratch folder of its own: a local copy of the clone
(its ``origin`` naming GitHub), ``riskbrief quickstart`` on it as a new user
runs it, then the invariants of ``bench.repos.invariants`` over what the store
holds and what git says, and the whole-history backtest. apache/zookeeper is
held out of every fit, test and measurement and is refused.

The list has two halves: the one rules are written against (``--half written``, the
default) and a held-out one (``held_out = true`` in the list, ``--half held-out``) measured
before a round's rules and after them, never in between.
"""

from __future__ import annotations

__all__: list[str] = []
