"""A clone that builds one service: the code its build leaves out is that service's.

A build names the folder its module's code is in (a Python package's ``h5py/``, a crate's
``src/``), which leaves the code that builds, releases and checks it beside that folder in
no service: a Python package's build helpers at the root (``setup_build.py``,
``setup_configure.py``), its wheel-building scripts (``ci/*.sh``, ``ci/*.py``), the C sources
of a filter it compiles in (``lzf/``). In a monorepo such code stays in none, since no one
service owns it; in a clone of one service there is no one else whose it could be, and a
change of it changes how that one service is built and shipped (h5py's took 54 of its year's
175 changes of code in no service).

So when the layout holds exactly one service, each top-level folder (and each file at the
root) holding hand-written code it leaves out joins it, less the docs, examples, tests,
benchmarks and websites, which are never a service's.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.quickstart.folder_exclusions import excluded
from bot.quickstart.root_code import SETTINGS_NAME
from bot.quickstart.service_names import NEVER_IN_SERVICE, is_aside_name, is_test_module
from bot.quickstart.version_folders import KeyedGlobs
from data.path_globs import in_globs
from scoring.linguist import language_of

__all__ = ["with_the_rest"]

# ``bench/`` holds benchmarks as ``benches/`` and ``benchmarks/`` do (fmt's, Go's).
_ASIDE = NEVER_IN_SERVICE | {"bench"}


def _set_aside(path: str) -> bool:
    """Whether a folder on ``path`` is never in a service (docs, examples, tests, benchmarks),
    or ``path`` is a file at the root that is a tool's settings (``webpack.config.js``) or of
    no language Linguist knows (a file standing where a folder was)."""
    folders = path.split("/")[:-1]
    if not folders:
        return SETTINGS_NAME.search(path) is not None or language_of(path) is None
    return any(f.lower() in _ASIDE or is_test_module(f) or is_aside_name(f) for f in folders)


def with_the_rest(
    services: Sequence[KeyedGlobs],
    code: Sequence[str],
    files: list[str],
    history: Sequence[str] = (),
) -> list[KeyedGlobs]:
    """``services``, the only one of them, if there is one, with each top-level folder and root
    file of ``code`` (the clone's hand-written code) that no glob of it holds, the folders'
    docs, examples and tests taken out as any service's are (``excluded``)."""
    if len(services) != 1:
        return list(services)
    key, globs, out = services[0]
    held = (*globs, *out)
    # What the service's own ``!`` globs take out (a whole clone's dot folders) stays out.
    left = [
        c for c in code
        if not _set_aside(c) and not in_globs(held, c) and in_globs(("**", *out), c)
    ]  # fmt: skip
    if not left:
        return list(services)
    more = list(dict.fromkeys(c.split("/", 1)[0] + "/**" if "/" in c else c for c in left))
    taken_out = [g for glob in more for g in excluded(glob, files, history)]
    return [(key, (*globs, *more), tuple(dict.fromkeys([*out, *taken_out])))]
