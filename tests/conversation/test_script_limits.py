"""A salon's script can never stall the service: every failure is refused at load with its
file and line, and a render in service is bounded in work, time and output."""

from __future__ import annotations

import dataclasses
import itertools
import shutil
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import ManualClock
from bot.conversation.budget import Limits, RenderLimitError, budget
from bot.conversation.script_files import LOAD_LIMITS
from bot.conversation.scripts import (
    SCRIPT_VARIABLES,
    VARIABLE_LIMITS,
    ScriptBook,
    ScriptError,
    ScriptRenderError,
)
from bot.scheduling.dispatcher import DispatchConfig, Dispatcher
from db.models import OutboxStatus
from tests.cli.helpers import showup, showup_env
from tests.fakes.channels import RecordingChannel
from tests.fakes.scripts import SCRIPTS_DIR
from tests.scheduling.conftest import RecordingAlerts, book_linked, outbox

DAY = timedelta(hours=24)
NESTED = "".join(f"{{% for {v} in client_name %}}" for v in "abcd") + "{% endfor %}" * 4


@pytest.fixture
def scripts_copy(tmp_path: Path) -> Path:
    target = tmp_path / "scripts"
    shutil.copytree(SCRIPTS_DIR, target)
    return target


def _override(scripts: Path, body: str) -> Path:
    """The salon's own ``es/reminder_light.yaml``: two good lines, then ``body`` on line 4."""
    target = scripts / "es" / "reminder_light.yaml"
    target.write_text(
        f"text: |-\n  ¡Hola {{{{ client_name }}}}!\n  Te esperamos.\n  {body}\n", encoding="utf-8"
    )
    return target


CASES = {
    "syntax": ("{% if late %}tarde", "Unexpected end of template"),
    "undefined": ("{{ client_name.nickname }}", "has no attribute 'nickname'"),
    "overflow": ("{{ 2.0 ** 5000 }}", "OverflowError"),
    "type": ("{{ client_name + 1 }}", "TypeError"),
    "zero": ("{{ 1 / 0 }}", "ZeroDivisionError"),
    "recursion": ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "RecursionError"),
    "sandbox": ("{{ client_name.__class__.__mro__ }}", "unsafe"),
    "huge power": ("{{ 9 ** (9 ** 9) }}", "a number over 256 bits"),
    "huge repeat": ("{{ 'x' * 10 ** 9 }}", "more than 4096 characters"),
    "nested loops": (NESTED, "too much work"),
    "huge output": ("{% for i in range(100) %}{{ client_name }}{% endfor %}", "over 4096"),
    "doubling": (
        "{% set a = client_name ~ client_name %}{% set b = a ~ a %}{% set c = b ~ b %}"
        "{% set d = c ~ c %}{% set e = d ~ d %}{% set f = e ~ e %}{{ f|length }}",
        "more than 4096 characters",
    ),
    "padding": ("{{ client_name.center(10 ** 9) }}", "unsafe"),
    "format": ("{{ '{:>999999999}'.format(client_name) }}", "unsafe"),
    "captured doubling": (
        "{% set a %}{{ client_name }}{{ client_name }}{% endset %}"
        + "".join(
            f"{{% set {n} %}}{{{{ {p} }}}}{{{{ {p} }}}}{{% endset %}}"
            for p, n in zip("abcdef", "bcdefg", strict=True)
        )
        + "{{ g|length }}",
        "more than 4096 characters",
    ),
    "nested lists": (
        "{% set a = [client_name, client_name] %}"
        + "".join(f"{{% set {n} = [{p}, {p}] %}}" for p, n in zip("abcdef", "bcdefg", strict=True))
        + "{{ g }}",
        "more than 4096 characters",
    ),
    "no loader": ("{% include 'other.yaml' %}", "TypeError"),
}


@pytest.mark.parametrize("case", CASES)
def test_every_kind_of_template_error_is_refused_with_file_and_line(
    scripts_copy: Path, case: str
) -> None:
    body, message = CASES[case]
    target = _override(scripts_copy, body)
    started = time.perf_counter()
    with pytest.raises(ScriptError) as caught:
        ScriptBook.load(scripts_copy, default_locale="en", late_window=DAY)
    assert time.perf_counter() - started < 10  # refused, not run to the end
    assert f"{target}:4: " in str(caught.value)
    assert message in str(caught.value)


def test_a_slow_template_is_refused_at_load(
    scripts_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each step of a render reads the clock; here each read is 50 ms later than the last."""
    ticks = itertools.count()
    slow = dataclasses.replace(LOAD_LIMITS, clock=lambda: next(ticks) * 0.050)
    monkeypatch.setattr("bot.conversation.script_files.LOAD_LIMITS", slow)
    target = _override(scripts_copy, "{% for c in 'abcdefgh' %}{{ c }}{% endfor %}")
    with pytest.raises(ScriptError, match="too slow: over 250 ms") as caught:
        ScriptBook.load(scripts_copy, default_locale="en", late_window=DAY)
    assert f"{target}:4: " in str(caught.value)


def test_the_load_check_uses_the_longest_values(scripts_copy: Path) -> None:
    """Three loops over a short sample name are cheap; over a name of the longest allowed
    length they are a million turns: refused before the service starts."""
    three = "".join(f"{{% for {v} in client_name %}}" for v in "abc") + "{% endfor %}" * 3
    target = _override(scripts_copy, three)
    with pytest.raises(ScriptError) as caught:
        ScriptBook.load(scripts_copy, default_locale="en", late_window=DAY)
    assert f"{target}:4: too much work" in str(caught.value)
    assert "with every value at its longest" in str(caught.value)


def test_values_are_cut_to_their_limit_in_service() -> None:
    book = ScriptBook.load(SCRIPTS_DIR, default_locale="en", late_window=DAY)
    name = "Ana " * 500
    text, _ = book.render_named(
        "reminder_light", locale="en", variables={**SCRIPT_VARIABLES, "client_name": name}
    )
    limit = VARIABLE_LIMITS["client_name"]
    assert name[: limit - 1] + "…" in text
    assert name[:limit] not in text


def test_a_branch_the_load_check_missed_is_stopped_in_service(scripts_copy: Path) -> None:
    """A loop only one client's name triggers: that message fails fast, naming the file."""
    bomb = (
        "{% if client_name == 'Zed' %}"
        + "".join(f"{{% for {v} in range(1000) %}}" for v in "abc")
        + "{% endfor %}" * 3
        + "{% endif %}"
    )
    target = _override(scripts_copy, bomb)
    book = ScriptBook.load(scripts_copy, default_locale="en", late_window=DAY)
    started = time.perf_counter()
    with pytest.raises(ScriptRenderError, match="too much work") as caught:
        book.render_named(
            "reminder_light", locale="es", variables={**SCRIPT_VARIABLES, "client_name": "Zed"}
        )
    assert time.perf_counter() - started < 2
    assert f"{target}:4: " in str(caught.value)
    text, _ = book.render_named("reminder_light", locale="es", variables=SCRIPT_VARIABLES)
    assert text.startswith("¡Hola Anna!")


def test_the_scripts_command_refuses_a_slow_template_without_a_traceback(
    tmp_path: Path, scripts_copy: Path
) -> None:
    target = _override(scripts_copy, NESTED)
    (scripts_copy / "en" / "ack_late.yaml").write_text("text: '{{ 9 ** (9 ** 9) }}'\n")
    started = time.perf_counter()
    result = showup(tmp_path, "scripts", env=showup_env(tmp_path, scripts_dir=str(scripts_copy)))
    # refused, not run to the end (which would never come); generous for a loaded machine
    assert time.perf_counter() - started < 120
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{target}:4: too much work" in " ".join(result.stderr.split())
    assert "ack_late.yaml:1: a number over 256 bits" in " ".join(result.stderr.split())


async def test_an_outbox_message_whose_script_fails_in_service_fails_alone(
    scripts_copy: Path,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
) -> None:
    """A loop only real dates take (the check's sample date and longest date skip it): that
    message is marked failed and the admins are told, naming the file; the outbox goes on."""
    target = scripts_copy / "en" / "booking_confirmation.yaml"
    target.write_text(
        "text: |-\n  Booked!\n  {% if date != 'Monday, 23 November' and date|length < 64 %}"
        "{% for a in range(1000) %}{% for b in range(1000) %}{% endfor %}{% endfor %}"
        "{% endif %}\n",
        encoding="utf-8",
    )
    book = ScriptBook.load(scripts_copy, default_locale="en", late_window=DAY)
    alerts = RecordingAlerts()
    dispatcher = Dispatcher(
        sessions=sessions,
        channels={"test": (channel := RecordingChannel("test"))},
        renderer=book,
        alerts=alerts,
        clock=clock,
        config=DispatchConfig(batch=50, lease=timedelta(seconds=60), max_attempts=3),
        owner="test-worker",
    )
    appointment_id = await book_linked(sessions, clock)
    assert await dispatcher.drain() == 1
    rows = await outbox(sessions, appointment_id)
    assert rows["confirmation", 1].status is OutboxStatus.FAILED
    assert channel.sent == []
    assert any(f"{target}:3: too much work" in text for text in alerts.texts)


def test_a_render_reads_the_clock_every_16th_step() -> None:
    """The CPU clock is a system call: the budget reads it at its start and every 16th step,
    so time running out is noticed at step 16, not at step 15."""
    reads = itertools.count()
    limits = Limits(seconds=0.5, clock=lambda: float(next(reads)))  # a second per read
    with budget(limits) as spent:  # read 1 (the start)
        for _ in range(15):
            spent.step()
        with pytest.raises(RenderLimitError, match="too slow"):
            spent.step()  # step 16: read 2, a second later
