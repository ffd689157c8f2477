"""What a Gradle build script declares: its dependency and plugin blocks and version lines."""

from __future__ import annotations

from data.sources.local_git.gradle_scripts import gradle_script
from data.sources.local_git.manifests import declarations

_BUILD = """plugins {
    id 'java-library'
    id 'com.diffplug.spotless' version '6.25.0'
}

// Shared by every module.
ext.junitVersion = '5.10.0'
version = '5.11.0'

repositories {
    mavenCentral() // the central repository: https://repo.maven.apache.org
}

dependencies {
    api 'net.bytebuddy:byte-buddy:1.14.9'
    testImplementation "org.junit.jupiter:junit-jupiter:${junitVersion}"
}

tasks.withType(Test) {
    jvmArgs '-XX:+UseParallelGC'
}

javadoc {
    options.title = 'Mockito'
}
"""


def test_a_build_scripts_tasks_javadoc_and_own_version_are_no_declaration() -> None:
    """A task's JVM options, the Javadoc title, a comment and the project's own version (a
    release's bump, as in a pom) declare nothing, as mockito's spotless and Flight Recorder
    edits of its build.gradle did."""
    edited = (
        _BUILD.replace("-XX:+UseParallelGC", "-XX:+UseG1GC")
        .replace("'Mockito'", "'Mockito 5'")
        .replace("// Shared by every module.", "// Shared by all modules.")
        .replace("version = '5.11.0'", "version = '5.12.0'")
    )
    assert gradle_script(_BUILD) == gradle_script(edited)
    assert declarations("build.gradle", _BUILD) == declarations("build.gradle", edited)
    assert declarations("core/build.gradle.kts", _BUILD) is not None


def test_a_dependency_a_plugin_a_repository_or_a_version_line_is_a_declaration() -> None:
    """A dependency's version, a new plugin, a new repository and a version named outside the
    blocks (``ext.junitVersion``) each change what the build script declares."""
    for edited in (
        _BUILD.replace("byte-buddy:1.14.9", "byte-buddy:1.15.0"),
        _BUILD.replace("id 'java-library'", "id 'java-library'\n    id 'maven-publish'"),
        _BUILD.replace("mavenCentral()", "mavenCentral()\n    google()"),
        _BUILD.replace("ext.junitVersion = '5.10.0'", "ext.junitVersion = '5.11.0'"),
    ):
        assert gradle_script(_BUILD) != gradle_script(edited)


def test_a_test_configurations_dependency_is_no_declaration() -> None:
    """A dependency on the tests' classpath alone (``testImplementation``, Android's
    ``androidTestImplementation``, a statement continued over lines) is no declaration, as a
    Maven dependency of ``test`` scope is not (Netflix/zuul's move to JUnit 5 was high); the
    module's own dependencies still are."""
    build = _BUILD.replace(
        '    testImplementation "org.junit.jupiter:junit-jupiter:${junitVersion}"',
        "    testImplementation libraries.junit,\n            libraries.mockito\n"
        "    androidTestImplementation(libs.espresso)",
    )
    edited = (
        build.replace(
            "testImplementation libraries.junit,", "testImplementation libraries.jupiterApi,"
        )
        .replace("libraries.mockito", "libraries.mockitoJupiter")
        .replace("espresso", "espresso3")
    )
    assert gradle_script(build) == gradle_script(edited)
    assert gradle_script(build) != gradle_script(
        build.replace("api 'net.bytebuddy:byte-buddy:1.14.9'", "api 'net.bytebuddy:byte-buddy:2'")
    )
    assert gradle_script(build) != gradle_script(
        build.replace("    testImplementation libraries.junit,", "    implementation libs.netty,")
    )
