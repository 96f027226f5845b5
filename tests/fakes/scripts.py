"""The repository's own scripts, loaded as ShowUp loads them."""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from pathlib import Path

from bot.conversation.scripts import ScriptBook

SCRIPTS_DIR = Path(__file__).resolve().parents[2] / "scripts_templates"


@cache
def script_book(default_locale: str = "en") -> ScriptBook:
    return ScriptBook.load(
        SCRIPTS_DIR, default_locale=default_locale, late_window=timedelta(hours=24)
    )
