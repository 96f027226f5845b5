"""Which of the salon's languages a message is written in.

The script decides first (Cyrillic is Russian here; ğ ş ı are Turkish; ñ ¿ ¡ and accents are
Spanish), then the lexicons (a message with clearly more words of one language is in it, which
also catches Russian typed in Latin letters), then py3langid restricted to the four languages
for a message long enough to judge. A message too short to tell ("ok", "👍") gets the hint: the
client's stored language, else the salon's default.
"""

from __future__ import annotations

import re
from functools import cache

from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

from bot.domain.replies.lexicon import Lexicon
from bot.domain.replies.words_en import ENGLISH
from bot.domain.replies.words_es import SPANISH
from bot.domain.replies.words_ru import RUSSIAN
from bot.domain.replies.words_tr import TURKISH

LEXICONS: dict[str, Lexicon] = {
    "ru": Lexicon("ru", RUSSIAN),
    "en": Lexicon("en", ENGLISH),
    "es": Lexicon("es", SPANISH),
    "tr": Lexicon("tr", TURKISH),
}
_CYRILLIC = re.compile("[а-яёА-ЯЁ]")
_TURKISH = re.compile("[ğışĞŞİ]")
_SPANISH = re.compile("[ñÑ¿¡áéíóúÁÉÍÓÚ]")
_LETTERS = re.compile(r"[^\W\d_]")
#: fewer letters than this and the statistical detector is not asked
_LONG_ENOUGH = 12
#: how many more letters of lexicon words one language needs to win outright
_CLEAR_MARGIN = 4
#: the detector's probability it needs to be believed over the lexicons
_SURE = 0.8


@cache
def _identifier() -> LanguageIdentifier:
    """py3langid's bundled model, restricted to our languages (loaded once, on first use)."""
    identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LEXICONS))
    return identifier


def detect_language(  # noqa: PLR0911 - the evidence in order, each with its verdict
    raw: str, folded: str, *, hint: str | None = None
) -> str | None:
    """The language of ``raw`` (``folded`` is its folded form), or ``hint`` when it cannot be
    told."""
    if _CYRILLIC.search(raw):
        return "ru"
    if _TURKISH.search(raw):
        return "tr"
    if _SPANISH.search(raw):
        return "es"
    votes = {
        code: sum(len(found) for found in lexicon.signal.findall(folded))
        for code, lexicon in LEXICONS.items()
    }
    ranked = sorted(votes, key=votes.__getitem__, reverse=True)
    best, second = votes[ranked[0]], votes[ranked[1]]
    if best >= second + _CLEAR_MARGIN:
        return ranked[0]
    tied = [code for code in ranked if votes[code] >= best - _CLEAR_MARGIN]
    if len(_LETTERS.findall(raw)) >= _LONG_ENOUGH or (best > 0 and best == second):
        code, probability = _identifier().classify(raw)
        if probability >= _SURE and (code in tied or best == 0):
            return str(code)
    if best > second:
        return ranked[0]
    if hint in LEXICONS and votes[hint] < best:
        return ranked[0]
    return hint
