"""What ShowUp says about an inbox item is stored as a code and worded for the reader."""

from __future__ import annotations

import pytest

from bot.admin.notes import inbox_note, proposed_time
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


def test_a_time_in_a_note_reads_as_every_admin_text_words_one() -> None:
    """A note stores the salon's local time as ``2026-12-07 12:00``; the admins read it as the
    board and the relay word a time. One an older version stored worded stays as it was."""
    note = {
        "code": "reschedule_approval",
        "params": {"hold": 3, "when": "2026-12-07 12:00", "master": "Vitaly", "until": "11:00"},
    }
    assert inbox_note(note, AdminTexts("es")) == (
        "Quiere cambiarla al lun 07.12 12:00 con Vitaly. La hora queda reservada hasta las "
        "11:00: apruébalo o recházalo abajo."
    )
    assert inbox_note(note, AdminTexts("en")) == (
        "Wants to move it to Mon 07.12 12:00 with Vitaly. The time is held until 11:00: "
        "approve or decline below."
    )
    older = {"code": "move_declined", "params": {"when": "lun 07.12 12:00"}}
    worded = inbox_note(older, AdminTexts("es"))
    assert worded is not None
    assert worded.startswith("Rechazaste el cambio al lun 07.12 12:00;")


@pytest.mark.parametrize("locale", ["en", "ru", "es", "tr"])
def test_a_time_the_client_proposed_is_not_one_they_chose_or_one_showup_found(
    locale: str,
) -> None:
    t = AdminTexts(locale)
    when = "lun 07.12 12:00"
    proposed = proposed_time(None, when, t)
    late = proposed_time({"code": "reschedule_late", "params": {"id": 4}}, when, t)
    chosen = {
        proposed_time({"code": code, "params": {}}, when, t)
        for code in ("reschedule_approval", "move_declined", "move_taken", "move_lapsed")
    }
    found = proposed_time({"code": "waitlist_joined", "params": {"entry": 2}}, when, t)
    assert proposed == late
    assert len(chosen) == 1
    assert len({proposed, *chosen, found}) == 3
    assert all(line.endswith(when) for line in (proposed, *chosen, found))


def test_the_spanish_labels_of_a_time() -> None:
    t = AdminTexts("es")
    chosen = {"code": "reschedule_approval", "params": {}}
    assert proposed_time(None, "lun 07.12 12:00", t) == "Propone: lun 07.12 12:00"
    assert proposed_time(chosen, "lun 07.12 12:00", t) == (
        "Elegida entre las horas libres ofrecidas: lun 07.12 12:00"
    )
