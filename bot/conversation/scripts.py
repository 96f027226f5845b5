"""The salon's scripts: ``scripts_templates/<locale>/<script>.yaml``, rendered in a sandbox.

Each file holds a ``text`` (or, for intake, ``steps``) and optional ``buttons``, written as
Jinja2 templates over a fixed set of variables (``SCRIPT_VARIABLES``). Loading compiles and
renders every template of every locale with sample data and with the longest values
(``script_files``); any problem (YAML syntax, template syntax, an unknown variable, any error
while rendering, a template too slow or too long, a missing or over-long button) is reported
with its file and line, and the book refuses to load. In service, values are cut to
``VARIABLE_LIMITS`` and a render is bounded (``sandbox``); a failure is a ``ScriptRenderError``
naming the file and line. A locale without a script falls back to the salon's default locale,
with a warning."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, format_timedelta
from babel.numbers import format_currency, format_decimal, format_percent

from bot.channels.base import Button
from bot.config import Settings
from bot.conversation.render import MessageContext, RenderedMessage
from bot.conversation.sandbox import BoundedEnvironment
from bot.conversation.script_files import (
    INTAKE_STEPS,
    MAX_BUTTON_LABEL,
    RUN_LIMITS,
    SCRIPT_VARIABLES,
    SCRIPTS,
    VARIABLE_LIMITS,
    Piece,
    ScriptFile,
    bounded,
    describe,
    load_file,
    shown_buttons,
)
from bot.domain.locales import SUPPORTED_LOCALES
from bot.domain.policy import Amount, AttendanceRules
from bot.domain.reminders import Script
from bot.errors import ConfigError, InvalidInputError

logger = logging.getLogger(__name__)

__all__ = [  # the scripts' vocabulary, used by the dialog, the templates and the tests
    "INTAKE_STEPS",
    "MAX_BUTTON_LABEL",
    "SCRIPTS",
    "SCRIPT_VARIABLES",
    "VARIABLE_LIMITS",
    "ScriptBook",
    "ScriptError",
    "ScriptRenderError",
    "load_scripts",
    "sample_context",
]

#: how a day is written in each language: "Monday, November 23", "понедельник, 23 ноября"…
DATE_PATTERNS = {
    "en": "EEEE, MMMM d",
    "ru": "d MMMM (EEEE)",
    "es": "EEEE d 'de' MMMM",
    "tr": "d MMMM EEEE",
}


#: the offer's own variables (``reschedule_offer``), for every other script that names them
MOVE_DEFAULTS: dict[str, object] = {
    "slots": "",
    "exact": False,
    "whole_day": False,
    "approval": False,
}


class ScriptError(ConfigError):
    """One or more scripts cannot be used; the message lists each problem with file and line."""


class ScriptRenderError(ScriptError):
    """A script failed while rendering one message (a limit, or an error in the template)."""


#: the scripts that come with ShowUp: a salon's own folder falls back on them for a script
#: added after the folder was copied (``ack_agreed``, the waitlist's)
BUILT_IN = Path(__file__).resolve().parents[2] / "scripts_templates"


def clock(when: datetime, locale: str) -> str:
    """A time as the client's language writes it: 17:00 in Russian, Spanish and Turkish,
    5:00 PM in English (a 12-hour "AM" inside a Russian sentence reads as a mistake)."""
    return format_time(when, format="short", locale=locale)


class ScriptBook:
    """All scripts of all locales, validated; implements the dispatcher's ``Renderer``."""

    def __init__(
        self,
        scripts: dict[tuple[str, str], ScriptFile],
        *,
        default_locale: str,
        late_window: timedelta,
        rules: AttendanceRules | None = None,
        currency: str = "EUR",
    ) -> None:
        self._scripts = scripts
        self._default = default_locale
        self._late_window = late_window
        self._rules = rules or AttendanceRules()
        self._currency = currency
        self._warned: set[tuple[str, str]] = set()

    @classmethod
    def load(
        cls,
        directory: Path,
        *,
        default_locale: str,
        late_window: timedelta,
        rules: AttendanceRules | None = None,
        currency: str = "EUR",
    ) -> ScriptBook:
        """Read, compile and test-render every script; ScriptError lists all problems."""
        environment = BoundedEnvironment()
        problems: list[str] = []
        scripts: dict[tuple[str, str], ScriptFile] = {}
        if not directory.is_dir():
            raise ScriptError(
                f"{directory}: the scripts folder does not exist (SHOWUP_SCRIPTS_DIR)"
            )
        for locale in SUPPORTED_LOCALES:
            for name, buttons in SCRIPTS.items():
                path = directory / locale / f"{name}.yaml"
                if not path.exists():
                    if locale != default_locale:
                        continue
                    own = BUILT_IN / locale / f"{name}.yaml"
                    if directory.resolve() == BUILT_IN or not own.exists():
                        problems.append(f"{path}: missing (the default locale needs every script)")
                        continue
                    # a salon's own folder from before this script existed keeps working
                    logger.warning(
                        "%s is missing: using ShowUp's own %s (copy it there to change it)",
                        path,
                        own,
                    )
                    path = own
                loaded = load_file(environment, path, name, buttons, problems)
                if loaded is not None:
                    scripts[locale, name] = loaded
        if problems:
            raise ScriptError("broken scripts:\n" + "\n".join(problems))
        for (locale, name), script in scripts.items():
            if name == "booking_confirmation" and "agree" not in script.buttons:
                logger.warning(
                    "%s/%s/booking_confirmation.yaml has no 'agree' button: a client who never "
                    "saw the rules does not get them with the first confirmation (see the "
                    "default script)",
                    directory,
                    locale,
                )
        return cls(
            scripts,
            default_locale=default_locale,
            late_window=late_window,
            rules=rules,
            currency=currency,
        )

    def _script(self, name: str, locale: str | None) -> tuple[str, ScriptFile]:
        wanted = locale if locale in SUPPORTED_LOCALES else self._default
        found = self._scripts.get((wanted, name))
        if found is not None:
            return wanted, found
        if (wanted, name) not in self._warned:
            self._warned.add((wanted, name))
            logger.warning("script %s has no %s version; using %s", name, wanted, self._default)
        return self._default, self._scripts[self._default, name]

    def locale_of(self, name: str, locale: str | None) -> str:
        """The locale script ``name`` is actually rendered in (the default when missing)."""
        return self._script(name, locale)[0]

    def variables(self, *, context: MessageContext, locale: str) -> dict[str, object]:
        local = context.starts_at.astimezone(context.zone)
        return {
            "client_name": context.client_name,
            "salon_name": context.salon_name,
            "service": context.service,
            "master": context.staff,
            "date": format_date(
                local, format=DATE_PATTERNS.get(locale, "EEEE d MMMM"), locale=locale
            ),
            "time": clock(local, locale),
            "late_window": self.late_window_text(locale),
            "late": False,
            "excused": False,
            "rescheduled": context.version > 1,
            "rules": context.rules,
            "proposed": (
                self.when_text(context.proposed.astimezone(context.zone), locale)
                if context.proposed is not None
                else None
            ),
            "deposit": (
                format_currency(context.deposit_due, context.currency, locale=locale)
                if context.deposit_due is not None
                else ""
            ),
            "discount": self._stored_amount(context.discount, locale),
            "strikes": "",
            "hold": (
                format_timedelta(context.hold, threshold=2, locale=locale) if context.hold else ""
            ),
            "moving": context.moving,
            **MOVE_DEFAULTS,
            **self.policy_variables(locale),
        }

    def when_text(self, when: datetime | date, locale: str) -> str:
        """A day, or a day and a time, as the scripts write them ("27 ноября (пятница), 17:00",
        "jueves 3 de diciembre, 17:00"): for a time a client proposed."""
        day = format_date(when, format=DATE_PATTERNS.get(locale, "EEEE d MMMM"), locale=locale)
        if not isinstance(when, datetime):
            return day
        return f"{day}, {clock(when, locale)}"

    def slot_label(self, when: datetime, locale: str) -> str:
        """A free time on a button, short ("чт, 3 дек. 18:00", "jue 3 dic 18:00")."""
        day = format_date(when, format="EEE d MMM", locale=locale)
        return f"{day} {clock(when, locale)}"

    def policy_variables(self, locale: str) -> dict[str, object]:
        """The attendance policy's current values, in the client's language."""
        rules = self._rules
        deposit = rules.deposit
        return {
            "late_window": self.late_window_text(locale),
            "late_grace": self.late_grace_text(locale),
            "deposit_after": format_decimal(rules.deposit_at, locale=locale),
            "block_after": format_decimal(rules.block_at, locale=locale),
            "late_cancel_counts": format_decimal(rules.late_cancel_weight, locale=locale),
            "deposit_rule": self.amount_text(deposit, locale),
        }

    def amount_text(self, amount: Amount, locale: str) -> str:
        """A percentage or an amount as the client's language writes it: "%10" in Turkish,
        "10 %" in Spanish, "€15.00" or "15,00 €" in the salon's currency."""
        if amount.percent:
            return format_percent(amount.value / 100, locale=locale, decimal_quantization=False)
        return format_currency(amount.value, self._currency, locale=locale)

    def _stored_amount(self, text: str | None, locale: str) -> str:
        """A discount kept on a client or booking ("10%"), in the client's language."""
        if not text:
            return ""
        try:
            return self.amount_text(Amount.parse(text), locale)
        except InvalidInputError:
            return text  # written by hand into the database: shown as it is

    def late_window_text(self, locale: str) -> str:
        """The late-cancellation window in words: "24 hours", "24 часа", "24 horas"…"""
        return format_timedelta(self._late_window, threshold=2, locale=locale)

    def late_grace_text(self, locale: str) -> str:
        """The grace after the asking reminder in words ("2 hours"), empty when it is off."""
        grace = self._rules.late_cancel_grace
        if grace <= timedelta(0):
            return ""
        return format_timedelta(grace, threshold=2, locale=locale)

    def render_named(
        self, name: str, *, locale: str | None, variables: dict[str, object]
    ) -> tuple[str, dict[str, str]]:
        """The text and the button labels (by intent) of script ``name``; a button that goes
        with a yes/no variable (``BUTTON_FLAGS``) only when it is true."""
        _, script = self._script(name, locale)
        if script.text is None:
            raise ValueError(f"script {name} has steps, not a text; use render_step")
        return _render(script.text, variables), shown_buttons(name, script.buttons, variables)

    def render_step(self, step: str, *, locale: str | None, variables: dict[str, object]) -> str:
        _, script = self._script("intake", locale)
        return _render(script.steps[step], variables)

    def render(self, *, script: Script, context: MessageContext) -> RenderedMessage:
        locale, _ = self._script(script.value, context.locale)
        variables = self.variables(context=context, locale=locale)
        text, labels = self.render_named(script.value, locale=locale, variables=variables)
        buttons = tuple(
            Button(label, intent, context.appointment_id, context.version)
            for intent, label in labels.items()
        )
        return RenderedMessage(text, buttons)


def _render(piece: Piece, variables: dict[str, object]) -> str:
    """The text, every value cut to its limit; any failure is a ScriptRenderError naming the
    file and line (a script passed the check at load, so this is rare: a branch only some
    values take, or a machine so busy that the render ran out of time)."""
    try:
        return piece.render(bounded(variables), RUN_LIMITS).strip()
    except Exception as exc:
        raise ScriptRenderError(f"{piece.path}:{piece.line_of(exc)}: {describe(exc)}") from exc


def load_scripts(settings: Settings) -> ScriptBook:
    """The salon's scripts as configured (SHOWUP_SCRIPTS_DIR, SHOWUP_LOCALE)."""
    return ScriptBook.load(
        settings.scripts_dir,
        default_locale=settings.locale,
        late_window=settings.late_cancel_window,
        rules=settings.attendance_rules(),
        currency=settings.currency,
    )


def sample_context(locale: str = "en") -> MessageContext:
    """A context to preview scripts with (``showup`` uses it in tests and previews)."""
    return MessageContext(
        appointment_id=1,
        version=1,
        client_name="Anna",
        locale=locale,
        salon_name="Studio",
        service="Haircut",
        staff="Vitaly",
        starts_at=datetime(2026, 11, 23, 10, 0, tzinfo=UTC),
        zone=ZoneInfo("Europe/Madrid"),
    )
