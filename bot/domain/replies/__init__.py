"""Understanding a client's free-text reply: confirm, cancel, reschedule, running late, other.

``parse_reply`` reads one message (see ``parse`` for the order of the rules); the package is
split by feature: ``text`` (normal form), ``words_*`` (one lexicon per language), ``language``
(detection), ``reading`` (questions, conditionals, negation), ``clock`` and ``dates`` (times and
days, relative to now and to the booking).
"""

from __future__ import annotations

from bot.domain.replies.language import detect_language
from bot.domain.replies.parse import (
    CANCEL_AT_ONCE,
    answers_yes,
    intent_from_button,
    parse_reply,
    speaks_of_the_visit,
)
from bot.domain.replies.text import Intent, Reply, fold, normalize


def language_of(text: str) -> str | None:
    """The language ``text`` is written in, or None when it is too short to tell."""
    return detect_language(text, fold(text))


__all__ = [
    "CANCEL_AT_ONCE",
    "Intent",
    "Reply",
    "answers_yes",
    "detect_language",
    "fold",
    "intent_from_button",
    "language_of",
    "normalize",
    "parse_reply",
    "speaks_of_the_visit",
]
