"""WhatsApp message templates derived from the salon's scripts.

Outside WhatsApp's 24-hour window a business may only send pre-approved templates: fixed text
with numbered parameters ``{{1}}``, and quick-reply buttons. Each script ShowUp sends on its own
(confirmation, reminders, no-show follow-up, policy news, an admin's reply) becomes one template
per language: the script rendered with every value variable as a parameter. Yes/no flags
(``{% if late %}``) take their "no" branch, except ``rules``, which makes a variant as an
optional value does. An optional value that adds text (``{% if deposit %}``
in the booking confirmation) makes a variant per combination: ``showup_booking_confirmation`` and
``showup_booking_confirmation_deposit``…; a message uses the variant of the values it has, and
falls back to the plain template while its variant is not approved. ``showup whatsapp
templates`` prints them all for submission; the names (a variant adds ``_deposit``…) and languages
can be changed per script and locale in ``<scripts>/whatsapp_templates.yaml``.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.channels.base import TemplateMessage
from bot.conversation.render import MessageContext, RenderedMessage
from bot.conversation.scripts import SCRIPT_VARIABLES, ScriptBook, ScriptError
from bot.domain.locales import SUPPORTED_LOCALES
from bot.domain.reminders import Script

#: the scripts ShowUp may have to send outside a conversation
TEMPLATED = (
    "booking_confirmation",
    "reminder_ask",
    "reminder_light",
    "noshow_followup",
    "policy_warning",
    "policy_deposit",
    "policy_blocked",
    "loyalty_reward",
    "admin_message",
    "waitlist_offer",
    "waitlist_gone",
    "salon_cancelled",
)
FLAGS = frozenset(name for name, sample in SCRIPT_VARIABLES.items() if isinstance(sample, bool))
#: the values that add text when present; ``rules`` (a flag) adds the short rules and the
#: "I agree" button to a first booking confirmation
OPTIONAL = frozenset({"deposit", "discount", "proposed", "strikes", "rules", "hold", "moving"})
#: the variant for a client known only by their phone number, greeted without a name
NAMELESS = "no_client_name"
NAMES_FILE = "whatsapp_templates.yaml"
_MARK = re.compile("\x00(\\w+)\x00")
EMPTY = "—"  # Meta refuses empty parameters


@dataclass(frozen=True, slots=True)
class TemplateSpec:
    script: str
    locale: str
    name: str
    language: str
    body: str  # with {{1}}, {{2}}…
    params: tuple[str, ...]  # the variable behind each number
    buttons: tuple[tuple[str, str], ...]  # (intent, label) of each quick reply
    category: str = "UTILITY"
    optional: frozenset[str] = frozenset()  # the optional parts the script has

    def for_meta(self) -> dict[str, Any]:
        """The definition to submit (WhatsApp Manager or POST /message_templates)."""
        components: list[dict[str, Any]] = [
            {
                "type": "BODY",
                "text": self.body,
                **(
                    {"example": {"body_text": [[str(SCRIPT_VARIABLES[p]) for p in self.params]]}}
                    if self.params
                    else {}
                ),
            }
        ]
        if self.buttons:
            components.append(
                {
                    "type": "BUTTONS",
                    "buttons": [
                        {"type": "QUICK_REPLY", "text": label} for _, label in self.buttons
                    ],
                }
            )
        return {
            "name": self.name,
            "language": self.language,
            "category": self.category,
            "components": components,
        }


class WhatsAppTemplates:
    def __init__(self, book: ScriptBook, names: Mapping[tuple[str, str], tuple[str, str]]) -> None:
        self._book = book
        self._names = dict(names)
        self._specs: dict[tuple[str, str, frozenset[str]], TemplateSpec] = {}

    @classmethod
    def load(cls, book: ScriptBook, directory: Path) -> WhatsAppTemplates:
        """With the name/language overrides of ``whatsapp_templates.yaml``, when present."""
        path = directory / NAMES_FILE
        names: dict[tuple[str, str], tuple[str, str]] = {}
        if path.exists():
            try:
                raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            except yaml.YAMLError as exc:
                raise ScriptError(f"{path}: not valid YAML: {exc}") from None
            for locale, scripts in raw.items() if isinstance(raw, dict) else []:
                for script, entry in (scripts or {}).items():
                    if locale not in SUPPORTED_LOCALES or script not in TEMPLATED:
                        raise ScriptError(
                            f"{path}: {locale}/{script} is not a templated script of a supported "
                            f"language (scripts: {', '.join(TEMPLATED)})"
                        )
                    if not isinstance(entry, dict) or not entry.get("name"):
                        raise ScriptError(f"{path}: {locale}/{script} needs a name")
                    names[locale, script] = (
                        str(entry["name"]),
                        str(entry.get("language", locale)),
                    )
        templates = cls(book, names)
        for locale in SUPPORTED_LOCALES:  # derive them all now: a problem shows at start-up
            for script in TEMPLATED:
                templates.spec(script, locale)
        return templates

    def spec(self, script: str, locale: str, shown: frozenset[str] = frozenset()) -> TemplateSpec:
        """The template of ``script``; ``shown`` names the optional parts it includes."""
        resolved = self._book.locale_of(script, locale)
        key = (resolved, script, shown)
        if key not in self._specs:
            self._specs[key] = self._derive(script, resolved, shown)
        return self._specs[key]

    def optional_parts(self, script: str, locale: str) -> frozenset[str]:
        """The optional values (``deposit``, ``discount``…) that add text to ``script``: each
        combination of them is a template of its own (Meta templates have no conditions)."""
        return self.spec(script, locale).optional

    def all(self) -> list[TemplateSpec]:
        specs = []
        for locale in SUPPORTED_LOCALES:
            for script in TEMPLATED:
                parts = sorted(self.optional_parts(script, locale))
                for size in range(len(parts) + 1):
                    for shown in itertools.combinations(parts, size):
                        specs.append(self.spec(script, locale, frozenset(shown)))
        return specs

    def message(
        self, script: str, locale: str, variables: Mapping[str, object]
    ) -> TemplateMessage:
        """The template form of a message with these values; one with optional parts carries
        the plain template as its fallback, for while its own is not approved."""
        plain = self._message(self.spec(script, locale), variables)
        shown = frozenset(
            name
            for name in self.optional_parts(script, locale)
            if (not variables.get("client_name") if name == NAMELESS else variables.get(name))
        )
        if not shown:
            return plain
        full = self._message(self.spec(script, locale, shown), variables)
        return dataclasses.replace(full, fallback=plain)

    @staticmethod
    def _message(spec: TemplateSpec, variables: Mapping[str, object]) -> TemplateMessage:
        body = tuple(str(variables.get(name) or "") or EMPTY for name in spec.params)
        return TemplateMessage(
            name=spec.name, language=spec.language, body=body, quick_replies=len(spec.buttons)
        )

    def _derive(self, script: str, locale: str, shown: frozenset[str]) -> TemplateSpec:
        marked: dict[str, object] = {}
        for name in SCRIPT_VARIABLES:
            if name in FLAGS and name not in OPTIONAL:
                marked[name] = False
            else:
                marked[name] = f"\x00{name}\x00"
        optional = set()
        for name in sorted(OPTIONAL):  # a value only some messages have: "no" unless shown
            with_value, _ = self._book.render_named(script, locale=locale, variables=marked)
            without = {**marked, name: ""}
            without_value, _ = self._book.render_named(script, locale=locale, variables=without)
            if with_value.replace(f"\x00{name}\x00", "") != without_value:
                optional.add(name)
                if name not in shown:
                    marked = without
        with_name, _ = self._book.render_named(script, locale=locale, variables=marked)
        nameless = {**marked, "client_name": ""}
        without_name, _ = self._book.render_named(script, locale=locale, variables=nameless)
        if with_name.replace("\x00client_name\x00", "") != without_name:
            optional.add(NAMELESS)
            if NAMELESS in shown:
                marked = nameless
        text, labels = self._book.render_named(script, locale=locale, variables=marked)
        params: list[str] = []

        def number(match: re.Match[str]) -> str:
            params.append(match.group(1))
            return "{{" + str(len(params)) + "}}"

        body = _MARK.sub(number, text)
        name, language = self._names.get((locale, script), (f"showup_{script}", locale))
        return TemplateSpec(
            script=script,
            locale=locale,
            name="_".join([name, *sorted(shown & optional)]),
            language=language,
            body=body,
            params=tuple(params),
            buttons=tuple(labels.items()),
            optional=frozenset(optional),
        )


class TemplatedRenderer:
    """The scripts' ``Renderer``, adding each message's template form (for WhatsApp)."""

    def __init__(self, book: ScriptBook, templates: WhatsAppTemplates) -> None:
        self._book = book
        self._templates = templates

    def render(self, *, script: Script, context: MessageContext) -> RenderedMessage:
        rendered = self._book.render(script=script, context=context)
        if script.value not in TEMPLATED:
            return rendered
        locale = self._book.locale_of(script.value, context.locale)
        variables = self._book.variables(context=context, locale=locale)
        return dataclasses.replace(
            rendered, template=self._templates.message(script.value, locale, variables)
        )
