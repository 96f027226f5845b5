"""Hypothesis strategies that damage JSON the way a buggy or hostile sender would: fields dropped,
values of the wrong type, huge strings and numbers, unicode no database stores (NUL, lone
surrogates), deep nesting, a list where an object belongs."""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import strategies as st

#: strings that have broken parsers, databases and log lines before
NASTY_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "\ud800",
        "x\udfffy",
        "\u202eevil",
        "🧨" * 3,
        "ß\u0301",
        "\u0661\u0662\u0663",  # Arabic-Indic digits: str.isdigit() says yes
        "²",  # superscript two: isdigit() yes, int() no
        "9" * 40,
        "-1",
        "0",
        "/start",
        "/start \ud800",
        "/today",
        "/day 2026-13-45",
        "r:confirm:1:1",
        "confirm:1:1",
        "null",
        "%s%s%n",
        "<b>",
        "' OR 1=1 --",
    ]
)
TEXT = st.one_of(st.text(max_size=30), NASTY_TEXT)
UNITS = ["a", "я", "🧨", "\ud800", "\x00"]
#: a placeholder that ``encoded`` turns into a string that long (hypothesis would print it)
HUGE_TEXT = st.builds(
    "\x1ehuge:{}:{}\x1e".format, st.integers(0, len(UNITS) - 1), st.integers(1_000, 60_000)
)
HUGE_INT = st.sampled_from([2**31, 2**53 + 1, 2**63, 2**64, -(2**63) - 1, 10**40, -(10**40)])
NUMBER = st.one_of(st.integers(), HUGE_INT, st.floats(allow_nan=True, allow_infinity=True))
SCALAR = st.one_of(st.none(), st.booleans(), NUMBER, TEXT)
JUNK: st.SearchStrategy[Any] = st.recursive(
    SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


DEEP_MARK = re.compile(r'"\\u001edeep:(\d+)\\u001e"')
HUGE_MARK = re.compile(r'"\\u001ehuge:(\d+):(\d+)\\u001e"')
#: a placeholder that ``encoded`` turns into arrays nested that deep (hypothesis could not
#: print a deeply nested value of a failing example)
DEEP = st.integers(50, 3_000).map(lambda depth: f"\x1edeep:{depth}\x1e")


def encoded(body: Any, *, ascii_only: bool = True) -> bytes:
    """``body`` as JSON bytes, with each ``DEEP`` placeholder nested as deep as it says."""
    text = json.dumps(body, ensure_ascii=ascii_only)
    text = DEEP_MARK.sub(lambda m: "[" * int(m[1]) + "1" + "]" * int(m[1]), text)
    text = HUGE_MARK.sub(lambda m: json.dumps(UNITS[int(m[1])] * int(m[2])), text)
    try:
        return text.encode()
    except UnicodeEncodeError:  # a lone surrogate: only the \\u escape carries it
        return encoded(body)


@st.composite
def mutated(draw: st.DrawFn, value: Any, rate: float = 0.15) -> Any:
    """``value`` with some of its parts damaged (each part with probability about ``rate``)."""
    if draw(st.floats(0, 1)) < rate:
        return draw(
            st.one_of(
                JUNK,
                st.just([value]),  # a list where an object (or a string) belongs
                HUGE_TEXT,
                HUGE_INT,
                DEEP,
                NASTY_TEXT,
            )
        )
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if draw(st.floats(0, 1)) < rate / 2:
                continue  # dropped
            out[key] = draw(mutated(item, rate))
        return out
    if isinstance(value, list):
        return [draw(mutated(item, rate)) for item in value]
    return value
