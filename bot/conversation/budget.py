"""The budget of one render: steps, time and the size of every value a template builds.

``sandbox.BoundedEnvironment`` calls these guards from its hooks (operators, filters, calls,
loops, ``~`` and literals); the budget of the render in progress lives in a context variable.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, TemplateRuntimeError, pass_context, pass_environment
from jinja2.filters import make_attrgetter
from jinja2.runtime import Context

MAX_RANGE = 1_000  # numbers range() may give
MAX_INT_BITS = 256  # the largest number * and ** may produce (about 77 digits)
CLOCK_EVERY = 16  # steps between two readings of the clock (each output piece reads it too)


@dataclass(frozen=True, slots=True)
class Limits:
    """What one render may use. Time is the thread's CPU time (a render is not blamed for a
    busy machine); ``clock`` is injectable so a test can make time pass."""

    seconds: float = 0.1
    steps: int = 5_000
    value: int = 4_096
    output: int = 4_096
    clock: Callable[[], float] = time.thread_time


_DEFAULT = Limits()


class RenderLimitError(TemplateRuntimeError):
    """A render went past one of its ``Limits`` (or asked for something refused up front)."""


class _Budget:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.steps = 0
        self.started = limits.clock()

    def elapsed(self) -> float:
        return self.limits.clock() - self.started

    def step(self) -> None:
        self.steps += 1
        if self.steps > self.limits.steps:
            raise RenderLimitError(
                f"too much work: more than {self.limits.steps} loop turns, calls and filters"
            )
        # reading the thread's CPU clock is a system call: on every step it was a tenth of
        # all the work of answering a client (py-spy over benchmarks/inbound)
        if self.steps % CLOCK_EVERY == 0:
            self.check_time()

    def check_time(self) -> None:
        if self.elapsed() > self.limits.seconds:
            raise RenderLimitError(f"too slow: over {self.limits.seconds * 1000:.0f} ms")


_BUDGET: ContextVar[_Budget | None] = ContextVar("showup_render_budget", default=None)


def step() -> None:
    budget = _BUDGET.get()
    if budget is not None:
        budget.step()


def value_limit() -> int:
    budget = _BUDGET.get()
    return budget.limits.value if budget is not None else _DEFAULT.value


def measure(value: Any) -> Any:
    """``value``, unless it holds more than ``Limits.value`` characters or items (nested
    values counted in full, as writing it out would: ``[l, l]`` weighs twice ``l``)."""
    limit = value_limit()
    weight = 0
    pending = [value]
    while pending and weight <= limit:
        item = pending.pop()
        if isinstance(item, str):
            weight += len(item)
        elif isinstance(item, Mapping):
            weight += 1 + len(item)
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            weight += 1 + len(item)
            pending.extend(item)
        else:
            weight += 1
    if weight > limit:
        raise RenderLimitError(f"a value of more than {limit} characters or items")
    return value


def bounded_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise RenderLimitError(f"range() of {len(numbers)} numbers; at most {MAX_RANGE}")
    return numbers


def _bits(value: Any) -> int:
    return abs(value).bit_length() if isinstance(value, int) else 0


def power(base: Any, exponent: Any) -> Any:
    big = isinstance(base, int) and isinstance(exponent, int) and abs(base) > 1
    if big and exponent > 0 and max(_bits(base) - 1, 1) * exponent > MAX_INT_BITS:
        raise RenderLimitError(f"a number over {MAX_INT_BITS} bits ({base} ** {exponent})")
    return base**exponent


def times(left: Any, right: Any) -> Any:
    if isinstance(left, int) and isinstance(right, int):
        if _bits(left) + _bits(right) > MAX_INT_BITS + 1:
            raise RenderLimitError(f"a number over {MAX_INT_BITS} bits")
    elif isinstance(right, str | list | tuple) and isinstance(left, int):
        left, right = right, left
    if isinstance(left, str | list | tuple) and isinstance(right, int):
        limit = value_limit()
        if right > 0 and len(left) * right > limit:
            raise RenderLimitError(f"a value of more than {limit} characters or items")
    return measure(left * right)


def modulo(left: Any, right: Any) -> Any:
    if isinstance(left, str):
        raise RenderLimitError("% does not format text in a script; join text with ~")
    return left % right


@pass_environment
def join(
    environment: Environment, value: Iterable[Any], d: str = "", attribute: Any = None
) -> str:
    """Jinja's ``join``, stopping as soon as the text is too long."""
    if attribute is not None:
        value = map(make_attrgetter(environment, attribute), value)
    pieces: list[str] = []
    total = 0
    for item in value:
        pieces.append(as_text(item))
        total += len(pieces[-1]) + (len(d) if len(pieces) > 1 else 0)
        if total > value_limit():
            raise RenderLimitError(f"a value of more than {value_limit()} characters or items")
    return d.join(pieces)


def as_text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


@pass_context  # never folded into a constant at compile time
def join_text(_context: Context | None, parts: Iterable[Any]) -> str:
    texts = [as_text(part) for part in parts]
    if sum(map(len, texts)) > value_limit():
        raise RenderLimitError(f"a value of more than {value_limit()} characters or items")
    return "".join(texts)


@contextmanager
def budget(limits: Limits) -> Iterator[_Budget]:
    budget = _Budget(limits)
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)
