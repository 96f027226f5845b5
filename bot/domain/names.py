"""A master's or a service's name in the languages of the salon's clients.

The plain ``name`` is the one the salon uses (its admins, the CSV import, ``/book``); ``names``
holds translations by language (``{"en": "Haircut", "es": "Corte"}``) that clients reading that
language see instead. A language without a translation falls back to the plain name.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.domain.locales import SUPPORTED_LOCALES
from bot.errors import InvalidInputError

MAX_NAME = 200


def localized_name(name: str, names: Mapping[str, str] | None, locale: str | None) -> str:
    """The name a reader of ``locale`` sees: its translation, else the plain name."""
    if names and locale:
        return names.get(locale) or name
    return name


def merged_names(
    current: Mapping[str, str] | None, changes: Mapping[str, str | None]
) -> dict[str, str] | None:
    """``current`` with ``changes`` applied: a text sets a language's name, an empty one or
    ``None`` removes it. Refuses an unknown language or a name that cannot be stored."""
    names = dict(current or {})
    for locale, raw in changes.items():
        if locale not in SUPPORTED_LOCALES:
            raise InvalidInputError(
                f"unsupported language {locale!r}; expected one of {', '.join(SUPPORTED_LOCALES)}",
                field="names",
                code="locale",
                params={"text": locale, "names": ", ".join(SUPPORTED_LOCALES)},
            )
        clean = " ".join((raw or "").split())
        if not clean:
            names.pop(locale, None)
            continue
        if len(clean) > MAX_NAME or "\x00" in clean or not _encodable(clean):
            raise InvalidInputError(
                f"the {locale} name is longer than {MAX_NAME} characters or cannot be stored",
                field="names",
                code="name_translation",
                params={"locale": locale, "high": MAX_NAME},
            )
        names[locale] = clean
    return names or None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True
