"""A JVM module's source sets beside ``src/main`` that ship with it."""

from __future__ import annotations

from bot.quickstart.source_sets import other_source_sets


def test_a_source_set_that_ships_is_the_modules_and_one_of_tests_is_not() -> None:
    """Fabric Loom's ``src/client/java`` ships with ``src/main``; the sets named for tests or
    benchmarks, a folder of ``src/`` that is no source set and ``main`` itself add nothing."""
    files = [
        "src/main/java/com/example/ExampleMod.java",
        "src/client/java/com/example/mixin/client/ExampleClientMixin.java",
        "src/client/resources/modid.client.mixins.json",
        "src/server/kotlin/com/example/Server.kt",
        "src/test/java/com/example/ExampleTest.java",
        "src/integrationTest/java/com/example/ItTest.java",
        "src/testFixtures/java/com/example/Fixture.java",
        "src/jmh/java/com/example/Bench.java",
        "src/site/site.xml",
        "src/docs/asciidoc/index.adoc",
        "src/Loose.java",
    ]
    assert other_source_sets(files) == ("src/client/**", "src/server/**")
    assert other_source_sets(["src/main/java/A.java", "README.md"]) == ()
