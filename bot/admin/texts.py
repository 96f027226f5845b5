"""What admins read, in the salon's language (``SHOWUP_LOCALE``): the board, the commands'
answers and refusals, the forwarded inbox, the arrival prompts. The texts are in the message
catalogue (``bot/admin/locale/<lang>/LC_MESSAGES/admin.po``); a ledger error with a ``code`` is
worded there (``error.<code>``), one without keeps its English wording."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, format_percent

from bot.admin import catalogue
from bot.domain.locales import SUPPORTED_LOCALES

#: the admin commands, in the order of the help and the messenger's command menu
MENU = (
    "today",
    "tomorrow",
    "day",
    "noshows",
    "client",
    "arrived",
    "noshow",
    "cancel",
    "book",
    "strikes",
    "forgive",
    "block",
    "unblock",
    "hours",
    "off",
    "slots",
    "waitlist",
    "help",
)


class AdminTexts:
    """The admin texts of one language (English for an unknown one), from the message
    catalogue (``bot/admin/catalogue.py``)."""

    def __init__(self, locale: str = "en") -> None:
        self.locale = locale if locale in SUPPORTED_LOCALES else "en"

    def __call__(self, key: str, /, **values: object) -> str:
        return catalogue.text(self.locale, key, **values)

    def plural(self, key: str, n: catalogue.Number, /, **values: object) -> str:
        """The form of ``key`` for the count ``n`` (``{n}`` written in this language)."""
        return catalogue.plural(self.locale, key, n, **values)

    def has(self, key: str) -> bool:
        return catalogue.has(self.locale, key)

    def label(self, label: str) -> str:
        """A board label ("awaiting answer"…) in this language."""
        key = f"label.{label}"
        return self(key) if self.has(key) else label

    def count(self, label: str, n: int) -> str:
        """A board label with its count: "2 no-shows", "5 неявок"."""
        return self.plural(f"count.{label}", n)

    def percent(self, share: float) -> str:
        """``0.2`` → "20%", "20 %", "%20"…"""
        return format_percent(share, locale=self.locale)

    def number(self, value: catalogue.Number) -> str:
        """``0.5`` → "0.5", "0,5"…"""
        return format_decimal(value, locale=self.locale)

    def channel(self, name: str) -> str:
        """A messenger's name as people write it: "Telegram", "WhatsApp"."""
        key = f"channel.{name}"
        return self(key) if self.has(key) else name

    def language(self, code: str) -> str:
        """A language's name in this language: "русский", "Russian"."""
        try:
            return Locale.parse(code).get_display_name(self.locale) or code
        except (ValueError, UnknownLocaleError):
            return code

    def note(self, extra: tuple[str, str]) -> str:
        """A board annotation: ``("deposit", "9.00 EUR")`` → "💰 deposit €9.00"."""
        kind, value = extra
        if kind == "discount":
            return f"🎁 -{value}"
        if kind in ("proposed", "chosen"):  # an ISO time in the salon's zone
            value = self.moment(datetime.fromisoformat(value))
        if kind == "deposit":  # "9.00 RUB" → "9,00 ₽" in the reader's language
            amount, currency = value.split(" ", 1)
            value = format_currency(Decimal(amount), currency, locale=self.locale)
        return self(f"extra.{kind}", amount=value)

    def moment(self, value: datetime) -> str:
        """``Tue 24.11 15:00``, ``вт 24.11 15:00``… (already in the salon's zone)."""
        if self.locale == "en":
            return f"{value:%a %d.%m %H:%M}"
        return format_datetime(value, format="EEE dd.MM HH:mm", locale=self.locale)

    def day(self, value: date) -> str:
        """``Mon 23 Nov 2026``, ``пн 23 нояб. 2026``…"""
        if self.locale == "en":
            return f"{value:%a %d %b %Y}"
        return format_date(value, format="EEE d MMM y", locale=self.locale)

    @property
    def help(self) -> str:
        return self("help")

    @property
    def menu(self) -> list[tuple[str, str]]:
        """(command, description) for the messenger's command menu."""
        return [(command, self(f"menu.{command}")) for command in MENU]
