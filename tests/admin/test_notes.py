"""What ShowUp says about an inbox item is stored as a code and worded for the reader."""

from __future__ import annotations

import pytest

from bot.admin.notes import inbox_note
from bot.admin.texts import AdminTexts

NOTES = {
    "noshow_reason": {"reason": "forgot", "decision": "forgiven"},
    "policy_held": {"strikes": 2.5, "rung": "deposit"},
    "answer_undelivered": {"error": "telegram: Forbidden: bot was blocked by the user"},
    "message_undelivered": {
        "message": "reminder:24h",
        "id": 7,
        "channel": "whatsapp",
        "error": "131026",
    },
}


def test_each_note_in_russian() -> None:
    t = AdminTexts("ru")
    worded = {
        code: inbox_note({"code": code, "params": params}, t) for code, params in NOTES.items()
    }
    assert worded == {
        "noshow_reason": "Причина: забыли о визите; прощено.",
        "policy_held": (
            "2,5 нарушения в силе — по правилам это предоплата, но клиенту правила ещё не "
            "показывали: отправлено только предупреждение. Поговорите с клиентом или решите "
            "сами (/forgive, /block)."
        ),
        "answer_undelivered": (
            "Наш ответ не удалось доставить (telegram: Forbidden: bot was blocked by the user)."
            " Вот он:"
        ),
        "message_undelivered": (
            "Напоминание по записи #7 не доставлено (WhatsApp): 131026. Свяжитесь с клиентом "
            "другим способом."
        ),
    }


@pytest.mark.parametrize("locale", ["en", "es", "tr"])
def test_every_note_in_every_language(locale: str) -> None:
    t = AdminTexts(locale)
    for code, params in NOTES.items():
        assert inbox_note({"code": code, "params": params}, t)


def test_no_note_or_one_from_a_newer_version_is_left_out() -> None:
    t = AdminTexts("en")
    assert inbox_note(None, t) is None
    assert inbox_note({"code": "from_the_future", "params": {}}, t) is None
