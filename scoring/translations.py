"""Whether a file holds a user interface's translated strings, by the locale its path names.

A translation is written in whatever the framework reads: Laravel's ``lang/it/validation.php``
and CodeIgniter's ``language/english/form_lang.php`` are PHP arrays, a React app's
``src/locales/pt-BR.ts`` a TypeScript object, Django's ``locale/de/LC_MESSAGES/django.po`` a
catalogue, an Android app's ``res/values-de/strings.xml`` a resource file. Linguist types the
first three as code; what they hold is text shown to users, which a change adds or rewords
without changing what the program does.
"""

from __future__ import annotations

import functools
import locale
import re

__all__ = ["is_translation"]

# The folders frameworks keep translations in (Laravel's lang/, Rails' and i18next's locales/,
# Angular's and Flutter's i18n/ and l10n/, Symfony's translations/).
_TRANSLATION_FOLDERS = frozenset(
    {"lang", "langs", "language", "languages", "locale", "locales", "localization",
     "localizations", "localisation", "l10n", "i18n", "translation", "translations"}
)  # fmt: skip
# A "languages" folder may hold programming languages' files (a highlighter's
# ``src/languages/ml.js`` is OCaml's grammar, not Malayalam's strings): in these a locale is a
# folder of translations only, never a file's name.
_AMBIGUOUS_FOLDERS = frozenset({"lang", "langs", "language", "languages"})
# Names the C library's aliases give to no language of people: the C and POSIX locales and
# encodings (``iso-8859-1``).
_NO_LANGUAGE = frozenset({"c", "posix", "univ", "universal", "cextend", "iso", "the"})
_PARTS = re.compile(r"[_.@-]")
# A locale's parts after its language: a script (Hans, Latn), a region (BR, 419).
_SUBTAG = re.compile(r"[a-z]{2,4}|[0-9]{3}")


@functools.cache
def _languages() -> frozenset[str]:
    """The languages the C library's locale aliases name (``locale.locale_alias``, kept with
    Python): ISO codes (``it``, ``pt``, ``zh``, ``fil``) and the English and native names old
    frameworks use as folders (``english``, ``deutsch``)."""
    heads = (_PARTS.split(alias)[0] for alias in locale.locale_alias)
    return frozenset(h for h in heads if h.isalpha()) - _NO_LANGUAGE


def _is_locale(name: str) -> bool:
    """Whether ``name`` (a folder, or a file's name without its extension) names a locale:
    ``it``, ``pt_BR``, ``pt-BR``, ``zh-Hans``, ``es-419``, ``english``."""
    parts = name.lower().replace("-", "_").split("_")
    return parts[0] in _languages() and all(_SUBTAG.fullmatch(p) for p in parts[1:])


# Android's localized resources: ``res/values-<language>[-r<REGION>]/`` (``values-de``,
# ``values-pt-rBR``); its other qualifiers (``values-night``, ``values-v21``,
# ``values-sw600dp``) name no locale.
_ANDROID_VALUES = "values-"


def is_translation(path: str) -> bool:
    """Whether ``path`` is a translation: a file in a locale's folder of a translations folder
    (``resources/lang/it/validation.php``), named for a locale in one but a "languages"
    folder (``src/locales/pt-BR.ts``), or in an Android resource folder of a locale
    (``res/values-de/strings.xml``)."""
    parts = path.split("/")
    last = len(parts) - 1
    if (
        last >= 2
        and parts[last - 2] == "res"
        and parts[last - 1].startswith(_ANDROID_VALUES)
        and _is_locale(parts[last - 1][len(_ANDROID_VALUES) :])
    ):
        return True
    for i, part in enumerate(parts[:-1]):
        folder = part.lower()
        if folder not in _TRANSLATION_FOLDERS:
            continue
        if i + 1 < last:
            if _is_locale(parts[i + 1]):
                return True
        elif folder not in _AMBIGUOUS_FOLDERS and _is_locale(parts[last].split(".", 1)[0]):
            return True
    return False
