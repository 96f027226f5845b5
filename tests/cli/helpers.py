"""Running the real ``showup`` command in a subprocess with an isolated environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.fakes.scripts import SCRIPTS_DIR


def showup_env(workdir: Path, **settings: str) -> dict[str, str]:
    """The parent environment without any SHOWUP_ variable, plus the given settings.

    The process reads the machine's clock, so the salon's quiet hours are off unless a test
    gives them (``quiet_hours="21:00-09:00"``): otherwise a confirmation the test waits for
    would wait for the morning whenever the suite runs at night.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOWUP_")}
    env.update(
        {
            "SHOWUP_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'var' / 'showup.db'}",
            "SHOWUP_VAR_DIR": str(workdir / "var"),
            "SHOWUP_TIMEZONE": "Europe/Madrid",
            "SHOWUP_PHONE_REGION": "ES",
            "SHOWUP_SCRIPTS_DIR": str(SCRIPTS_DIR),
            "SHOWUP_QUIET_HOURS": "off",
            "COLUMNS": "200",
        }
    )
    env.update({f"SHOWUP_{key.upper()}": value for key, value in settings.items()})
    return env


def showup(
    workdir: Path,
    *args: str,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m bot ARGS`` in ``workdir``, optionally feeding ``stdin``."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        cwd=workdir,
        env=env or showup_env(workdir),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
