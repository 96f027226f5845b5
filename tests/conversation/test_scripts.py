from __future__ import annotations

import logging
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from bot.conversation.scripts import (
    INTAKE_STEPS,
    SCRIPT_VARIABLES,
    SCRIPTS,
    ScriptBook,
    ScriptError,
    sample_context,
)
from bot.domain.locales import SUPPORTED_LOCALES
from bot.domain.policy import Amount, AttendanceRules
from bot.domain.reminders import Script
from tests.cli.helpers import showup, showup_env
from tests.fakes.scripts import SCRIPTS_DIR, script_book

DAY = timedelta(hours=24)


@pytest.fixture
def scripts_copy(tmp_path: Path) -> Path:
    target = tmp_path / "scripts"
    shutil.copytree(SCRIPTS_DIR, target)
    return target


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_script_of_every_locale_renders_in_that_language(locale: str) -> None:
    book = script_book()
    english = {
        name: book.render_named(name, locale="en", variables=SCRIPT_VARIABLES)[0]
        for name in SCRIPTS
        if name != "intake"
    }
    for name in SCRIPTS:
        if name == "intake":
            for step in INTAKE_STEPS:
                assert book.render_step(step, locale=locale, variables=SCRIPT_VARIABLES)
            continue
        text, _ = book.render_named(name, locale=locale, variables=SCRIPT_VARIABLES)
        assert text
        assert "{{" not in text
        assert "{%" not in text
        if locale != "en":
            assert text != english[name], f"{locale}/{name} is not translated"


def test_reminders_carry_buttons_for_the_appointment_version() -> None:
    rendered = script_book().render(script=Script.REMINDER_ASK, context=sample_context("es"))
    assert [(b.label, b.intent, b.appointment_id, b.version) for b in rendered.buttons] == [
        ("Sí, iré", "confirm", 1, 1),
        ("Cancelar", "cancel", 1, 1),
        ("Cambiar cita", "reschedule", 1, 1),
    ]
    assert "el lunes 23 de noviembre a las 11:00" in rendered.text


def test_an_unknown_variable_is_reported_with_file_and_line(scripts_copy: Path) -> None:
    target = scripts_copy / "es" / "reminder_light.yaml"
    target.write_text("text: |-\n  ¡Hola!\n  Te esperamos, {{ clinet_name }}\n", encoding="utf-8")
    with pytest.raises(ScriptError) as caught:
        ScriptBook.load(scripts_copy, default_locale="en", late_window=DAY)
    assert f"{target}:3: unknown variable 'clinet_name'" in str(caught.value)


def test_syntax_errors_and_long_buttons_are_all_listed(scripts_copy: Path) -> None:
    (scripts_copy / "ru" / "ack_late.yaml").write_text(
        "text: '{% if late %}Опоздание'\n", encoding="utf-8"
    )
    (scripts_copy / "tr" / "policy.yaml").write_text(
        "text: Kurallar\nbuttons:\n  agree: Evet, kuralları okudum ve kabul ediyorum\n",
        encoding="utf-8",
    )
    (scripts_copy / "en" / "fallback.yaml").write_text("text: [unclosed\n", encoding="utf-8")
    with pytest.raises(ScriptError) as caught:
        ScriptBook.load(scripts_copy, default_locale="en", late_window=DAY)
    message = str(caught.value)
    assert f"{scripts_copy / 'ru' / 'ack_late.yaml'}:1:" in message
    assert f"{scripts_copy / 'tr' / 'policy.yaml'}:3: button 'agree' is" in message
    assert f"{scripts_copy / 'en' / 'fallback.yaml'}" in message
    assert "not valid YAML" in message


def test_a_missing_translation_falls_back_to_the_default_locale_with_a_warning(
    scripts_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (scripts_copy / "tr" / "fallback.yaml").unlink()
    book = ScriptBook.load(scripts_copy, default_locale="ru", late_window=DAY)
    with caplog.at_level(logging.WARNING):
        text, _ = book.render_named("fallback", locale="tr", variables=SCRIPT_VARIABLES)
    assert text.startswith("Спасибо!")
    assert "fallback has no tr version" in caplog.text


def test_the_default_locale_must_be_complete(
    scripts_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ShowUp's own folder must hold every script of the default locale: nothing to fall back
    on (a salon's folder falls back on it, see below)."""
    monkeypatch.setattr("bot.conversation.scripts.BUILT_IN", scripts_copy.resolve())
    (scripts_copy / "en" / "noshow_reply.yaml").unlink()
    with pytest.raises(ScriptError, match=r"noshow_reply.yaml: missing"):
        ScriptBook.load(scripts_copy, default_locale="en", late_window=DAY)


def test_templates_are_sandboxed(scripts_copy: Path) -> None:
    (scripts_copy / "en" / "ack_late.yaml").write_text(
        'text: "{{ master.__class__.__mro__ }}"\n', encoding="utf-8"
    )
    with pytest.raises(ScriptError, match="unsafe"):
        ScriptBook.load(scripts_copy, default_locale="en", late_window=DAY)


def test_the_scripts_command_checks_and_previews(tmp_path: Path, scripts_copy: Path) -> None:
    ok = showup(
        tmp_path,
        "scripts",
        "--locale",
        "tr",
        env=showup_env(tmp_path, scripts_dir=str(scripts_copy), loyalty_discount="15%"),
    )
    assert ok.returncode == 0, ok.stderr
    assert "Evet, geleceğim" in ok.stdout
    assert "%15 indirim" in " ".join(ok.stdout.split())  # the reward as a client reads it
    (scripts_copy / "es" / "ack_confirmed.yaml").write_text(
        "text: '{{ fecha }}'\n", encoding="utf-8"
    )
    broken = showup(tmp_path, "scripts", env=showup_env(tmp_path, scripts_dir=str(scripts_copy)))
    assert broken.returncode == 2
    assert "ack_confirmed.yaml:1: unknown variable 'fecha'" in broken.stderr


def test_the_policy_script_tells_the_configured_policy() -> None:
    rules = AttendanceRules(deposit_at=3, block_at=5, deposit=Amount.parse("20"))
    book = ScriptBook.load(
        SCRIPTS_DIR, default_locale="en", late_window=timedelta(hours=48), rules=rules
    )
    variables = {"client_name": "Anna", "salon_name": "Studio", **book.policy_variables("en")}
    text, buttons = book.render_named("policy", locale="en", variables=variables)
    assert "at least 2 days before your visit" in text
    assert "a no-show counts 1, a late cancellation 0.5." in text
    assert "At 3 we ask for a deposit of €20.00 with bookings; at 5 we can no longer" in text
    ru, _ = book.render_named("policy", locale="ru", variables=book.policy_variables("ru"))
    assert "Мы считаем пропуски: неявка — 1, поздняя отмена — 0,5. Набралось 3 —" in ru
    assert buttons == {"agree": "I agree"}


def test_a_salons_own_folder_without_a_newer_script_falls_back_on_showups(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A folder copied before ``ack_agreed`` and the waitlist's scripts existed still starts:
    the missing ones come from ShowUp's own folder, with a warning naming both files."""
    own = tmp_path / "scripts"
    shutil.copytree(SCRIPTS_DIR, own)
    for name in ("ack_agreed", "waitlist_offer"):
        (own / "ru" / f"{name}.yaml").unlink()
    with caplog.at_level(logging.WARNING):
        book = ScriptBook.load(own, default_locale="ru", late_window=DAY)
    assert f"{own / 'ru' / 'ack_agreed.yaml'} is missing: using ShowUp's own" in caplog.text
    assert "waitlist_offer.yaml is missing" in caplog.text
    variables = book.variables(context=sample_context("ru"), locale="ru")
    text, _ = book.render_named("ack_agreed", locale="ru", variables=variables)
    assert "Anna" in text  # ShowUp's own Russian thanks, with the client's name
