"""Reading a CSV export into rows, line by line, so that one damaged line costs only itself.

A file is refused whole only when it cannot be a CSV of appointments at all: no header, a required
column missing, or text in another encoding than UTF-8. Everything else is a rejected row with its
line number: malformed quoting (a quote that is never closed swallows the lines after it: the line
where it opened is rejected and reading resumes on the next line), oversize cells, NUL characters,
bytes that are not UTF-8, more cells than the header.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from bot.errors import ShowUpError

REQUIRED_COLUMNS = ("external_id", "client_name", "client_phone", "service", "staff", "start")
OPTIONAL_COLUMNS = ("client_locale", "end", "duration_minutes", "status", "notes")
COLUMN_ALIASES = {
    "master": "staff",
    "phone": "client_phone",
    "name": "client_name",
    "id": "external_id",
}
#: the longest value each column may hold (the database's limits, or a generous sanity bound)
COLUMN_LIMITS = {
    "external_id": 128,
    "client_name": 200,
    "client_phone": 40,
    "service": 200,
    "staff": 200,
    "start": 40,
    "end": 40,
    "duration_minutes": 10,
    "status": 32,
    "client_locale": 16,
    "notes": 4000,
}
MAX_CELL = 10_000  # any other cell (ignored columns)
#: a quoted cell may hold a few lines; one running longer than this is a quote left open
MAX_LINES_PER_ROW = 50
_INVALID_BYTE = re.compile("[\udc80-\udcff]")  # how ``surrogateescape`` keeps undecodable bytes
_SURROGATE = re.compile("[\ud800-\udfff]")
_VALID_NON_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")


class CsvFormatError(ShowUpError):
    """The file as a whole cannot be imported (no header, a required column missing...)."""


@dataclass(frozen=True, slots=True)
class RejectedRow:
    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class CsvRow:
    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "").strip()


@dataclass(slots=True)
class ParsedCsv:
    """The rows to import, the lines refused while reading, and the header's unknown columns."""

    rows: list[CsvRow] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def decode_csv(data: bytes) -> str:
    """The text of a UTF-8 file (a BOM is fine).

    A file with no valid UTF-8 beyond ASCII but with other bytes is in another encoding: refused
    whole, naming the first bad byte and its line. In a UTF-8 file, the few undecodable bytes are
    kept as ``surrogateescape`` characters and ``read_rows`` rejects the rows holding them.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise CsvFormatError("the file is UTF-16 text; save it as UTF-8 CSV")
    data = data.removeprefix(codecs.BOM_UTF8)
    text = data.decode("utf-8", errors="surrogateescape")
    bad = _INVALID_BYTE.search(text)
    if bad is None or _VALID_NON_ASCII.search(text):
        return text
    offset = len(text[: bad.start()].encode("utf-8", errors="surrogateescape"))
    line = data[:offset].count(b"\n") + 1
    raise CsvFormatError(
        f"not UTF-8 text: line {line} has byte 0x{data[offset]:02X} (byte {offset} of the file);"
        " save it as UTF-8 CSV"
    )


class _Lines:
    """The physical lines fed to ``csv.reader``, with a position that can be moved back."""

    def __init__(self, text: str) -> None:
        self.lines = io.StringIO(text, newline="").readlines()
        self.position = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.position >= len(self.lines):
            raise StopIteration
        self.position += 1
        return self.lines[self.position - 1]


def read_rows(text: str) -> ParsedCsv:
    """Parse CSV text (comma or semicolon separated, as the header shows) into rows keyed by
    canonical column names; lines that cannot be rows are rejected with the reason."""
    lines = _Lines(text)
    if not lines.lines:
        raise CsvFormatError("the file is empty: expected a header row")
    first = lines.lines[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    previous_limit = csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    try:
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        columns, parsed = _header(reader, lines)
        while lines.position < len(lines.lines):
            _next_row(reader, lines, columns, parsed, delimiter)
    finally:
        csv.field_size_limit(previous_limit)
    return parsed


def _header(reader: Iterator[list[str]], lines: _Lines) -> tuple[list[str], ParsedCsv]:
    try:
        header = next(reader)
    except csv.Error as exc:
        raise CsvFormatError(
            f"line 1: the header is malformed ({exc}); check its quotes"
        ) from None
    except StopIteration:
        raise CsvFormatError("the file is empty: expected a header row") from None
    if lines.position > 1:
        raise CsvFormatError(
            f"line 1: the header is malformed (a quote in it closes only on line "
            f"{lines.position}); check its quotes"
        )
    if _SURROGATE.search("".join(header)) or "\0" in "".join(header):
        raise CsvFormatError("line 1: the header holds a NUL or a character that is not UTF-8")
    columns = [_canonical(name) for name in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise CsvFormatError(
            f"line 1: missing column(s) {', '.join(missing)}; the header must name "
            f"{', '.join(REQUIRED_COLUMNS)} (optional: {', '.join(OPTIONAL_COLUMNS)})"
        )
    known = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS)
    ignored = [name for name, col in zip(header, columns, strict=True) if col not in known]
    return columns, ParsedCsv(ignored=ignored)


def _next_row(
    reader: Iterator[list[str]],
    lines: _Lines,
    columns: list[str],
    parsed: ParsedCsv,
    delimiter: str,
) -> None:
    start = lines.position
    try:
        record = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        parsed.rejected.append(RejectedRow(start + 1, _quoting_reason(str(exc), delimiter)))
        lines.position = start + 1
        return
    if lines.position - start > 1 and _runaway(lines, start, len(columns), delimiter):
        reason = (
            f"a quote opened on this line is closed only on line {lines.position}, so the lines "
            "in between would be read as one cell; check the quotes on this line"
        )
        parsed.rejected.append(RejectedRow(start + 1, reason))
        lines.position = start + 1
        return
    if not any(cell.strip() for cell in record):
        return
    problem = _check_cells(record, columns)
    if problem:
        parsed.rejected.append(RejectedRow(start + 1, problem))
        return
    parsed.rows.append(CsvRow(line=start + 1, values=dict(zip(columns, record, strict=False))))


def _quoting_reason(error: str, delimiter: str) -> str:
    if "end of data" in error:
        return (
            "a quote opened on this line is never closed (it runs to the end of the file); "
            "close it or remove it"
        )
    return (
        f"malformed quoting ({error}); a quoted cell ends with a quote followed by "
        f"{delimiter!r} or the end of the line"
    )


def _runaway(lines: _Lines, start: int, width: int, delimiter: str) -> bool:
    """Whether a record spanning several lines holds lines that look like rows of their own."""
    inner = lines.lines[start + 1 : lines.position]
    if len(inner) >= MAX_LINES_PER_ROW:
        return True
    return any(len(next(csv.reader([line], delimiter=delimiter), [])) >= width for line in inner)


def _check_cells(record: list[str], columns: list[str]) -> str | None:
    if len(record) > len(columns):
        return f"the row has {len(record) - len(columns)} more cells than the header"
    for column, cell in zip(columns, record, strict=False):
        limit = COLUMN_LIMITS.get(column, MAX_CELL)
        if len(cell) > limit:
            return f"{column} is {len(cell):,} characters long; at most {limit:,} are allowed"
        if "\0" in cell:
            return f"{column} contains a NUL character (byte 0); remove it"
        if (bad := _SURROGATE.search(cell)) is not None:
            char = ord(bad.group())
            if 0xDC80 <= char <= 0xDCFF:
                return (
                    f"{column} holds byte 0x{char - 0xDC00:02X}, which is not UTF-8; "
                    "save the file as UTF-8"
                )
            return f"{column} holds an invalid character (a lone surrogate U+{char:04X})"
    return None


def _canonical(name: str) -> str:
    key = name.strip().lstrip("\ufeff").lower().replace(" ", "_").replace("-", "_")
    return COLUMN_ALIASES.get(key, key)
