"""The admin message catalogue: every key in every language, the same placeholders, every plural
form, the Plural-Forms of each language, no English left in ru/es/tr, and files in the form
``pybabel update`` writes (so `make catalogue` on a clean tree changes nothing)."""

from __future__ import annotations

import re
import string
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from bot.admin import catalogue
from bot.admin.texts import AdminTexts
from bot.domain.locales import SUPPORTED_LOCALES

TRANSLATED = [locale for locale in SUPPORTED_LOCALES if locale != catalogue.SOURCE_LOCALE]
#: the plural forms of each language, as CLDR (through Babel) has them
PLURAL_FORMS = {
    "en": "nplurals=2; plural=(n != 1);",
    "ru": (
        "nplurals=3; plural=n % 10 == 1 && n % 100 != 11 ? 0 : n % 10 >= 2 && n % 10 <= 4 "
        "&& (n % 100 < 12 || n % 100 > 14) ? 1 : 2;"
    ),
    "es": "nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2);",
    "tr": "nplurals=2; plural=(n != 1);",
}
#: English words that give away an untranslated text (checked as whole words)
ENGLISH = (
    "with", "reason", "appointment", "appointments", "forgiven", "strike", "strikes", "client",
    "clients", "by", "the", "not", "delivered", "answer", "message", "no-show", "cancelled",
    "late", "and", "of", "for", "from", "our", "was", "could", "please", "booked", "days",
)  # fmt: skip
#: words a translation may share with English: names, commands, columns of the CSV format
SHARED = {
    "ShowUp", "Telegram", "WhatsApp", "showup", "inbox-queue", "retry", "link", "id",
    "external_id", "duration_minutes", "status", "YYYY-AA-GG", "HH", "MM", "Instagram",
    "chat", "salon",  # the same word in Spanish and Turkish
    "remove", "force",  # words an admin types after a command: /off remove 3, /book … force
}  # fmt: skip


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _messages(locale: str) -> dict[str, str | tuple[str, ...]]:
    found: dict[str, str | tuple[str, ...]] = {}
    for message in catalogue.load(locale).messages:
        if not message.id:
            continue
        key = str(message.id[0]) if isinstance(message.id, (tuple, list)) else message.id
        text = message.string
        found[key] = tuple(text) if isinstance(text, (tuple, list)) else str(text or "")
    return found


ENGLISH_TEXTS = _messages("en")


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_key_in_every_language_translated(locale: str) -> None:
    found = catalogue.load(locale)
    assert found.keys == catalogue.load("en").keys, "plain texts differ from English"
    assert found.plural_keys == catalogue.load("en").plural_keys, "counts differ from English"
    assert not [m.id for m in found.messages if m.id and m.fuzzy], "fuzzy entries are not shown"
    assert not found.messages.obsolete, "obsolete entries (#~) left in the file"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_plural_forms_of_each_language(locale: str) -> None:
    found = catalogue.load(locale).messages
    assert found.plural_forms == PLURAL_FORMS[locale]
    for key, text in _messages(locale).items():
        if isinstance(ENGLISH_TEXTS[key], tuple):
            assert isinstance(text, tuple), f"{key} in {locale} is not a plural entry"
            assert len(text) == found.num_plurals, f"{key} in {locale}: {len(text)} forms"
            assert all(text), f"{key} in {locale} lacks a form"
        else:
            assert isinstance(text, str), f"{key} in {locale} should not be a plural entry"


@pytest.mark.parametrize("locale", TRANSLATED)
def test_the_same_placeholders_as_english(locale: str) -> None:
    for key, text in _messages(locale).items():
        english = ENGLISH_TEXTS[key]
        if isinstance(english, str):
            assert isinstance(text, str)
            assert _fields(text) == _fields(english), f"{key} in {locale}"
            continue
        wanted = _fields(english[-1]) - {"n"}
        for form in text:  # a form for exactly one may say "a day" instead of "{n} days"
            assert _fields(form) - {"n"} == wanted, f"{key} in {locale}: {form!r}"
        assert "n" in _fields(text[-1]), f"{key} in {locale} never shows the count"


def test_counts_take_the_right_form() -> None:
    ru, es, en, tr = (AdminTexts(locale) for locale in ("ru", "es", "en", "tr"))
    assert [ru.plural("report.strikes", n) for n in (1, 2, 5, 11, 21, 22, 0)] == [
        "1 нарушение",
        "2 нарушения",
        "5 нарушений",
        "11 нарушений",
        "21 нарушение",
        "22 нарушения",
        "0 нарушений",
    ]
    assert ru.plural("report.strikes", 0.5) == "0,5 нарушения"
    assert ru.plural("report.strikes", 1.5) == "1,5 нарушения"
    assert en.plural("report.strikes", 0.5) == "0.5 strikes"
    assert [en.plural("report.strikes", n) for n in (1, 2, 0)] == [
        "1 strike",
        "2 strikes",
        "0 strikes",
    ]
    assert [es.plural("report.strikes", n) for n in (1, 2)] == ["1 falta", "2 faltas"]
    assert es.plural("report.strikes", 1_000_000) == "1.000.000 de faltas"
    assert tr.plural("report.strikes", 3) == "3 ihlal"
    assert en.plural("report.period", 1) == "No-shows in the last day"
    assert ru.plural("report.period", 21) == "Неявки за 21 день"


@pytest.mark.parametrize("locale", TRANSLATED)
def test_no_english_left(locale: str) -> None:
    """Every text of ru/es/tr, every form, rendered: no English word from the list, and no
    word of four letters or more shared with the English text unless it is a name."""
    for key, text in _messages(locale).items():
        english = ENGLISH_TEXTS[key]
        forms = text if isinstance(text, tuple) else (text,)
        english_words = _words(" ".join(english if isinstance(english, tuple) else (english,)))
        for form in forms:
            words = _words(form)
            assert not words & set(ENGLISH), f"{key} in {locale}: {form!r}"
            shared = {w for w in words & english_words if len(w) >= 4} - SHARED
            assert not shared, f"{key} in {locale} keeps English {shared}: {form!r}"


def _words(text: str) -> set[str]:
    """The words a reader reads: without placeholders, commands (/book) and `code`."""
    text = re.sub(r"\{[^}]*\}|/\w+|`[^`]*`|<[^>]*>|\+\d+", " ", text)
    return set(re.findall(r"[A-Za-z][A-Za-z_'-]*", text)) - {"s"}


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_files_are_as_pybabel_writes_them(locale: str) -> None:
    path = catalogue.po_path(locale)
    with path.open("rb") as file:
        messages = read_po(file, locale=locale, domain=catalogue.DOMAIN)
    rewritten = BytesIO()
    write_po(rewritten, messages, width=76)
    assert _unversioned(rewritten.getvalue().decode()) == _unversioned(
        path.read_text(encoding="utf-8")
    )


def _unversioned(text: str) -> str:
    """Without the header line naming the Babel version that last wrote the file."""
    return re.sub(r'"Generated-By: Babel [^"]*"\n', "", text)


def test_an_unknown_key_is_an_error_and_an_unknown_language_is_english() -> None:
    with pytest.raises(KeyError):
        AdminTexts("ru")("no.such.key")
    with pytest.raises(KeyError):
        AdminTexts("ru").plural("board.empty", 2)  # not a count
    assert AdminTexts("xx")("board.empty") == "Nothing booked."


@pytest.mark.parametrize("locale", TRANSLATED)
def test_no_gender_guesses(locale: str) -> None:
    """ "Заблокирован(а)", "bloqueado/a" read as mistakes: word it so the sex does not matter."""
    for key, text in _messages(locale).items():
        for form in text if isinstance(text, tuple) else (text,):
            assert not re.search(r"\((а|ла|ей|ая)\)|\w/as?\b", form), (
                f"{key} in {locale}: {form!r}"
            )


#: Russian pronouns that would take the client for a man ("ему сказали", "сообщите ему")
PRONOUNS = re.compile(r"(?<![а-яё])(он|ему|его|него|нему|ним|нём)(?![а-яё])", re.IGNORECASE)
#: texts where such a word stands for a thing: the phone number, the undelivered answer
NOT_THE_CLIENT = {"error.phone": "его", "note.answer_undelivered": "он"}


def test_russian_texts_take_the_client_for_no_man_or_woman() -> None:
    """The client is "клиент" or their name, never "он"; the buttons under "Клиент пришёл?"
    are no past tense that would need the client's gender ("Пришёл")."""
    for key, text in _messages("ru").items():
        for form in text if isinstance(text, tuple) else (text,):
            found = {word.lower() for word in PRONOUNS.findall(form)}
            assert found <= {NOT_THE_CLIENT.get(key)}, f"{key}: {form!r}"
    t = AdminTexts("ru")
    assert t("move.declined", name="Анна", id=7) == (
        "Отклонено: запись #7 (Анна) остаётся прежней; клиенту сообщат, что вы напишете о "
        "другом времени."
    )
    for key in ("prompt.arrived", "prompt.noshow"):
        assert not re.search(r"(ёл|ел|ил|ал|ла)$", t(key)), t(key)


def test_every_error_code_is_worded() -> None:
    """A refusal raised with ``code="…"`` anywhere in ShowUp reads in the admins' language."""
    root = Path(catalogue.__file__).parents[1]
    codes = {
        code
        for path in root.rglob("*.py")
        for code in re.findall(r'\bcode="(\w+)"', path.read_text(encoding="utf-8"))
    }
    assert len(codes) > 30
    missing = sorted(code for code in codes if not AdminTexts("en").has(f"error.{code}"))
    assert not missing, missing
