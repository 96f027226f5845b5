"""Scoring reply understanding against a labelled corpus (JSONL, one reply per line).

The format is ``tests/domain/corpus/FORMAT.md``: ``text``, ``language``, ``intent``, ``now``
and ``booked_at`` (salon-local ``YYYY-MM-DDTHH:MM``, ``booked_at`` may be null), ``when`` (the
expected proposal or arrival, or null) and optional ``tags``. Used by the tests and by
``python -m benchmarks.replies --corpus PATH``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.domain.replies.parse import parse_reply
from bot.domain.replies.reasons import reason_of
from bot.domain.replies.text import Intent, Reply
from bot.errors import InvalidInputError

#: corpus times are salon-local; any zone reads them the same way
ZONE = ZoneInfo("Europe/Madrid")
_TIMED = {Intent.RESCHEDULE, Intent.LATE}


@dataclass(frozen=True, slots=True)
class Case:
    text: str
    language: str
    intent: Intent
    now: datetime
    booked_at: datetime | None
    when: str | None
    tags: tuple[str, ...]
    line: int

    @property
    def asks(self) -> bool:
        return "question" in self.tags or "?" in self.text


def load_cases(text: str, *, source: str) -> list[Case]:
    """Every case of a JSONL corpus; a bad line is an error naming the source and line."""
    cases = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            booked = row.get("booked_at")
            cases.append(
                Case(
                    text=str(row["text"]),
                    language=str(row["language"]),
                    intent=Intent(row["intent"]),
                    now=datetime.fromisoformat(row["now"]).replace(tzinfo=ZONE),
                    booked_at=datetime.fromisoformat(booked).replace(tzinfo=ZONE)
                    if booked
                    else None,
                    when=row.get("when") or None,
                    tags=tuple(row.get("tags") or ()),
                    line=number,
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidInputError(f"{source}, line {number}: {exc!r}") from exc
    return cases


def render_when(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(ZONE).strftime("%Y-%m-%dT%H:%M")
    return value.isoformat()


def read_case(case: Case) -> Reply:
    return parse_reply(
        case.text, now=case.now, tz=ZONE, booked_at=case.booked_at, locale_hint=None
    )


@dataclass
class Score:
    """How a corpus was read."""

    total: int = 0
    right: int = 0
    by_language: Counter[str] = field(default_factory=Counter)
    right_by_language: Counter[str] = field(default_factory=Counter)
    by_intent: Counter[Intent] = field(default_factory=Counter)
    right_by_intent: Counter[Intent] = field(default_factory=Counter)
    confusion: Counter[tuple[Intent, Intent]] = field(default_factory=Counter)
    timed: int = 0  # reschedule/late cases read with the right intent
    timed_right: int = 0  # …and the right ``when``
    language_right: int = 0
    wrong: list[str] = field(default_factory=list)
    wrong_when: list[str] = field(default_factory=list)
    mixups: list[str] = field(default_factory=list)  # confirm read as cancel or back
    acted_on_questions: list[str] = field(default_factory=list)
    cancels: list[tuple[float, bool]] = field(default_factory=list)  # (confidence, right)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0


def score(cases: list[Case]) -> Score:
    result = Score()
    for case in cases:
        reply = read_case(case)
        got = reply.intent
        result.total += 1
        result.by_language[case.language] += 1
        result.by_intent[case.intent] += 1
        result.confusion[case.intent, got] += 1
        result.language_right += reply.language == case.language
        where = f"line {case.line} [{case.language}] {case.text!r}"
        if got is Intent.CANCEL:
            result.cancels.append((reply.confidence, case.intent is Intent.CANCEL))
        if got is case.intent:
            result.right += 1
            result.right_by_language[case.language] += 1
            result.right_by_intent[case.intent] += 1
        else:
            result.wrong.append(f"{where}: expected {case.intent}, got {got}")
            if {got, case.intent} == {Intent.CONFIRM, Intent.CANCEL}:
                result.mixups.append(where)
            if case.asks and got in {Intent.CONFIRM, Intent.CANCEL}:
                result.acted_on_questions.append(f"{where}: read as {got}")
        if case.intent in _TIMED and got is case.intent:
            result.timed += 1
            shown = render_when(reply.when)
            if shown == case.when:
                result.timed_right += 1
            else:
                result.wrong_when.append(f"{where}: expected {case.when}, got {shown}")
    return result


@dataclass
class ReasonScore:
    """How a corpus of no-show explanations was read."""

    total: int = 0
    right: int = 0
    by_language: Counter[str] = field(default_factory=Counter)
    right_by_language: Counter[str] = field(default_factory=Counter)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    wrong: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0


def score_reasons(text: str, *, source: str) -> ReasonScore:
    """Score ``reason_of`` on a JSONL corpus of ``{"text", "language", "reason"}`` lines."""
    result = ReasonScore()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            words, language, expected = str(row["text"]), str(row["language"]), row["reason"]
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidInputError(f"{source}, line {number}: {exc!r}") from exc
        got = reason_of(words)
        result.total += 1
        result.by_language[language] += 1
        result.confusion[expected, got] += 1
        if got == expected:
            result.right += 1
            result.right_by_language[language] += 1
        else:
            result.wrong.append(f"line {number} [{language}] {words!r}: {expected}, got {got}")
    return result
