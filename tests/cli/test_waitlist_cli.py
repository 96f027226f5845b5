"""``showup waitlist add|list|remove`` as a real process."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.helpers import showup

# a real `showup` process reads the machine's clock (the entry's until is far ahead)
pytestmark = pytest.mark.clock


def test_add_list_and_remove(tmp_path: Path) -> None:
    assert showup(tmp_path, "db", "upgrade").returncode == 0
    showup(tmp_path, "staff", "add", "Vitaly")
    showup(tmp_path, "services", "add", "Haircut", "--minutes", "45", "--price", "30")
    added = showup(
        tmp_path,
        "waitlist",
        "add",
        "--phone",
        "600111222",
        "--name",
        "Anna",
        "--service",
        "haircut",
        "--master",
        "vitaly",
        "--days",
        "mon-fri",
        "--times",
        "09:00-13:00",
        "--until",
        "2099-12-31",
    )
    assert added.returncode == 0, added.stderr
    assert "On the waitlist as #1 (position 1): Anna, Haircut, Vitaly, mon-fri 09:00-13:00" in (
        added.stdout
    )
    bad = showup(
        tmp_path, "waitlist", "add", "--phone", "600111333", "--service", "1", "--days", "someday"
    )
    assert bad.returncode == 1
    assert "'someday' is not a day of the week" in bad.stderr
    listed = showup(tmp_path, "waitlist", "list")
    assert "Anna" in listed.stdout
    assert "+34600111222" in listed.stdout
    assert "2099-12-31 00:00" not in listed.stdout  # the end of the day: midnight after it
    assert "2100-01-01 00:00" in listed.stdout
    removed = showup(tmp_path, "waitlist", "remove", "1")
    assert "Removed #1 (Anna) from the waitlist." in removed.stdout
    assert "No active waitlist entries." in showup(tmp_path, "waitlist", "list").stdout
    assert "Anna" in showup(tmp_path, "waitlist", "list", "--status", "removed").stdout
