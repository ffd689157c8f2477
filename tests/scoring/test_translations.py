"""Tests for scoring.translations: a user interface's translated strings, by the locale named."""

from __future__ import annotations

import pytest

from scoring.paths import path_kinds
from scoring.translations import is_translation


@pytest.mark.parametrize(
    "path",
    [
        "application/language/it/validation.php",
        "resources/lang/en/auth.php",
        "lang/pt_BR/validation.php",
        "application/language/english/form_validation_lang.php",
        "locale/de/LC_MESSAGES/django.po",
        "src/locales/zh-Hans.ts",
        "src/locales/es-419.ts",
        "src/i18n/de.js",
    ],
)
def test_a_locales_file_in_a_translations_folder_is_a_translation(path: str) -> None:
    """A file in a locale's folder of a translations folder, or named for a locale in one, is a
    translation, and no code (laravel/laravel's "added italian language" was high)."""
    assert is_translation(path)
    kinds = path_kinds(path)
    assert not kinds.code
    assert not kinds.sensitive


@pytest.mark.parametrize(
    "path",
    [
        "src/lang/c/parser.c",
        "django/utils/translation/trans_real.py",
        "language/tags.go",
        "src/i18n/index.ts",
        "app/i18n/config.ts",
        "src/languages/ml.js",
        "lib/l10n/app_localizations_it.dart",
    ],
)
def test_code_beside_translations_is_no_translation(path: str) -> None:
    """The machinery of translating (``i18n/index.ts``), a programming language's folder
    (the C locale's name is no language), and a highlighter's grammar named like a language
    code in a "languages" folder (``ml.js``) stay code."""
    assert not is_translation(path)
    assert path_kinds(path).code


@pytest.mark.parametrize(
    ("path", "translation"),
    [
        ("core/src/main/res/values-de/strings.xml", True),
        ("app/src/main/res/values-pt-rBR/strings.xml", True),
        ("app/src/main/res/values-cs-rCZ/plurals.xml", True),
        # The default strings and resources of another qualifier name no locale.
        ("app/src/main/res/values/strings.xml", False),
        ("app/src/main/res/values-night/colors.xml", False),
        ("app/src/main/res/values-v21/styles.xml", False),
        ("app/src/main/res/values-sw600dp/dimens.xml", False),
        ("app/src/main/res/values-land/dimens.xml", False),
        ("app/src/main/res/values-ldrtl/dimens.xml", False),
        # Only under a resource folder: a folder merely named so is no Android resource.
        ("config/values-de/strings.xml", False),
    ],
)
def test_an_android_resource_folder_of_a_locale_holds_translations(
    path: str, translation: bool
) -> None:
    """Android keeps each language's strings in ``res/values-<language>[-r<REGION>]/``
    (AntennaPod's translators' ``values-de/strings.xml``, sized as project files, made a
    release's version bump high); ``values-night`` and the other qualifiers are no locale."""
    assert is_translation(path) is translation
