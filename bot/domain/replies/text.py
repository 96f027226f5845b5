"""The shapes a reply is read in: one normal form for messages and lexicon phrases alike."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bot.domain.day_parts import DayPart


class Intent(StrEnum):
    CONFIRM = "confirm"
    CANCEL = "cancel"
    RESCHEDULE = "reschedule"
    LATE = "late"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Reply:
    """What a reply means. ``confidence`` is how sure the reading is (1.0 for a button);
    ``language`` is the detected language (``ru``, ``en``, ``es``, ``tr``), else the hint;
    ``part`` the part of the day a reschedule asks for when it names no hour ("friday
    evening": ``when`` is the Friday, ``part`` the evening)."""

    intent: Intent
    when: datetime | date | None = None
    confidence: float = 0.0
    language: str | None = None
    part: DayPart | None = None


_ELONGATED = re.compile(r"([^\W\d_])\1+")
_COMBINING = re.compile("[\u0300-\u036f]")


def normalize(text: str) -> str:
    """Lower case, diacritics folded (ğ→g, ñ→n, й→и, ё→е), apostrophes unified, one space."""
    lowered = text.replace("İ", "i").replace("I", "i").lower().replace("ı", "i")
    lowered = lowered.replace("’", "'").replace("`", "'").replace("´", "'").replace("ʼ", "'")
    folded = _COMBINING.sub("", unicodedata.normalize("NFKD", lowered))
    return " ".join(folded.split())


def squash(text: str) -> str:
    """A letter repeated in a row counts once ("yesss" → "yes", "будуу" → "буду"); the lexicons
    are squashed the same way, so "see you" still matches "seee youu"."""
    return _ELONGATED.sub(r"\1", text)


_SI = re.compile(r"(?<!\w)sí(?!\w)", re.IGNORECASE)


def fold(text: str) -> str:
    """The form every lexicon phrase is matched against: normalized, then squashed. Spanish
    "sí" (yes) becomes ``si_``, apart from "si" (if)."""
    return squash(normalize(_SI.sub("si_", text)))


def pattern(*phrases: str) -> re.Pattern[str]:
    """One regex for many phrases; each phrase is itself a regex over folded text."""
    alternatives = "|".join(f"(?:{fold(p)})" for p in phrases if p)
    return re.compile(rf"(?<!\w)(?:{alternatives or '(?!)'})(?!\w)")
