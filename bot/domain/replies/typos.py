"""One-letter typos in the words that matter ("cancle", "reshedule", "отмниите", "iptla"):
a message read as ``other`` with no signal at all is read again with each unknown word replaced
by the only known word one letter away (missing, extra, wrong or swapped letters).

The known words are every plain word of the language's lexicon and a few inflected words that
its patterns only match by stem. Words shorter than five letters are left alone: too many
short words are one letter away from each other.
"""

from __future__ import annotations

import re
from functools import cache

from bot.domain.replies.lexicon import Lexicon
from bot.domain.replies.text import fold

_SHORTEST = 5
_WORD = re.compile(r"[^\W\d_]+")
_PLAIN = re.compile(r"^[^\W\d_]+$")
#: inflected words the lexicons match by stem ("reschedul\w*"), spelled out for correction
_SPELLED = {
    "ru": (
        "отменить отмените отменяю отмена перенести перенесите перенесем перенос опаздываю "
        "опоздаю задержусь подтверждаю пожалуйста получится завтра сегодня придется"
    ),
    "en": (
        "cancel cancelled canceled cancelling reschedule rescheduling confirm confirmed "
        "tomorrow running coming appointment minutes postpone"
    ),
    "es": (
        "cancelar cancela cancelen cancelo cambiar reprogramar confirmo confirmada confirmado "
        "manana tarde llego llegare minutos retraso retrasada"
    ),
    "tr": (
        "iptal erteleyebilir erteleyelim ertelemek gelecegim gelemeyecegim geliyorum "
        "gelemiyorum gecikecegim dakika randevu randevumu onayliyorum tamam"
    ),
}


@cache
def _vocabulary(code: str) -> tuple[frozenset[str], dict[str, str]]:
    """The known words, and each one-letter deletion of them mapped to its word (a deletion
    shared by two words is dropped: it cannot say which was meant)."""
    from bot.domain.replies.language import LEXICONS  # noqa: PLC0415 - language imports us

    lexicon = LEXICONS[code]
    words: set[str] = set()
    for phrases in _phrases(lexicon):
        for token in fold(phrases).split():
            if _PLAIN.match(token) and len(token) >= _SHORTEST:
                words.add(token)
    words.update(fold(_SPELLED.get(code, "")).split())
    deletions: dict[str, str] = {}
    shared: set[str] = set()
    for word in words:
        for index in range(len(word)):
            variant = word[:index] + word[index + 1 :]
            if deletions.get(variant, word) != word:
                shared.add(variant)
            deletions[variant] = word
    return frozenset(words), {k: v for k, v in deletions.items() if k not in shared}


def _phrases(lexicon: Lexicon) -> list[str]:
    words = lexicon.words
    found: list[str] = []
    for name in words.__dataclass_fields__:
        value = getattr(words, name)
        if isinstance(value, tuple):
            for item in value:
                found.extend(item if isinstance(item, tuple) else (item,))
    return found


def correct(folded: str, lexicon: Lexicon) -> str:
    """``folded`` with each unknown word of five letters or more replaced by the only known
    word one letter away, if there is one."""
    known, deletions = _vocabulary(lexicon.code)

    def fix(match: re.Match[str]) -> str:
        token = match.group(0)
        if len(token) < _SHORTEST or token in known:
            return token
        cut = [token[:i] + token[i + 1 :] for i in range(len(token))]
        tiers = (
            {token[:i] + token[i + 1] + token[i] + token[i + 2 :] for i in range(len(token) - 1)}
            & known,  # two letters swapped
            {deletions[token]} if token in deletions else set(),  # a letter missing
            {variant for variant in cut if variant in known},  # a letter too many
            {deletions[variant] for variant in cut if variant in deletions},  # a wrong letter
        )
        for candidates in tiers:
            if candidates:
                return candidates.pop() if len(candidates) == 1 else token
        return token

    return _WORD.sub(fix, folded)
