"""A sender's profile name becomes a client's name only when something is left of it."""

from __future__ import annotations

import pytest

from bot.channels.base import person_name


@pytest.mark.parametrize(
    ("profile", "name"),
    [
        ("Ana", "Ana"),
        ("  Ana  López ", "Ana  López"),
        (" ", None),  # found by tests/channels/test_fuzz_whatsapp.py: "client name is empty"
        ("\t\n", None),
        ("\x00", None),
        ("", None),
        (None, None),
        (42, None),
        ("A" * 200, "A" * 200),
        ("A" * 201, "A" * 200),
        (" " * 199 + "B" + "C" * 5, "BCCCCC"),
    ],
)
def test_profile_names(profile: object, name: str | None) -> None:
    assert person_name(profile) == name
