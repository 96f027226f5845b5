"""The admin texts' message catalogue: one gettext ``.po`` file per language,
``bot/admin/locale/<lang>/LC_MESSAGES/admin.po``, with CLDR plural rules.

A ``msgid`` is a key (``board.count``), its ``msgstr`` the text with ``{name}`` placeholders
(``str.format``). A count has a plural entry (``msgid_plural``, ``msgstr[0..]``) chosen by the
file's ``Plural-Forms`` header: Russian has three forms (1 запись, 2 записи, 5 записей), Spanish
three (1 cita, 1 000 000 de citas, 2 citas), English and Turkish two. A fraction (0.5 strikes)
takes the form of 2, which is the right one in these four languages ("0,5 нарушения").

The files are read with Babel when a language is first used and kept for the process: nothing to
compile, nothing generated in the tree. English is the source language: a key missing in another
language falls back to English, and ``tests/admin/test_catalogue.py`` fails on it.
"""

from __future__ import annotations

import functools
import gettext
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.numbers import format_decimal

from bot.domain.locales import SUPPORTED_LOCALES

DOMAIN = "admin"
LOCALE_DIR = Path(__file__).with_name("locale")
SOURCE_LOCALE = "en"
#: a fractional count is worded like this one (see the module's docstring)
FRACTION_FORM_OF = 2

Number = int | float | Decimal


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The admin texts of one language, as read from its ``.po`` file."""

    locale: str
    messages: Catalog
    translations: gettext.GNUTranslations
    keys: frozenset[str]  # plain texts, translated
    plural_keys: frozenset[str]  # counts, every form translated


def po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def load(locale: str) -> Catalogue:
    """The catalogue of ``locale`` (one of ``SUPPORTED_LOCALES``), read once per process."""
    if locale not in SUPPORTED_LOCALES:
        raise ValueError(f"no admin texts in {locale!r}")
    with po_path(locale).open("rb") as file:
        messages = read_po(file, locale=locale, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, messages)  # fuzzy and untranslated entries are left out, as gettext does
    compiled.seek(0)
    keys: set[str] = set()
    plural_keys: set[str] = set()
    for message in messages:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, (tuple, list)):
            if isinstance(message.string, (tuple, list)) and all(message.string):
                plural_keys.add(str(message.id[0]))
        elif message.string:
            keys.add(str(message.id))
    return Catalogue(
        locale=locale,
        messages=messages,
        translations=gettext.GNUTranslations(compiled),
        keys=frozenset(keys),
        plural_keys=frozenset(plural_keys),
    )


def _catalogue(locale: str, key: str, *, counted: bool) -> Catalogue:
    """The catalogue that has ``key``: the locale's, else English's."""
    for candidate in (locale if locale in SUPPORTED_LOCALES else SOURCE_LOCALE, SOURCE_LOCALE):
        found = load(candidate)
        if key in (found.plural_keys if counted else found.keys):
            return found
    raise KeyError(f"no admin text {key!r}{' with plural forms' if counted else ''}")


def has(locale: str, key: str) -> bool:
    """Is ``key`` a plain text of the catalogue (in this language or in English)?"""
    try:
        _catalogue(locale, key, counted=False)
    except KeyError:
        return False
    return True


def text(locale: str, key: str, /, **params: object) -> str:
    """The text ``key`` in ``locale`` with its placeholders filled in."""
    found = _catalogue(locale, key, counted=False)
    return found.translations.gettext(key).format(**params)


def plural(locale: str, key: str, n: Number, /, **params: object) -> str:
    """The form of ``key`` for the count ``n``; ``{n}`` is ``n`` written in ``locale``."""
    found = _catalogue(locale, key, counted=True)
    whole = int(n) if n == int(n) else FRACTION_FORM_OF
    shown = format_decimal(n, locale=found.locale)
    return found.translations.ngettext(key, key, whole).format(**{"n": shown, **params})


def write_template(path: Path) -> int:
    """Write ``admin.pot``: every key of the English catalogue without its text, for
    ``pybabel update`` to add new keys to every language (``make catalogue``); how many."""
    english = load(SOURCE_LOCALE).messages
    template = Catalog(
        domain=DOMAIN,
        project=english.project,
        version=english.version,
        creation_date=english.creation_date,
        fuzzy=False,
    )
    for message in english:
        if message.id:
            template.add(message.id, auto_comments=message.auto_comments)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        write_po(file, template, width=76)
    return len(template)


if __name__ == "__main__":  # python -m bot.admin.catalogue var/admin.pot
    import sys

    sys.stdout.write(f"{write_template(Path(sys.argv[1]))} keys in {sys.argv[1]}\n")
