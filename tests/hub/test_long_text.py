"""Splitting long texts for a messenger: parts fit the limit (in UTF-16 units, as Telegram
counts), are numbered, cut at the best boundary, and lose nothing but the whitespace at a cut."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.hub.long_text import measured, split_text, text_limit, trim


def _body(part: str) -> str:
    return part.split(" ", 1)[1]


def test_a_text_that_fits_is_one_unnumbered_message() -> None:
    assert split_text("hello", 10) == ["hello"]
    assert text_limit("telegram") == 4096
    assert text_limit("whatsapp") == 4096


def test_cuts_at_a_paragraph_then_a_sentence_then_a_word_then_anywhere() -> None:
    paragraphs = "First paragraph here.\n\nSecond one, longer than the first."
    assert split_text(paragraphs, 50) == [
        "(1/2) First paragraph here.",
        "(2/2) Second one, longer than the first.",
    ]
    sentences = "One sentence ends. Another starts and goes on"
    assert split_text(sentences, 40) == [
        "(1/2) One sentence ends.",
        "(2/2) Another starts and goes on",
    ]
    words = "alpha beta gamma delta epsilon zeta"
    assert split_text(words, 30) == ["(1/2) alpha beta gamma", "(2/2) delta epsilon zeta"]
    assert split_text("x" * 25, 20) == ["(1/3) " + "x" * 10, "(2/3) " + "x" * 10, "(3/3) xxxxx"]


def test_an_emoji_counts_two_as_telegram_counts_it() -> None:
    assert measured("👍") == 2
    parts = split_text("👍" * 30, 30)
    assert all(measured(part) <= 30 for part in parts)
    assert "".join(_body(part) for part in parts) == "👍" * 30


def test_whitespace_around_a_short_text_is_no_reason_to_number_it() -> None:
    assert split_text("hello" + " " * 40, 20) == ["hello"]
    assert split_text(" " * 40, 20) == [" " * 20]


def test_trim_says_how_much_was_cut() -> None:
    assert trim("short", 10) == ("short", 0)
    kept, cut = trim("word " * 100, 52)
    assert kept == ("word " * 10).rstrip()
    assert cut == 500 - len(kept)


@given(
    text=st.text(
        alphabet=st.one_of(st.sampled_from([" ", "\n", ".", "!", "👍"]), st.characters()),
        max_size=3000,
    ),
    limit=st.integers(min_value=20, max_value=600),
)
@settings(max_examples=300, deadline=None)
def test_parts_fit_and_lose_nothing_but_whitespace(text: str, limit: int) -> None:
    parts = split_text(text, limit)
    assert all(measured(part) <= limit for part in parts)
    if len(parts) == 1:
        assert "".join(parts[0].split()) == "".join(text.split())
        return
    assert [part.split(" ", 1)[0] for part in parts] == [
        f"({n}/{len(parts)})" for n in range(1, len(parts) + 1)
    ]
    assert "".join("".join(_body(part) for part in parts).split()) == "".join(text.split())
