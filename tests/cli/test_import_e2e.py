"""The CSV import as an integrator runs it: the real CLI, a real SQLite file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.cli.helpers import showup

# a real `showup` process reads the machine's clock and zone
pytestmark = pytest.mark.clock

CSV = """\ufeffexternal_id;client_name;client_phone;service;master;start;status
A1;Anna Pérez;600 111 222;Haircut;Vitaly;2030-03-04 11:00;confirmed
A2;Boris;+34600333444;Haircut;Vitaly;2030-03-04 11:30;
A3;Carla;+34600555666;Colouring;Vitaly;2030-03-04 13:00;
A4;Dmitri;+34600777888;Haircut;Vitaly;2030-03-04 14:00;maybe
A5;Eva;+34600999000;Haircut;Vitaly;2030-03-04 15:00;
"""


def _prepare(tmp_path: Path) -> Path:
    assert showup(tmp_path, "db", "upgrade").returncode == 0
    assert showup(tmp_path, "staff", "add", "Vitaly").returncode == 0
    added = showup(tmp_path, "services", "add", "Haircut", "--minutes", "60", "--price", "30")
    assert added.returncode == 0, added.stderr
    csv_file = tmp_path / "export.csv"
    csv_file.write_text(CSV, encoding="utf-8")
    return csv_file


def test_import_keeps_good_rows_reports_bad_ones_and_is_idempotent(tmp_path: Path) -> None:
    csv_file = _prepare(tmp_path)
    result = showup(tmp_path, "import", str(csv_file))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "2 created, 0 updated, 0 unchanged, 3 rejected" in result.stdout
    assert "line 3:" in result.stderr
    assert "busy" in result.stderr
    assert "line 4: unknown service 'Colouring'" in result.stderr
    assert "line 5: status 'maybe'" in result.stderr

    with sqlite3.connect(tmp_path / "var" / "showup.db") as db:
        rows = db.execute(
            "SELECT a.external_id, a.status, a.source, c.phone, c.name FROM appointments a "
            "JOIN clients c ON c.id = a.client_id ORDER BY a.starts_at"
        ).fetchall()
    assert rows == [
        ("A1", "confirmed", "csv", "+34600111222", "Anna Pérez"),
        ("A5", "booked", "csv", "+34600999000", "Eva"),
    ]

    again = showup(tmp_path, "import", str(csv_file))
    assert "0 created, 0 updated, 2 unchanged, 3 rejected" in again.stdout

    board = showup(tmp_path, "today", "--date", "2030-03-04")
    assert board.returncode == 0, board.stderr
    assert "2 appointments" in board.stdout
    assert "Anna Pérez" in board.stdout
    assert "11:00–12:00" in board.stdout


def test_import_of_a_file_that_cannot_be_read(tmp_path: Path) -> None:
    _prepare(tmp_path)
    missing = showup(tmp_path, "import", str(tmp_path / "nope.csv"))
    assert (missing.returncode, "no such file" in missing.stderr) == (2, True)
    broken = tmp_path / "broken.csv"
    broken.write_text("name,phone\nAnna,1\n", encoding="utf-8")
    result = showup(tmp_path, "import", str(broken))
    assert result.returncode == 2
    assert "missing column(s) external_id" in result.stderr
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("external_id,client_name\n1,Pérez\n".encode("latin-1"))
    assert "not UTF-8" in showup(tmp_path, "import", str(latin1)).stderr
