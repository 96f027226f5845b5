from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.cli.helpers import showup, showup_env
from tests.fakes.scripts import SCRIPTS_DIR

# a real `showup` process reads the machine's clock and zone
pytestmark = pytest.mark.clock


def test_a_wrong_setting_stops_with_the_variable_named(tmp_path: Path) -> None:
    env = showup_env(tmp_path, timezone="Mars/Base", late_cancel_window="soon")
    result = showup(tmp_path, "today", env=env)
    assert result.returncode == 2
    assert "SHOWUP_TIMEZONE: unknown time zone 'Mars/Base'" in result.stderr
    assert "SHOWUP_LATE_CANCEL_WINDOW" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_typo_in_dotenv_is_named(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SHOWUP_TIMEZOEN=Europe/Madrid\n", encoding="utf-8")
    result = showup(tmp_path, "today")
    assert result.returncode == 2
    assert "SHOWUP_TIMEZOEN: no such setting" in result.stderr


def test_an_unmigrated_database_says_what_to_run(tmp_path: Path) -> None:
    result = showup(tmp_path, "today")
    assert result.returncode == 1
    assert "showup db upgrade" in result.stderr
    status = showup(tmp_path, "db", "status")
    assert status.returncode == 1
    assert "none (not migrated)" in status.stdout


def test_book_and_board(tmp_path: Path) -> None:
    assert showup(tmp_path, "db", "upgrade").returncode == 0
    showup(tmp_path, "staff", "add", "Vitaly")
    showup(tmp_path, "services", "add", "Haircut", "--minutes", "45", "--price", "30")
    booked = showup(
        tmp_path,
        "book",
        "--phone",
        "600111222",
        "--name",
        "Anna",
        "--at",
        "2030-03-04 11:00",
        "--service",
        "haircut",
        "--master",
        "vitaly",
    )
    assert booked.returncode == 0, booked.stderr
    assert "Booked #1: Anna (+34600111222) — new client, Haircut with Vitaly" in booked.stdout
    assert "11:00–11:45 (Europe/Madrid)" in booked.stdout
    clash = showup(
        tmp_path,
        "book",
        "--phone",
        "600333444",
        "--name",
        "Boris",
        "--at",
        "2030-03-04 11:30",
        "--service",
        "Haircut",
        "--master",
        "Vitaly",
    )
    assert clash.returncode == 1
    assert "busy" in clash.stderr
    unknown = showup(
        tmp_path,
        "book",
        "--phone",
        "600333444",
        "--at",
        "2030-03-04 15:00",
        "--service",
        "Massage",
        "--master",
        "Vitaly",
    )
    assert "unknown service 'Massage' (services: Haircut)" in unknown.stderr
    board = showup(tmp_path, "today", "--date", "2030-03-04")
    assert "1 appointment: 1 awaiting answer" in board.stdout
    outbox = showup(tmp_path, "outbox")
    assert outbox.returncode == 0, outbox.stderr
    assert "pending: 3" in outbox.stdout  # confirmation, 24 h and 1 h reminders
    assert "Next message due" in outbox.stdout


def test_help_lists_the_commands(tmp_path: Path) -> None:
    result = showup(tmp_path, "--help")
    assert result.returncode == 0
    for command in ("run", "book", "today", "import", "db", "staff", "services", "api-token"):
        assert command in result.stdout


def test_classify_reads_stdin_and_prints_json_lines(tmp_path: Path) -> None:
    messages = "Сегодня не смогу, можно в четверг?\n\nyes\nQuiero cancelar\nsaat kaçta?\nok\n"
    result = showup(
        tmp_path, "classify", "--now", "2026-11-23T10:00", "--tz", "Europe/Madrid", stdin=messages
    )
    assert result.returncode == 0, result.stderr
    read = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["text"], r["intent"], r["when"], r["language"]) for r in read] == [
        ("Сегодня не смогу, можно в четверг?", "reschedule", "2026-11-26", "ru"),
        ("yes", "confirm", None, "en"),
        ("Quiero cancelar", "cancel", None, "es"),
        ("saat kaçta?", "other", None, "tr"),
        ("ok", "confirm", None, None),
    ]
    assert all(0 < r["confidence"] <= 1 for r in read)
    bad = showup(tmp_path, "classify", "--tz", "Mars/Base")
    assert bad.returncode == 2
    assert "not a time zone" in bad.stderr


def test_classify_reads_times_relative_to_the_booking(tmp_path: Path) -> None:
    args = ["classify", "--now", "2026-11-23T10:00", "--tz", "Europe/Madrid", "--locale", "tr"]
    booked = [*args, "--booked-at", "2026-11-24T14:00"]
    result = showup(tmp_path, *booked, stdin="an hour later?\nok\n")
    assert result.returncode == 0, result.stderr
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert (first["intent"], first["when"]) == ("reschedule", "2026-11-24T15:00")
    assert second["language"] == "tr"  # too short to tell: --locale
    unbooked = json.loads(showup(tmp_path, *args, stdin="an hour later?\n").stdout)
    assert unbooked["when"] is None
    bad = showup(tmp_path, *args, "--booked-at", "tomorrow")
    assert bad.returncode == 2
    assert "--booked-at 'tomorrow'" in bad.stderr


def test_chat_as_a_client_confirms_with_a_button(tmp_path: Path) -> None:
    assert showup(tmp_path, "db", "upgrade").returncode == 0
    showup(tmp_path, "staff", "add", "Vitaly")
    showup(tmp_path, "services", "add", "Haircut", "--minutes", "60", "--price", "30")
    showup(
        tmp_path,
        "book",
        "--phone",
        "+34600111222",
        "--name",
        "Anna",
        "--at",
        "2030-03-04 11:00",
        "--service",
        "Haircut",
        "--master",
        "Vitaly",
    )
    result = showup(
        tmp_path,
        "chat",
        "--phone",
        "600111222",
        stdin="/remind\n1\nwhere are you exactly?\n/quit\n",
    )
    assert result.returncode == 0, result.stderr
    assert "Will you come?" in result.stdout
    assert "1 Yes, I'll come" in result.stdout
    assert "Thank you, Anna!" in result.stdout
    assert "passed your message to the administrator" in result.stdout
    board = showup(tmp_path, "today", "--date", "2030-03-04")
    assert "confirmed" in board.stdout
    assert showup(tmp_path, "chat").returncode == 1  # neither --phone nor --client-id


def test_demo_plays_a_salon_day_in_four_languages(tmp_path: Path) -> None:
    result = showup(tmp_path, "demo")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for expected in (
        "ShowUp → Mercedes: ¡Hola!",  # intake of a stranger, in her language
        "[Acepto]",  # the policy button
        "ShowUp → Anna: Здравствуйте, Anna! Напоминаем о записи",  # the 24 h reminder
        "Good news, Ben: Friday, November 27, 5:00\u202fPM is free with Vitaly",  # his wish, free
        "Done, your visit is moved: Haircut with Vitaly, Friday, November 27",  # one tap moves it
        "esta vez no cuenta como cancelación tardía",  # late, but she is ill: excused
        "Haber verdiğiniz için teşekkürler",  # running late
        "🚫 1 no-show · 🟢 1 arrived · ❌ 1 late cancellation",  # the admin's board
        "· no-show · 🔁 asks for a new time · #1",  # Olga's wish after her no-show, shown
        "👋 New person: Hola, ¿tenéis hueco esta semana?",  # the same desk as `showup run`
        "🔁 Reschedule request: Ой, простите",  # the admin inbox
    ):
        assert expected in out, expected
    assert "Traceback" not in result.stderr


def test_noshows_report_and_a_wrong_policy_setting(tmp_path: Path) -> None:
    assert showup(tmp_path, "db", "upgrade").returncode == 0
    report = showup(tmp_path, "noshows", "--days", "7")
    assert report.returncode == 0, report.stderr
    assert (
        "No-shows in the last 7 days: no appointments in that time; no late cancellations"
        in report.stdout
    )
    assert showup(tmp_path, "noshows", "--days", "0").returncode == 1
    wrong = showup(tmp_path, "noshows", env=showup_env(tmp_path, strike_ladder="3,2,1"))
    assert wrong.returncode == 2
    assert "SHOWUP_STRIKE_LADDER" in wrong.stderr


def test_whatsapp_templates_for_submission(tmp_path: Path) -> None:
    readable = showup(tmp_path, "whatsapp", "templates", "--locale", "es")
    assert readable.returncode == 0, readable.stderr
    assert "showup_reminder_ask · es · UTILITY" in readable.stdout
    assert "¡Hola, {{1}}! Te recordamos tu cita: {{2}} con {{3}}" in readable.stdout
    assert "[quick reply] Sí, iré" in readable.stdout
    assert "showup_reminder_ask · ru" not in readable.stdout
    for variant in ("", "_deposit", "_discount", "_deposit_discount"):  # optional parts
        assert f"showup_booking_confirmation{variant} · es · UTILITY" in readable.stdout

    as_json = showup(tmp_path, "whatsapp", "templates", "--locale", "ru", "--json")
    first = json.loads(as_json.stdout.split("\n}\n")[0] + "\n}")
    assert first["name"] == "showup_booking_confirmation"
    assert first["components"][0]["example"]["body_text"][0][0] == "Anna"


def test_whatsapp_template_names_file_is_checked(tmp_path: Path) -> None:
    scripts = tmp_path / "scripts"
    shutil.copytree(SCRIPTS_DIR, scripts)
    (scripts / "whatsapp_templates.yaml").write_text(
        "es:\n  reminder_ask: {name: recordatorio_cita, language: es_ES}\n", encoding="utf-8"
    )
    env = showup_env(tmp_path, scripts_dir=str(scripts))
    renamed = showup(tmp_path, "whatsapp", "templates", "--locale", "es", env=env)
    assert "recordatorio_cita · es_ES · UTILITY" in renamed.stdout
    (scripts / "whatsapp_templates.yaml").write_text(
        "es:\n  intake: {name: x}\n", encoding="utf-8"
    )
    broken = showup(tmp_path, "whatsapp", "templates", env=env)
    assert broken.returncode == 2
    assert "es/intake is not a templated script" in broken.stderr


def test_inbox_queue_lists_parked_updates_and_retries_them(tmp_path: Path) -> None:
    assert showup(tmp_path, "db", "upgrade").returncode == 0
    idle = showup(tmp_path, "inbox-queue")
    assert idle.returncode == 0
    assert "waiting: 0 (retrying: 0)  parked: 0" in idle.stdout
    assert "Every received message has been handled." in idle.stdout
    with sqlite3.connect(tmp_path / "var" / "showup.db") as db:
        db.execute(
            "INSERT INTO inbound_updates (id, channel, external_id, sender, payload, status,"
            " attempts, due_at, received_at, last_error) VALUES (7, 'telegram', '901',"
            " '[bold]5550', '{}', 'parked', 5, '2026-11-23 08:00:00', '2026-11-23 08:00:00',"
            " 'RuntimeError: [red]boom[/]')"
        )
    listed = showup(tmp_path, "inbox-queue")
    assert "parked: 1" in listed.stdout
    # markup-like text in a sender or an error is printed as it is, not interpreted
    assert (
        "parked #7 telegram from [bold]5550 received 2026-11-23 09:00 after 5 attempts: "
        "RuntimeError: [red]boom[/]" in listed.stdout
    )
    assert "showup inbox-queue --retry ID" in listed.stdout
    wrong = showup(tmp_path, "inbox-queue", "--retry", "8")
    assert "Queued again: 0 parked updates." in wrong.stdout
    assert "not parked updates" in wrong.stdout
    retried = showup(tmp_path, "inbox-queue", "--retry", "7")
    assert "Queued again: 1 parked update." in retried.stdout
    assert "waiting: 1 (retrying: 0)  parked: 0" in retried.stdout
