"""``showup whatsapp templates``: the message templates to submit to Meta for approval."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from bot.cli.common import console, fail, scripts_or_exit, settings_or_exit
from bot.conversation.scripts import ScriptError
from bot.conversation.templates import WhatsAppTemplates
from bot.domain.locales import SUPPORTED_LOCALES

app = typer.Typer(help="WhatsApp: the templates to get approved.", no_args_is_help=True)


@app.command("templates")
def templates_command(
    locale: Annotated[
        str | None, typer.Option(help="only this language: ru, en, es or tr")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="one JSON object per template, for the Graph API")
    ] = False,
) -> None:
    """Print, per language, each template derived from the scripts: name, category, body with
    numbered parameters and quick-reply buttons, ready to submit in WhatsApp Manager."""
    if locale is not None and locale not in SUPPORTED_LOCALES:
        fail(f"--locale must be one of {', '.join(SUPPORTED_LOCALES)}")
    settings = settings_or_exit()
    book = scripts_or_exit(settings)
    try:
        templates = WhatsAppTemplates.load(book, settings.scripts_dir)
    except ScriptError as exc:
        fail(str(exc), code=2)
    for spec in templates.all():
        if locale is not None and spec.locale != locale:
            continue
        if as_json:
            console.print_json(json.dumps(spec.for_meta(), ensure_ascii=False))
            continue
        console.rule(f"{spec.name} · {spec.language} · {spec.category}")
        console.print(spec.body, markup=False, soft_wrap=True)
        for number, name in enumerate(spec.params, start=1):
            console.print(f"  {{{{{number}}}}} = {name}", markup=False)
        for intent, label in spec.buttons:
            console.print(
                f"  [quick reply] {label}  (payload: {intent}:<appointment>:<version>)",
                markup=False,
            )
