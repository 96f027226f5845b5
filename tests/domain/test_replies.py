"""Reply understanding against a labelled corpus of messages written as clients write them."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain.replies import Intent, intent_from_button, parse_reply

MADRID = ZoneInfo("Europe/Madrid")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=MADRID)  # a Monday morning
CORPUS = Path(__file__).parent / "corpus" / "replies.tsv"


def load_corpus() -> list[tuple[str, Intent, str]]:
    rows = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, intent, when = [*line.split("\t"), ""][:3]
        rows.append((text, Intent(intent), when))
    return rows


def render_when(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(MADRID).strftime("%Y-%m-%dT%H:%M")
    return value.isoformat()


def test_corpus_accuracy_and_no_confirm_cancel_mixups() -> None:
    corpus = load_corpus()
    assert len(corpus) >= 300
    wrong: list[str] = []
    mixups: list[str] = []
    confusion: Counter[tuple[Intent, Intent]] = Counter()
    for text, expected, _ in corpus:
        got = parse_reply(text, now=NOW, tz=MADRID).intent
        confusion[expected, got] += 1
        if got is not expected:
            wrong.append(f"{text!r}: expected {expected}, got {got}")
            if {got, expected} == {Intent.CONFIRM, Intent.CANCEL}:
                mixups.append(text)
    accuracy = 1 - len(wrong) / len(corpus)
    print(f"\n{len(corpus)} messages, accuracy {accuracy:.1%}; misread:\n" + "\n".join(wrong))
    assert mixups == []
    assert accuracy >= 0.95, "\n".join(wrong)


def test_proposed_times_are_read() -> None:
    misread = []
    for text, _, when in load_corpus():
        if when:
            got = render_when(parse_reply(text, now=NOW, tz=MADRID).when)
            if got != when:
                misread.append(f"{text!r}: expected {when}, got {got or None}")
    assert misread == []


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("не забуду, приду", Intent.CONFIRM),
        ("can't wait, see you", Intent.CONFIRM),
        ("no problem, I'll be there", Intent.CONFIRM),
        ("не смогу", Intent.CANCEL),
        ("no puedo", Intent.CANCEL),
        ("can't today, can we do Friday?", Intent.RESCHEDULE),
        ("Да, приду... хотя нет, не смогу", Intent.OTHER),
        ("", Intent.OTHER),
    ],
)
def test_the_cases_named_in_the_issue(text: str, intent: Intent) -> None:
    assert parse_reply(text, now=NOW, tz=MADRID).intent is intent


def test_buttons_map_straight_to_intents() -> None:
    reply = intent_from_button("cancel")
    assert (reply.intent, reply.confidence) == (Intent.CANCEL, 1.0)
