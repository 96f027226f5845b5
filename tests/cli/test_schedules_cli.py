"""``showup hours``, ``showup time-off``, ``showup slots`` and ``showup book --force``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.helpers import showup

# a real `showup` process reads the machine's clock (the dates are in 2030, always ahead)
pytestmark = pytest.mark.clock


def _book(tmp_path: Path, at: str, *extra: str) -> tuple[int, str, str]:
    done = showup(
        tmp_path,
        "book",
        "--phone",
        "600111222",
        "--name",
        "Anna",
        "--at",
        at,
        "--service",
        "haircut",
        "--master",
        "vitaly",
        *extra,
    )
    return done.returncode, done.stdout, done.stderr


def test_hours_time_off_slots_and_a_forced_booking(tmp_path: Path) -> None:
    assert showup(tmp_path, "db", "upgrade").returncode == 0
    showup(tmp_path, "staff", "add", "Vitaly")
    showup(tmp_path, "services", "add", "Haircut", "--minutes", "60", "--price", "30")
    hours = showup(
        tmp_path, "hours", "set", "vitaly", "mon-fri 10:00-14:00,15:00-19:00", "--buffer", "10"
    )
    assert hours.returncode == 0, hours.stderr
    assert "Vitaly works mon-fri 10:00-14:00,15:00-19:00" in hours.stdout
    shown = showup(tmp_path, "hours", "show")
    assert "mon-fri 10:00-14:00,15:00-19:00" in shown.stdout
    assert "10 min" in shown.stdout
    off = showup(
        tmp_path,
        "time-off",
        "add",
        "vitaly",
        "--from",
        "2030-03-05 12:00",
        "--to",
        "2030-03-05 13:30",
        "--reason",
        "doctor",
    )
    assert off.returncode == 0, off.stderr
    assert "Time off #1: Vitaly away Tue 05 Mar 2030 12:00 – Tue 05 Mar 2030 13:30" in off.stdout

    code, _, err = _book(tmp_path, "2030-03-05 12:30")
    assert code == 1
    assert "master Vitaly is away" in err
    assert "(doctor)" in err
    code, _, err = _book(tmp_path, "2030-03-05 08:00")
    assert code == 1
    assert "outside the working hours of master Vitaly (tue: 10:00-14:00, 15:00-19:00)" in err
    code, out, err = _book(tmp_path, "2030-03-05 08:00", "--force")
    assert code == 0, err
    assert "Booked #1" in out
    assert "Forced:" in err
    code, out, err = _book(tmp_path, "2030-03-05 10:00")
    assert code == 0, err

    slots = showup(tmp_path, "slots", "--service", "haircut", "--date", "2030-03-05")
    assert slots.returncode == 0, slots.stderr
    # 10:00-11:00 booked (+10 min buffer), 12:00-13:30 away, 14:00-15:00 lunch
    assert "Tue 05 Mar · Vitaly: 15:00 15:15 15:30" in slots.stdout
    assert " 18:00" in slots.stdout
    assert "11:" not in slots.stdout.split("Vitaly:")[1]

    listed = showup(tmp_path, "time-off", "list")
    assert "doctor" in listed.stdout
    assert showup(tmp_path, "time-off", "remove", "1").returncode == 0
    assert "No time off." in showup(tmp_path, "time-off", "list").stdout
    code, _, err = _book(tmp_path, "2030-03-05 12:30")
    assert code == 0, err


def test_wrong_hours_and_options_say_what_to_write(tmp_path: Path) -> None:
    assert showup(tmp_path, "db", "upgrade").returncode == 0
    showup(tmp_path, "staff", "add", "Vitaly")
    wrong = showup(tmp_path, "hours", "set", "vitaly", "mon-fry 09:00-18:00")
    assert wrong.returncode == 1
    assert "'fry' is not a day; days are mon tue wed thu fri sat sun" in wrong.stderr
    both = showup(tmp_path, "time-off", "add", "vitaly", "--date", "2030-03-05", "--from", "x")
    assert both.returncode == 1
    assert "give either --date (and --until) or --from and --to" in both.stderr


def test_the_services_a_master_does(tmp_path: Path) -> None:
    assert showup(tmp_path, "db", "upgrade").returncode == 0
    showup(tmp_path, "staff", "add", "Vitaly")
    showup(tmp_path, "services", "add", "Haircut", "--minutes", "60", "--price", "30")
    showup(tmp_path, "services", "add", "Manicure", "--minutes", "45", "--price", "20")
    every = showup(tmp_path, "staff", "services", "vitaly")
    assert every.stdout.strip() == "#1  Vitaly: every service"
    listed = showup(tmp_path, "staff", "services", "vitaly", "manicure")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.strip() == "#1  Vitaly: Manicure"
    refused = showup(tmp_path, "slots", "--service", "haircut", "--master", "vitaly")
    assert refused.returncode != 0
    assert "master Vitaly does not do Haircut" in refused.stderr
    none = showup(tmp_path, "slots", "--service", "haircut", "--date", "2030-03-04")
    assert "0 free start(s)" in none.stdout
    both = showup(tmp_path, "staff", "services", "vitaly", "haircut", "--all")
    assert both.returncode != 0
    assert "give services or --all, not both" in both.stderr
    dropped = showup(tmp_path, "staff", "services", "vitaly", "--all")
    assert dropped.stdout.strip() == "#1  Vitaly: every service"
