"""``showup run`` refuses to start on a script that could stall it, naming the file and line."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from tests.cli.helpers import showup, showup_env
from tests.fakes.scripts import SCRIPTS_DIR


def test_run_refuses_a_script_that_would_hang_it(tmp_path: Path) -> None:
    scripts = tmp_path / "scripts"
    shutil.copytree(SCRIPTS_DIR, scripts)
    (scripts / "en" / "ack_late.yaml").write_text(
        "text: |-\n  Thanks!\n  {{ 9 ** (9 ** 9) }}\n", encoding="utf-8"
    )
    (scripts / "ru" / "fallback.yaml").write_text(
        "text: |-\n  {% macro f() %}{{ f() }}{% endmacro %}{{ f() }}\n", encoding="utf-8"
    )
    assert showup(tmp_path, "db", "upgrade").returncode == 0
    started = time.perf_counter()
    result = showup(tmp_path, "run", env=showup_env(tmp_path, scripts_dir=str(scripts)))
    assert time.perf_counter() - started < 30
    assert result.returncode == 2
    errors = " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr
    assert f"{scripts / 'en' / 'ack_late.yaml'}:3: a number over 256 bits" in errors
    assert f"{scripts / 'ru' / 'fallback.yaml'}:2: RecursionError" in errors
