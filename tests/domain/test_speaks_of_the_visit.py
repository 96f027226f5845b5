# ruff: noqa: RUF001 - Turkish words have the dotless i by design
"""What tells a reply about the visit from an answer to another question (the intake's, the
no-show's): words about coming, not coming, cancelling, moving or running late; a bare yes or
no, or one wrapped around another answer, is not."""

from __future__ import annotations

import pytest

from bot.domain.replies import speaks_of_the_visit

ABOUT_THE_VISIT = [
    ("да, приду", "ru"),
    ("не смогу", "ru"),
    ("отмените запись", "ru"),
    ("перенесите на четверг", "ru"),
    ("опаздываю на 10 минут", "ru"),
    ("I'll be there", "en"),
    ("can't make it", "en"),
    ("sí, iré", "es"),
    ("no podré ir", "es"),
    ("Evet, geleceğim", "tr"),
    ("randevumu iptal edin", "tr"),
]
OTHER_ANSWERS = [
    ("да", "ru"),
    ("нет", "ru"),
    ("Да, к Марте", "ru"),
    ("Нет, не делала", "ru"),
    ("не смогла прийти, заболела", "ru"),  # the past: a no-show's reason
    ("yes, with Marta", "en"),
    ("no, anyone is fine", "en"),
    ("sí, con Marta", "es"),
    ("no, cualquiera", "es"),
    ("Hayır", "tr"),
    ("Evet, Ayşe Hanım'a", "tr"),
    ("Принимаю", "ru"),
]


@pytest.mark.parametrize(("text", "locale"), ABOUT_THE_VISIT)
def test_a_reply_about_the_visit(text: str, locale: str) -> None:
    assert speaks_of_the_visit(text, locale_hint=locale)


@pytest.mark.parametrize(("text", "locale"), OTHER_ANSWERS)
def test_an_answer_to_another_question(text: str, locale: str) -> None:
    assert not speaks_of_the_visit(text, locale_hint=locale)
