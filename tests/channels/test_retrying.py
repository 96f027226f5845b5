"""``retrying``: brief retries of answers sent while the client waits."""

from __future__ import annotations

import pytest

from bot.channels.base import PermanentSendError, TransientSendError, retrying


class Flaky:
    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "sent"


async def test_transient_errors_are_retried_until_it_goes_through() -> None:
    send = Flaky(TransientSendError("502"), TransientSendError("timeout"))
    assert await retrying(send, pause=0) == "sent"
    assert send.calls == 3


async def test_gives_up_after_the_last_attempt() -> None:
    send = Flaky(*(TransientSendError(f"502 #{n}") for n in range(3)))
    with pytest.raises(TransientSendError, match="502 #2"):
        await retrying(send, attempts=3, pause=0)
    assert send.calls == 3


async def test_a_long_wait_or_a_permanent_error_is_not_waited_for() -> None:
    slow = Flaky(TransientSendError("flood control", retry_after=40))
    with pytest.raises(TransientSendError):
        await retrying(slow, longest=10)
    gone = Flaky(PermanentSendError("blocked"))
    with pytest.raises(PermanentSendError):
        await retrying(gone)
    assert (slow.calls, gone.calls) == (1, 1)
