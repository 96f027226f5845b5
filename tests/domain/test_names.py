"""Names of masters and services in other languages: set, removed, refused, shown."""

from __future__ import annotations

import pytest

from bot.domain.names import localized_name, merged_names
from bot.errors import InvalidInputError


def test_a_reader_sees_their_language_else_the_plain_name() -> None:
    names = {"en": "Haircut", "es": "Corte"}
    assert localized_name("Стрижка", names, "es") == "Corte"
    assert localized_name("Стрижка", names, "tr") == "Стрижка"
    assert localized_name("Стрижка", None, "en") == "Стрижка"
    assert localized_name("Стрижка", names, None) == "Стрижка"


def test_changes_set_and_remove_translations_keeping_the_others() -> None:
    assert merged_names(None, {}) is None
    assert merged_names(None, {"es": "  Corte   de pelo "}) == {"es": "Corte de pelo"}
    assert merged_names({"es": "Corte", "en": "Cut"}, {"en": "Haircut", "es": ""}) == {
        "en": "Haircut"
    }
    assert merged_names({"es": "Corte"}, {"es": None}) is None


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"de": "Haarschnitt"}, "locale"),
        ({"es": "x" * 201}, "name_translation"),
        ({"es": "Corte\x00"}, "name_translation"),
        ({"es": "Corte \ud800"}, "name_translation"),
    ],
)
def test_an_unknown_language_or_an_unstorable_name_is_refused(
    changes: dict[str, str | None], code: str
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        merged_names(None, changes)
    assert (refused.value.code, refused.value.field) == (code, "names")
