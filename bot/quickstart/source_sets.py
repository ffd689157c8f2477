"""The source sets of a JVM build of one module beside its ``src/main``.

Gradle and Maven lay a module's code out in source sets, ``src/<set>/<language>/``: ``main`` is
the one every build has, and a build may add more that ship with it, such as the client side a
Minecraft mod's Fabric Loom splits off (``src/client/java`` beside ``src/main/java``:
FabricMC/fabric-example-mod's client mixin sat in no service). A set named for tests,
benchmarks or examples (``test``, ``integrationTest``, ``testFixtures``, ``jmh``) ships nothing
and is left out, as is a folder of ``src/`` that is no source set (``src/site``, ``src/docs``).
"""

from __future__ import annotations

from bot.quickstart.service_names import is_service_name, is_test_module

__all__ = ["other_source_sets"]

# The folders of a source set's code, one per JVM language a build compiles.
_LANGUAGES = frozenset({"java", "kotlin", "groovy", "scala"})


def other_source_sets(files: list[str]) -> tuple[str, ...]:
    """The globs of the source sets in ``src/`` other than ``main`` that ship with it, for a
    module whose code is ``src/main``."""
    sets = {
        parts[1]
        for f in files
        if (parts := f.split("/", 3))[0] == "src"
        and len(parts) == 4
        and parts[2] in _LANGUAGES
        and parts[1] != "main"
    }
    return tuple(
        f"src/{s}/**" for s in sorted(sets) if is_service_name(s) and not is_test_module(s)
    )
