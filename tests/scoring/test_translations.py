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
