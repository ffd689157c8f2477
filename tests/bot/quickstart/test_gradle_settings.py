"""What a Gradle settings file names: modules, builds included whole, the root project."""

from __future__ import annotations

from bot.quickstart import gradle_settings

_SETTINGS = """pluginManagement {
    includeBuild("./plugin")
    // includeBuild("old-plugin")
}
rootProject.name = "ktlint-gradle-samples"
include(
    ":samples:kotlin-gradle",
    ":samples:kotlin-js",
)
include ':app', ':core'
/* include(":gone") */
"""


def test_settings_name_their_modules_included_builds_and_root_project() -> None:
    """``include`` calls over lines and in Groovy's form are modules, ``includeBuild`` folders
    are builds included whole, ``rootProject.name`` the name; commented-out calls are none."""
    assert gradle_settings.modules(_SETTINGS) == [
        "samples/kotlin-gradle",
        "samples/kotlin-js",
        "app",
        "core",
    ]
    assert gradle_settings.included_builds(_SETTINGS) == ["plugin"]
    assert gradle_settings.root_project_name(_SETTINGS) == "ktlint-gradle-samples"
    assert gradle_settings.root_project_name("include(':a')\n") is None
