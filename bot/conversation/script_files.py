"""Reading one script file: YAML, its Jinja2 templates, and the render check every template
passes before the service starts.

Each template is rendered at load with the sample values and with the *longest* values the
service ever passes (every variable at ``VARIABLE_LIMITS``; ``ScriptBook`` cuts longer ones at
run time), each yes/no flag both ways, under ``LOAD_LIMITS``: a template that takes over 250 ms,
writes over 4,096 characters or fails in any way (an unknown variable, ``1/0``, a refused
attribute…) is refused with its file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from jinja2 import Template, TemplateError, TemplateSyntaxError, meta

from bot.conversation.sandbox import BoundedEnvironment, Limits, render, template_line

#: the variables a script may use, with the sample values every template is rendered with
SCRIPT_VARIABLES: dict[str, object] = {
    "client_name": "Anna",
    "salon_name": "Studio",
    "service": "Haircut",
    "master": "Vitaly",
    "date": "Monday, 23 November",
    "time": "11:00",
    "late_window": "24 hours",
    "late_grace": "2 hours",  # after the asking reminder, a cancellation is never late
    "rules": True,  # booking_confirmation: the client was never shown the rules; add them
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
    "late_cancel_counts": "0.5",  # how much of a missed visit one late cancellation counts for
    "hold": "15 minutes",  # waitlist_offer: how long the freed slot is held for the client
    "moving": False,  # waitlist_offer, waitlist_accepted: it moves the client's booking earlier
    "slots": "• Thursday 3 December, 18:00\n• Thursday 3 December, 18:30",  # reschedule_offer
    "exact": False,  # reschedule_offer: the time the client named is free (one button)
    "whole_day": False,  # reschedule_offer: the client named a day, not a time
    "approval": False,  # reschedule_offer: a tap asks the salon (SHOWUP_RESCHEDULE=approve)
}
#: the longest text each variable can hold; a longer value is cut (ending with "…")
VARIABLE_LIMITS: dict[str, int] = {
    "client_name": 100,
    "salon_name": 100,
    "service": 100,
    "master": 100,
    "date": 64,
    "time": 16,
    "late_window": 32,
    "late_grace": 32,
    "proposed": 64,
    "deposit": 32,
    "discount": 32,
    "strikes": 8,
    "text": 1_000,
    "deposit_after": 8,
    "block_after": 8,
    "deposit_rule": 32,
    "late_cancel_counts": 8,
    "hold": 32,
    "slots": 600,
}
#: a render at start-up: 250 ms of CPU at most (a script renders in well under 1 ms)
LOAD_LIMITS = Limits(seconds=0.25)  # CPU time: a garbage collection may fall in one render
#: a render in service: a little more room, so that a busy machine fails no good script
RUN_LIMITS = Limits(seconds=1.0)
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
    "ack_agreed": frozenset(),  # thanks for "I agree" (the rules accepted)
    "waitlist_offer": frozenset({"waitlist_accept", "waitlist_decline"}),
    "waitlist_accepted": frozenset(),
    "waitlist_declined": frozenset(),
    "waitlist_gone": frozenset(),
    "salon_cancelled": frozenset(),  # the salon cancelled the client's visit
    "waitlist_joined": frozenset(),  # "anything earlier?": on the list now
    "waitlist_already": frozenset(),  # …asked again
    "waitlist_left": frozenset(),  # "take me off the list"
    # moving a booking in the chat (bot.conversation.flows.reschedule); the offer's free times
    # are buttons of their own, "move_other" sends the request to the admins
    "reschedule_offer": frozenset({"move_other"}),
    "reschedule_moved": frozenset(),
    "reschedule_taken": frozenset(),
    "reschedule_none": frozenset(),
    "reschedule_asked": frozenset(),
    "reschedule_declined": frozenset(),
    "reschedule_lapsed": frozenset(),
    "reschedule_late": frozenset(),
}
#: buttons a script may have, shown only when a yes/no variable is true: the confirmation's
#: "I agree" goes with the rules it carries for a client who never saw them (a salon's copy
#: from before it existed still loads; its clients then get no rules with the confirmation)
BUTTON_FLAGS: dict[tuple[str, str], str] = {("booking_confirmation", "agree"): "rules"}
INTAKE_STEPS = ("heard_from", "preferred_master", "experience")
MAX_BUTTON_LABEL = 20  # WhatsApp's limit for reply buttons


def shown_buttons(
    name: str, labels: dict[str, str], variables: dict[str, object]
) -> dict[str, str]:
    """The buttons of script ``name`` that this message shows (see ``BUTTON_FLAGS``)."""
    return {
        intent: label
        for intent, label in labels.items()
        if (name, intent) not in BUTTON_FLAGS or variables.get(BUTTON_FLAGS[name, intent])
    }


def bounded(variables: dict[str, object]) -> dict[str, object]:
    """``variables`` with every text cut to its limit in ``VARIABLE_LIMITS``."""
    return {
        name: (
            value[: VARIABLE_LIMITS[name] - 1] + "…"
            if isinstance(value, str) and len(value) > VARIABLE_LIMITS.get(name, len(value))
            else value
        )
        for name, value in variables.items()
    }


def _longest(flags: bool) -> dict[str, object]:
    """Every text variable as long as it may be (its sample repeated), every flag ``flags``."""
    return {
        name: flags if isinstance(sample, bool) else ((f"{sample} ") * limit)[:limit]
        for name, sample in SCRIPT_VARIABLES.items()
        for limit in [VARIABLE_LIMITS.get(name, 0)]
    }


#: the values a template is checked with at load: samples, then the longest values
CHECKS: tuple[tuple[str, dict[str, object]], ...] = (
    ("", SCRIPT_VARIABLES),
    ("", {**SCRIPT_VARIABLES, "late": False, "rescheduled": False, "proposed": None}),
    (" (with every value at its longest)", _longest(flags=True)),
    (" (with every value at its longest)", _longest(flags=False)),
)


@dataclass(frozen=True, slots=True)
class Piece:
    """One template of a script file, and where it starts in that file."""

    template: Template
    path: Path
    first_line: int

    def line_of(self, error: BaseException) -> int:
        """The file's line an error of this template comes from."""
        line = template_line(error, str(self.path))
        return self.first_line + (line or 1) - 1

    def render(self, variables: dict[str, object], limits: Limits) -> str:
        return render(self.template, variables, limits)


@dataclass(slots=True)
class ScriptFile:
    text: Piece | None = None
    steps: dict[str, Piece] = field(default_factory=dict)
    buttons: dict[str, str] = field(default_factory=dict)


def describe(error: BaseException) -> str:
    """An error of a template in one line: Jinja's own message, or the Python error's type."""
    if isinstance(error, TemplateError):
        return error.message or str(error)
    return f"{type(error).__name__}: {error}"


def load_file(
    environment: BoundedEnvironment,
    path: Path,
    name: str,
    buttons: frozenset[str],
    problems: list[str],
) -> ScriptFile | None:
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problems.append(f"{path}{line}: not valid YAML ({getattr(exc, 'problem', exc)})")
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{path}: cannot be read ({exc})")
        return None
    if not isinstance(root, yaml.MappingNode):
        problems.append(f"{path}:1: expected 'text:' (and optionally 'buttons:')")
        return None
    script = ScriptFile()
    keys: set[str] = set()  # the keys the file has (with intake's step names)
    for key_node, value in root.value:
        key = key_node.value
        keys.add(key)
        if key == "text" and isinstance(value, yaml.ScalarNode) and name != "intake":
            script.text = _compile(environment, value, path, problems)
        elif key == "steps" and isinstance(value, yaml.MappingNode) and name == "intake":
            script.steps = _load_steps(environment, value, path, problems)
            keys.update(str(step.value) for step, _ in value.value)
        elif key == "buttons" and isinstance(value, yaml.MappingNode):
            script.buttons = _load_buttons(value, path, problems)
        else:
            where = f"{path}:{key_node.start_mark.line + 1}"
            problems.append(f"{where}: unexpected key {key!r} in script {name}")
    if name == "intake":
        missing = [s for s in INTAKE_STEPS if s not in keys]
        if missing:
            problems.append(f"{path}: intake steps missing: {', '.join(missing)}")
    elif "text" not in keys:
        problems.append(f"{path}: no 'text:'")
    optional = {intent for script_name, intent in BUTTON_FLAGS if script_name == name}
    if set(script.buttons) - optional != buttons:
        expected = ", ".join(sorted(buttons)) or "none"
        also = f" (and optionally {', '.join(sorted(optional))})" if optional else ""
        problems.append(f"{path}: buttons must be exactly: {expected}{also}")
    return script


def _load_steps(
    environment: BoundedEnvironment, node: yaml.MappingNode, path: Path, problems: list[str]
) -> dict[str, Piece]:
    steps: dict[str, Piece] = {}
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
    environment: BoundedEnvironment, node: yaml.ScalarNode, path: Path, problems: list[str]
) -> Piece | None:
    # a block scalar (| or >) starts on the line after its indicator
    first_line = node.start_mark.line + 1 + (1 if node.style in ("|", ">") else 0)
    source = str(node.value)
    try:
        parsed = environment.parse(source)
    except TemplateSyntaxError as exc:
        problems.append(f"{path}:{first_line + (exc.lineno or 1) - 1}: {exc.message}")
        return None
    unknown = sorted(meta.find_undeclared_variables(parsed) - set(SCRIPT_VARIABLES))
    for variable in unknown:
        offset = next((i for i, text in enumerate(source.splitlines()) if variable in text), 0)
        known = ", ".join(SCRIPT_VARIABLES)
        problems.append(
            f"{path}:{first_line + offset}: unknown variable {variable!r} (known: {known})"
        )
    if unknown:
        return None
    try:
        piece = Piece(environment.compile_script(source, filename=str(path)), path, first_line)
    except Exception as exc:
        problems.append(f"{path}:{first_line}: {describe(exc)}")
        return None
    for condition, variables in CHECKS:
        try:
            piece.render(variables, LOAD_LIMITS)
        except Exception as exc:
            problems.append(f"{path}:{piece.line_of(exc)}: {describe(exc)}{condition}")
            return None
    return piece
