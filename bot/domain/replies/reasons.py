"""Why a client missed a visit, from their answer to "what happened?": one word list per
language (Spanish "hasta luego" is not Turkish "hasta", ill), in the message's language.

Each reason scores the words of its list found in the message; the highest wins, ties go to
the reason listed first (illness and emergencies, then forgetting, transport, changed plans).
An accident on the road is transport when the road is mentioned, else an emergency.
"""

from __future__ import annotations

import re

from bot.domain.replies.language import detect_language
from bot.domain.replies.text import fold

REASONS = ("illness", "forgot", "transport", "plans_changed")

# a word table: several words to a line reads better than one per line
# fmt: off
_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "ru": {
        "illness": (
            r"забол\w*", r"болел\w*", r"болею", r"болезн\w*", r"температур\w*", r"врач\w*",
            r"больниц\w*", r"скор\w+ помощ\w*", r"скорую", r"экстрен\w*", r"авари\w*",
            r"давлени\w*", r"в постели", r"лежал\w*", r"умер\w*", r"похорон\w*", r"отравил\w*",
            r"мигрен\w*", r"сломал\w* (?:руку|ногу)", r"травм\w*", r"простуд\w*", r"грипп\w*",
            r"ковид\w*", r"бол\w+ (?:голова|зуб)", r"плохо себя", r"в больнице", r"не стало",
            r"скончал\w*", r"zabolel\w*", r"bolel\w*",
        ),
        "forgot": (
            r"забыл\w*", r"забыла", r"вылетело", r"из головы", r"перепутал\w*", r"проспал\w*",
            r"уснул\w*", r"не посмотрел\w*", r"думал\w*,? что", r"zabyl\w*", r"zabila",
        ),
        "transport": (
            r"пробк\w*", r"автобус\w*", r"метро", r"такси", r"машин\w*", r"электричк\w*",
            r"маршрутк\w*", r"колесо", r"навигатор\w*", r"заблудил\w*", r"не довез\w*",
            r"на мосту", r"дорог[аеиу]", r"сломал\w*ся", r"заглох\w*", r"probk\w*", r"avtobus\w*",
            r"поезд\w*", r"ne doehal\w*", r"снег\w*", r"занесло",
        ),
        "plans_changed": (
            r"планы", r"работ\w*", r"задержал\w*", r"не смог\w*", r"обстоятельств\w*",
            r"командировк\w*", r"дет\w+ (?:не с кем|оставить)", r"не с кем оставить", r"гости",
            r"родител\w*", r"срочно вызвали", r"совещан\w*", r"начальник\w*", r"дела",
            r"собрани\w*", r"rabot\w*", r"zaderzhal\w*", r"срочно",
        ),
    },
    "en": {
        "illness": (
            r"sick", r"ill", r"fever", r"doctor", r"hospital", r"emergency", r"flu", r"funeral",
            r"passed away", r"died", r"food poisoning", r"migraine", r"broke my \w+", r"injur\w*",
            r"\ber\b", r"covid", r"cold", r"unwell", r"vomit\w*", r"accident",
        ),
        "forgot": (
            r"forg[oe]t\w*", r"frogot", r"slipped my mind", r"mixed up", r"confused the",
            r"overslept", r"slept (?:through|in)", r"fell asleep", r"out of my head",
            r"got the (?:time|day|date) wrong", r"spaced", r"thought it was",
        ),
        "transport": (
            r"traffic", r"trafic", r"bus", r"train", r"metro", r"subway", r"taxi", r"uber",
            r"car broke", r"flat tire", r"flat tyre", r"tire", r"got lost", r"gps", r"snowed in",
            r"parking", r"bridge", r"road", r"drove", r"the car",
        ),
        "plans_changed": (
            r"plans? changed", r"work", r"meeting", r"something came up", r"came up",
            r"babysitter", r"family", r"parents", r"guests", r"kids", r"boss", r"shift",
        ),
    },
    "es": {
        "illness": (
            r"enferm\w*", r"medico", r"hospital\w*", r"urgencias", r"emergencia", r"fiebre",
            r"accidente", r"gripe", r"falleci\w*", r"murio", r"intoxic\w*", r"migrana",
            r"me rompi", r"operaron", r"vomit\w*", r"resfri\w*", r"covid", r"intoxi\w*",
            r"dentista", r"dolor\w*", r"en cama",
        ),
        "forgot": (
            r"olvid\w*", r"olvdio", r"se me paso", r"me confundi", r"dormid[ao]", r"de la cabeza",
            r"ni me acordaba", r"no me acorde", r"pense que era",
        ),
        "transport": (
            r"trafico", r"atasco", r"autobus", r"bus", r"tren", r"metro", r"coche", r"auto",
            r"averi\w*", r"rueda", r"uber", r"taxi", r"me perdi", r"gps", r"colectivo",
            r"tranc[oó]n", r"puente", r"camion", r"se descompuso",
        ),
        "plans_changed": (
            r"planes", r"trabajo", r"reunion", r"surgio", r"no pude", r"chamba", r"oficina",
            r"ninos", r"peques", r"padres", r"visita\w*", r"jefe",
        ),
    },
    "tr": {
        "illness": (
            r"hasta\w*", r"hastane\w*", r"doktor\w*", r"ates\w*", r"acil(?!en)\w*", r"cenaze\w*",
            r"vefat", r"zehirlen\w*", r"migren", r"kirdim", r"grip", r"rahatsiz\w*",
            r"ameliyat\w*", r"kaza",
        ),
        "forgot": (
            r"unuttum", r"unutmusum", r"aklimdan cik\w*", r"karistirdim", r"uyuya ?kal\w*",
            r"unut\w*",
        ),
        "transport": (
            r"trafik\w*", r"otobus\w*", r"metrobus\w*", r"metro", r"arabam\w*", r"yol kapali",
            r"lastig\w*", r"taksi\w*", r"kayboldum", r"navigasyon\w*", r"minibus\w*", r"kopru\w*",
            r"dolmus\w*", r"yolda", r"tren\w*",
        ),
        "plans_changed": (
            r"planim\w*", r"planlarim\w*", r"is(?:te|ten|e|i|im|imden|ler|teydim)?", r"acilen",
            r"toplanti\w*", r"gelemedim", r"cagirdilar", r"birakmadilar", r"tuttular",
            r"misafir\w*", r"cocuk\w*", r"annem\w*", r"esim",
        ),
    },
}
# fmt: on


def _compile(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(fold(word) for word in words) + r")(?!\w)")


_PATTERNS = {
    language: {reason: _compile(words) for reason, words in reasons.items()}
    for language, reasons in _WORDS.items()
}


def reason_of(text: str, *, language: str | None = None) -> str:
    """``illness``, ``forgot``, ``transport``, ``plans_changed`` or ``other`` (no reason given,
    another one, or just "sorry, see you")."""
    folded = fold(text)
    code = language if language in _PATTERNS else detect_language(text, folded, hint="en")
    patterns = _PATTERNS[code or "en"]
    scores = {reason: len(patterns[reason].findall(folded)) for reason in REASONS}
    if scores["transport"] and scores["illness"] and _road_accident(folded, code or "en"):
        scores["illness"] = 0
    best = max(REASONS, key=lambda reason: scores[reason])
    return best if scores[best] else "other"


def _road_accident(folded: str, language: str) -> bool:
    accident = {"ru": "авари", "en": "accident", "es": "accidente", "tr": "kaza"}[language]
    return fold(accident) in folded
