"""The documentation names every setting there is."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ENV_PREFIX, Settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("document", [".env.example", "README.md"])
def test_every_setting_is_documented(document: str) -> None:
    text = (ROOT / document).read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"{ENV_PREFIX}{name.upper()}" not in text]
    assert missing == [], f"{document} does not mention {missing}"
