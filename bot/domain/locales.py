"""The languages ShowUp speaks with clients."""

from __future__ import annotations

from typing import Literal, get_args

Locale = Literal["ru", "en", "es", "tr"]
SUPPORTED_LOCALES: tuple[str, ...] = get_args(Locale)


def supported_locale(code: str | None) -> str | None:
    """Map a messenger's language code (``ru-RU``, ``es``) to a supported locale, or None."""
    if not code:
        return None
    base = code.replace("_", "-").split("-", 1)[0].lower()
    return base if base in SUPPORTED_LOCALES else None
