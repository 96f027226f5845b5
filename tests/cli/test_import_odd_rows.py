"""``showup import`` of a file with odd rows: each is reported with its line, no traceback, the
good rows are kept, exit code 1 (and 2 with ``--source`` too long for the database)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.cli.helpers import showup

GOOD = "{n};Client {n};+3460010000{n};Haircut;Vitaly;2030-03-0{n} 11:00;\n"


def test_odd_rows_are_reported_and_the_good_ones_kept(tmp_path: Path) -> None:
    assert showup(tmp_path, "db", "upgrade").returncode == 0
    assert showup(tmp_path, "staff", "add", "Vitaly").returncode == 0
    assert (
        showup(
            tmp_path, "services", "add", "Haircut", "--minutes", "60", "--price", "30"
        ).returncode
        == 0
    )
    data = (
        "external_id;client_name;client_phone;service;master;start;notes\n"
        + "1;Anna Pérez;+34600100001;Haircut;Vitaly;2030-03-01 11:00;\n"
        + "2;Boris;+34600100002;Haircut;Vitaly;2030-03-02 11:00;"
        + "x" * (10 * 1024 * 1024)
        + "\n"
        + "3;Carla;+34600100003;Haircut;99999999999999999999;2030-03-03 11:00;\n"
        + "4;Dm\x00itri;+34600100004;Haircut;Vitaly;2030-03-04 11:00;\n"
        + GOOD.format(n=5)
    ).encode() + "6;Zoë;+34600100006;Haircut;Vitaly;2030-03-06 11:00;\n".encode("latin-1")
    data += ('7;"Eva;+34600100007;Haircut;Vitaly;2030-03-07 11:00;\n' + GOOD.format(n=8)).encode()
    csv_file = tmp_path / "odd.csv"
    csv_file.write_bytes(data)

    result = showup(tmp_path, "import", str(csv_file))

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "odd.csv: 3 created, 0 updated, 0 unchanged, 5 rejected" in result.stdout
    for line, reason in [
        (3, "notes is 10,485,760 characters long"),
        (4, "is not a master id ShowUp can have"),
        (5, "contains a NUL character"),
        (7, "holds byte 0xEB, which is not UTF-8"),
        (8, "a quote opened on this line is never closed"),
    ]:
        assert f"line {line}: " in result.stderr
        assert reason in result.stderr
    with sqlite3.connect(tmp_path / "var" / "showup.db") as db:
        kept = [row[0] for row in db.execute("SELECT external_id FROM appointments ORDER BY 1")]
    assert kept == ["1", "5", "8"]

    too_long = showup(tmp_path, "import", str(csv_file), "--source", "s" * 33)
    assert too_long.returncode == 2
    assert "--source must be 1 to 32 characters" in too_long.stderr
