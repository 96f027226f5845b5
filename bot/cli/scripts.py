"""``showup scripts``: check the salon's edited scripts and preview them."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Annotated

import typer

from bot.cli.common import console, scripts_or_exit, settings_or_exit
from bot.conversation.scripts import sample_context
from bot.domain.locales import SUPPORTED_LOCALES
from bot.domain.reminders import MOVE_ANSWER_SCRIPTS, Script


def scripts_command(
    locale: Annotated[
        str | None, typer.Option(help="preview only this language: ru, en, es or tr")
    ] = None,
) -> None:
    """Check every script (file and line of each problem) and preview the reminders."""
    settings = settings_or_exit()
    book = scripts_or_exit(settings)
    console.print(f"All scripts in {settings.scripts_dir} are valid.")
    for code in [locale] if locale else SUPPORTED_LOCALES:
        for script in Script:
            context = sample_context(code)
            if script is Script.LOYALTY_REWARD:  # as a client who earned it reads it
                context = dataclasses.replace(context, discount=str(settings.loyalty_discount))
            if script in MOVE_ANSWER_SCRIPTS:  # the time the client asked to move to
                asked = context.starts_at + timedelta(days=1)
                context = dataclasses.replace(context, proposed=asked)
            rendered = book.render(script=script, context=context)
            buttons = "  ".join(f"[{b.label}]" for b in rendered.buttons)
            console.print(f"\n[bold]{code} · {script.value}[/]\n{rendered.text}")
            if buttons:
                console.print(buttons)
