"""The sandbox a salon's script runs in: Jinja2's ``SandboxedEnvironment``, bounded.

A script is the salon's text with a little logic, rendered inside the service for every
message; whatever it says, one render must stay cheap. Jinja's sandbox keeps a template away
from Python's internals; this module also bounds the work and the memory of a render:

- every loop turn, call (macro, method) and filter is a *step*; a render may take
  ``Limits.steps`` of them and ``Limits.seconds`` of time, both checked at each step and at
  each piece of output, so a loop cannot run on;
- every text, list or dict a template builds (with ``~``, ``+``, ``*``, a literal, a filter, a
  call, ``{% set %}…{% endset %}``, a macro) is measured as it is made, nested values counted
  in full, and may hold at most ``Limits.value`` characters or items; the output at most
  ``Limits.output`` characters (a message's length on Telegram and WhatsApp);
- ``**`` and ``*`` on numbers refuse results beyond ``MAX_INT_BITS`` bits before computing
  them (``9**(9**9)`` is refused at once), ``%`` does not format text, ``range`` gives at most
  ``MAX_RANGE`` numbers;
- only the filters in ``FILTERS`` and the methods in ``METHODS`` exist (no ``center(10**9)``,
  no ``format``), and there is no ``lipsum``, ``cycler`` or ``joiner``.

Every limit breach raises ``RenderLimitError`` from the template line that caused it.
"""

from __future__ import annotations

import functools
import operator
import traceback
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from typing import Any, cast

from jinja2 import StrictUndefined, Template, nodes, pass_context
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment
from jinja2.visitor import NodeTransformer

from bot.conversation.budget import (
    Limits,
    RenderLimitError,
    bounded_range,
    budget,
    join,
    join_text,
    measure,
    modulo,
    power,
    step,
    times,
)

__all__ = ["BoundedEnvironment", "Limits", "RenderLimitError", "render", "template_line"]

MAX_SOURCE = 8_192  # characters of one template's source
#: the filters a script may use (each one counts as a step and its result is measured)
FILTERS = frozenset(
    {
        "abs", "capitalize", "count", "d", "default", "dictsort", "e", "escape", "first",
        "float", "forceescape", "int", "items", "join", "last", "length", "list", "lower",
        "map", "max", "min", "reject", "rejectattr", "replace", "reverse", "round", "safe",
        "select", "selectattr", "sort", "string", "striptags", "sum", "title", "trim",
        "truncate", "unique", "upper", "wordcount",
    }
)  # fmt: skip
#: the methods a script may call on a value (``name.split()``, ``loop.cycle('a', 'b')``)
METHODS = frozenset(
    {
        "capitalize", "endswith", "get", "isdigit", "items", "keys", "lower", "lstrip",
        "rstrip", "split", "startswith", "strip", "title", "upper", "values", "cycle",
        "changed",
    }
)  # fmt: skip
_LOOP = "showup_loop"  # internal filters the loader wraps around loops, ~ and literals
_JOIN = "showup_join"
_MEASURE = "showup_measure"


class BoundedEnvironment(SandboxedEnvironment):
    """A sandbox whose renders are bounded (see the module's docstring)."""

    intercepted_binops = frozenset({"**", "*", "+", "%"})

    def __init__(self) -> None:
        super().__init__(undefined=StrictUndefined, autoescape=False, finalize=measure)
        self.globals = {
            "range": bounded_range,
            "dict": dict,
            "namespace": self.globals["namespace"],
        }
        self.filters = {name: _filter(self.filters[name]) for name in FILTERS}
        self.filters["join"] = _filter(join)
        self.filters[_LOOP] = _loop
        self.filters[_JOIN] = join_text
        self.filters[_MEASURE] = _measured_literal
        self.binop_table = {
            **self.binop_table,
            "**": power,
            "*": times,
            "+": lambda a, b: measure(operator.add(a, b)),
            "%": modulo,
        }

    # the ``concat`` compiled templates use for {% set %}…{% endset %}, macros and call blocks
    @staticmethod
    def concat(parts: Iterable[str]) -> str:
        return join_text(None, list(parts))

    def wrap_str_format(self, value: Any) -> None:
        return None  # str.format is not in METHODS: no format(width=10**9)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        return not callable(value) or attr in METHODS

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        step()
        return measure(super().call(__context, __obj, *args, **kwargs))

    def compile_script(self, source: str, *, filename: str) -> Template:
        """Compile ``source`` with every loop counted and every ``~`` and literal measured;
        ``filename`` names the template in tracebacks (see ``template_line``)."""
        if len(source) > MAX_SOURCE:
            raise RenderLimitError(
                f"the template has {len(source)} characters; at most {MAX_SOURCE}"
            )
        tree = _Bounds().visit(self.parse(source))
        tree.set_environment(self)
        code = self.compile(tree, filename=filename)
        return self.template_class.from_code(self, code, self.make_globals(None))


def _filter(function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)  # keeps Jinja's pass_context/pass_environment marks
    def bounded(*args: Any, **kwargs: Any) -> Any:
        step()
        return measure(function(*args, **kwargs))

    return bounded


@pass_context
def _measured_literal(_context: Context, value: Any) -> Any:
    return measure(value)


@pass_context
def _loop(_context: Context, iterable: Iterable[Any]) -> Iterator[Any]:
    for item in iterable:
        step()
        yield item


class _Bounds(NodeTransformer):
    """Wraps each loop's iterable, each ``~`` and each list, tuple or dict literal."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = _call(_LOOP, node.iter)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return _call(_JOIN, nodes.List(node.nodes, lineno=node.lineno))

    def visit_List(self, node: nodes.List) -> nodes.Node:
        self.generic_visit(node)
        return _call(_MEASURE, node)

    def visit_Dict(self, node: nodes.Dict) -> nodes.Node:
        self.generic_visit(node)
        return _call(_MEASURE, node)

    def visit_Tuple(self, node: nodes.Tuple) -> nodes.Node:
        self.generic_visit(node)
        return _call(_MEASURE, node) if node.ctx == "load" else node


def _call(name: str, node: nodes.Node) -> nodes.Filter:
    return nodes.Filter(node, name, [], [], None, None, lineno=node.lineno)


def render(template: Template, variables: Mapping[str, object], limits: Limits) -> str:
    """Render piece by piece, stopping past ``limits`` (``RenderLimitError``, thrown into the
    template so that its traceback shows the template's line)."""
    pieces: list[str] = []
    size = 0
    with budget(limits) as spent:
        output = cast("Generator[str, None, None]", template.generate(**variables))
        for piece in output:
            size += len(piece)
            if size > limits.output:
                output.throw(RenderLimitError(f"the message is over {limits.output} characters"))
            try:
                spent.check_time()
            except RenderLimitError as exc:
                output.throw(exc)
            pieces.append(piece)
    return "".join(pieces)


def template_line(error: BaseException, filename: str) -> int | None:
    """The line of template ``filename`` where ``error`` was raised (Jinja rewrites
    tracebacks so that template lines show as frames of that file)."""
    lineno = getattr(error, "lineno", None)
    if isinstance(lineno, int) and getattr(error, "filename", None) in (filename, None):
        return lineno
    frames = traceback.extract_tb(error.__traceback__)
    lines = [frame.lineno for frame in frames if frame.filename == filename and frame.lineno]
    return lines[-1] if lines else None
