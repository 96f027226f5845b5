"""Fitting long texts into a messenger's limit: parts cut on paragraph, line, sentence or word
boundaries and numbered "(1/3)", and a cap beyond which a text is trimmed with a note."""

from __future__ import annotations

import re

#: the most characters one message may hold, per channel (the platforms' own limits)
TEXT_LIMITS = {"telegram": 4096, "whatsapp": 4096}
DEFAULT_LIMIT = 4096
#: room kept in every part for its number, e.g. "(12/13) "
NUMBER_ROOM = len("(999/999) ")
_SENTENCE_END = re.compile(r"[.!?…。](?=\s)")
_SPACE = re.compile(r"\s")


def text_limit(channel: str) -> int:
    return TEXT_LIMITS.get(channel, DEFAULT_LIMIT)


def measured(text: str) -> int:
    """The length Telegram measures: UTF-16 code units (an emoji counts two); never less than
    the number of characters, so a part that fits this measure fits any of them."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def split_text(text: str, limit: int) -> list[str]:
    """``text`` as one message if it fits ``limit``, else as numbered parts that each fit."""
    if measured(text) <= limit:
        return [text]
    budget = limit - NUMBER_ROOM
    pieces: list[str] = []
    rest = text
    while measured(rest) > budget:
        cut = _cut(rest, budget)
        piece, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        if piece:
            pieces.append(piece)
    if rest:
        pieces.append(rest)
    if len(pieces) <= 1:  # all but one piece was whitespace
        return pieces or [text[: _fitting(text, limit)]]
    return [f"({n}/{len(pieces)}) {piece}" for n, piece in enumerate(pieces, start=1)]


def trim(text: str, cap: int) -> tuple[str, int]:
    """``text`` cut to at most ``cap`` characters (at a word boundary when there is one near the
    end) and how many characters were cut."""
    if len(text) <= cap:
        return text, 0
    kept = text[:cap]
    space = kept.rfind(" ", cap - 200)
    if space > 0:
        kept = kept[:space]
    kept = kept.rstrip()
    return kept, len(text) - len(kept)


def _cut(text: str, budget: int) -> int:
    """Where to end the next part: the last paragraph break, else line break, else sentence end,
    else space in the second half of what fits; else exactly at what fits."""
    end = _fitting(text, budget)
    window = text[:end]
    half = end // 2
    for mark in ("\n\n", "\n"):
        found = window.rfind(mark, half)
        if found > 0:
            return found
    sentences = [m.end() for m in _SENTENCE_END.finditer(window, half)]
    if sentences:
        return sentences[-1]
    spaces = [m.start() for m in _SPACE.finditer(window, half)]
    return spaces[-1] if spaces and spaces[-1] > 0 else end


def _fitting(text: str, budget: int) -> int:
    """How many characters of ``text`` fit ``budget`` UTF-16 code units (at least one)."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > budget:
            return max(index, 1)
    return len(text)
