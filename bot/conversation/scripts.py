"""The salon's scripts: ``scripts_templates/<locale>/<script>.yaml``, rendered in a sandbox.

Each file holds a ``text`` (or, for intake, ``steps``) and optional ``buttons``, written as
Jinja2 templates over a fixed set of variables (``SCRIPT_VARIABLES``). Loading compiles and
renders every template of every locale with sample data; any problem (YAML syntax, template
syntax, an unknown variable, a missing or over-long button) is reported with its file and line,
and the book refuses to load. A locale without a script falls back to the salon's default
locale, with a warning.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from babel.dates import format_date, format_time, format_timedelta
from babel.numbers import format_currency, format_decimal, format_percent
from jinja2 import StrictUndefined, Template, TemplateError, TemplateSyntaxError, meta
from jinja2.sandbox import SandboxedEnvironment

from bot.channels.base import Button
from bot.config import Settings
from bot.conversation.render import MessageContext, RenderedMessage
from bot.domain.locales import SUPPORTED_LOCALES
from bot.domain.policy import Amount, AttendanceRules
from bot.domain.reminders import Script
from bot.errors import ConfigError, InvalidInputError

logger = logging.getLogger(__name__)

#: the variables a script may use, with the sample values every template is rendered with
SCRIPT_VARIABLES: dict[str, object] = {
    "client_name": "Anna",
    "salon_name": "Studio",
    "service": "Haircut",
    "master": "Vitaly",
    "date": "Monday, 23 November",
    "time": "11:00",
    "late_window": "24 hours",
    "late": True,
    "excused": False,  # ack_cancelled: a late cancellation excused (illness, an emergency)
    "rescheduled": True,
    "proposed": "Friday 27 November, 17:00",
    "deposit": "15,00 €",
    "discount": "10%",
    "strikes": "2",
    "text": "See you tomorrow!",  # admin_message only: what the admin wrote
    "deposit_after": "2",  # the attendance policy, as the policy script tells it
    "block_after": "3",
    "deposit_rule": "30%",
}
#: every script, and the buttons it must have (each button's key is the intent it answers)
SCRIPTS: dict[str, frozenset[str]] = {
    "booking_confirmation": frozenset(),
    "reminder_ask": frozenset({"confirm", "cancel", "reschedule"}),
    "reminder_light": frozenset(),
    "intake": frozenset(),
    "policy": frozenset({"agree"}),
    "ack_confirmed": frozenset(),
    "ack_cancelled": frozenset(),
    "ack_reschedule": frozenset(),
    "ack_late": frozenset(),
    "ack_stale": frozenset(),
    "confirm_cancel": frozenset({"cancel", "confirm"}),  # a cancellation read unsure, asked back
    "noshow_followup": frozenset(),
    "noshow_reply": frozenset(),
    "fallback": frozenset(),
    "linked": frozenset(),
    "link_invalid": frozenset(),
    "share_phone": frozenset({"share"}),
    "admin_only": frozenset(),
    "policy_warning": frozenset(),
    "policy_deposit": frozenset(),
    "policy_blocked": frozenset(),
    "loyalty_reward": frozenset(),
    "admin_message": frozenset(),
}
INTAKE_STEPS = ("heard_from", "preferred_master", "experience")
MAX_BUTTON_LABEL = 20  # WhatsApp's limit for reply buttons
#: how a day is written in each language: "Monday, November 23", "понедельник, 23 ноября"…
DATE_PATTERNS = {
    "en": "EEEE, MMMM d",
    "ru": "d MMMM (EEEE)",
    "es": "EEEE d 'de' MMMM",
    "tr": "d MMMM EEEE",
}


class ScriptError(ConfigError):
    """One or more scripts cannot be used; the message lists each problem with file and line."""


@dataclass(frozen=True, slots=True)
class _Piece:
    template: Template


@dataclass(slots=True)
class _Script:
    text: _Piece | None = None
    steps: dict[str, _Piece] = field(default_factory=dict)
    buttons: dict[str, str] = field(default_factory=dict)


class ScriptBook:
    """All scripts of all locales, validated; implements the dispatcher's ``Renderer``."""

    def __init__(
        self,
        scripts: dict[tuple[str, str], _Script],
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
        environment = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
        problems: list[str] = []
        scripts: dict[tuple[str, str], _Script] = {}
        if not directory.is_dir():
            raise ScriptError(
                f"{directory}: the scripts folder does not exist (SHOWUP_SCRIPTS_DIR)"
            )
        for locale in SUPPORTED_LOCALES:
            for name, buttons in SCRIPTS.items():
                path = directory / locale / f"{name}.yaml"
                if not path.exists():
                    if locale == default_locale:
                        problems.append(f"{path}: missing (the default locale needs every script)")
                    continue
                loaded = _load_file(environment, path, name, buttons, problems)
                if loaded is not None:
                    scripts[locale, name] = loaded
        if problems:
            raise ScriptError("broken scripts:\n" + "\n".join(problems))
        return cls(
            scripts,
            default_locale=default_locale,
            late_window=late_window,
            rules=rules,
            currency=currency,
        )

    def _script(self, name: str, locale: str | None) -> tuple[str, _Script]:
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
            "time": format_time(local, format="short", locale=locale),
            "late_window": self.late_window_text(locale),
            "late": False,
            "excused": False,
            "rescheduled": context.version > 1,
            "proposed": None,
            "deposit": (
                format_currency(context.deposit_due, context.currency, locale=locale)
                if context.deposit_due is not None
                else ""
            ),
            "discount": self._stored_amount(context.discount, locale),
            "strikes": "",
            **self.policy_variables(locale),
        }

    def policy_variables(self, locale: str) -> dict[str, object]:
        """The attendance policy's current values, in the client's language."""
        rules = self._rules
        deposit = rules.deposit
        return {
            "late_window": self.late_window_text(locale),
            "deposit_after": format_decimal(rules.deposit_at, locale=locale),
            "block_after": format_decimal(rules.block_at, locale=locale),
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

    def render_named(
        self, name: str, *, locale: str | None, variables: dict[str, object]
    ) -> tuple[str, dict[str, str]]:
        """The text and the button labels (by intent) of script ``name``."""
        _, script = self._script(name, locale)
        if script.text is None:
            raise ValueError(f"script {name} has steps, not a text; use render_step")
        return _render(script.text, variables), dict(script.buttons)

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


def _render(piece: _Piece, variables: dict[str, object]) -> str:
    return piece.template.render(**variables).strip()


def _load_file(
    environment: SandboxedEnvironment,
    path: Path,
    name: str,
    buttons: frozenset[str],
    problems: list[str],
) -> _Script | None:
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problems.append(f"{path}{line}: not valid YAML ({getattr(exc, 'problem', exc)})")
        return None
    if not isinstance(root, yaml.MappingNode):
        problems.append(f"{path}:1: expected 'text:' (and optionally 'buttons:')")
        return None
    script = _Script()
    for key_node, value in root.value:
        key = key_node.value
        if key == "text" and isinstance(value, yaml.ScalarNode) and name != "intake":
            script.text = _compile(environment, value, path, problems)
        elif key == "steps" and isinstance(value, yaml.MappingNode) and name == "intake":
            script.steps = _load_steps(environment, value, path, problems)
        elif key == "buttons" and isinstance(value, yaml.MappingNode):
            script.buttons = _load_buttons(value, path, problems)
        else:
            where = f"{path}:{key_node.start_mark.line + 1}"
            problems.append(f"{where}: unexpected key {key!r} in script {name}")
    if name == "intake":
        missing = [s for s in INTAKE_STEPS if s not in script.steps]
        if missing:
            problems.append(f"{path}: intake steps missing: {', '.join(missing)}")
    elif script.text is None:
        problems.append(f"{path}: no 'text:'")
    if set(script.buttons) != buttons:
        expected = ", ".join(sorted(buttons)) or "none"
        problems.append(f"{path}: buttons must be exactly: {expected}")
    return script


def _load_steps(
    environment: SandboxedEnvironment, node: yaml.MappingNode, path: Path, problems: list[str]
) -> dict[str, _Piece]:
    steps: dict[str, _Piece] = {}
    for key, step in node.value:
        if key.value not in INTAKE_STEPS:
            problems.append(f"{path}:{key.start_mark.line + 1}: unknown intake step {key.value!r}")
        elif isinstance(step, yaml.ScalarNode):
            piece = _compile(environment, step, path, problems)
            if piece is not None:
                steps[key.value] = piece
    return steps


def _load_buttons(node: yaml.MappingNode, path: Path, problems: list[str]) -> dict[str, str]:
    buttons: dict[str, str] = {}
    for intent, label in node.value:
        text = str(label.value)
        if len(text) > MAX_BUTTON_LABEL:
            problems.append(
                f"{path}:{label.start_mark.line + 1}: button {intent.value!r} is "
                f"{len(text)} characters; messengers allow {MAX_BUTTON_LABEL}"
            )
        buttons[intent.value] = text
    return buttons


def _compile(
    environment: SandboxedEnvironment, node: yaml.ScalarNode, path: Path, problems: list[str]
) -> _Piece | None:
    # a block scalar (| or >) starts on the line after its indicator
    first_line = node.start_mark.line + 1 + (1 if node.style in ("|", ">") else 0)
    source = str(node.value)
    try:
        parsed = environment.parse(source)
    except TemplateSyntaxError as exc:
        problems.append(f"{path}:{first_line + (exc.lineno or 1) - 1}: {exc.message}")
        return None
    for variable in sorted(meta.find_undeclared_variables(parsed) - set(SCRIPT_VARIABLES)):
        offset = next((i for i, text in enumerate(source.splitlines()) if variable in text), 0)
        known = ", ".join(SCRIPT_VARIABLES)
        problems.append(
            f"{path}:{first_line + offset}: unknown variable {variable!r} (known: {known})"
        )
    try:
        template = environment.from_string(source)
        template.render(**SCRIPT_VARIABLES)
        template.render(
            **{**SCRIPT_VARIABLES, "late": False, "rescheduled": False, "proposed": None}
        )
    except TemplateError as exc:
        problems.append(f"{path}:{first_line}: {exc}")
        return None
    return _Piece(template=template)


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
