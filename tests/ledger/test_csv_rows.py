"""Reading a CSV export: every damaged line is rejected with its line number, the rest is read."""

from __future__ import annotations

import codecs

import pytest

from bot.ledger.csv_rows import CsvFormatError, decode_csv, read_rows

HEADER = "external_id,client_name,client_phone,service,staff,start,status,notes\n"


def _row(n: int, notes: str = "") -> str:
    return f"{n},Client {n},+3460010000{n},Haircut,Vitaly,2026-11-24 1{n}:00,,{notes}\n"


def _read(text: str) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    parsed = read_rows(text)
    return (
        [(row.line, row.get("external_id")) for row in parsed.rows],
        [(r.line, r.reason) for r in parsed.rejected],
    )


def test_an_unterminated_quote_is_reported_and_the_rows_after_it_are_read() -> None:
    text = HEADER + _row(1) + '2,"Boris,+34600100002,Haircut,Vitaly,2026-11-24 12:00,,\n' + _row(3)
    rows, rejected = _read(text)
    assert rows == [(2, "1"), (4, "3")]
    assert rejected == [
        (
            3,
            "a quote opened on this line is never closed (it runs to the end of the file); "
            "close it or remove it",
        )
    ]


def test_a_quote_that_swallows_rows_until_a_later_quote_is_reported() -> None:
    text = (
        HEADER + _row(1, notes='"call first') + _row(2) + _row(3) + _row(4, notes='ok"') + _row(5)
    )
    rows, rejected = _read(text)
    assert rows == [(3, "2"), (4, "3"), (5, "4"), (6, "5")]
    assert rejected == [
        (
            2,
            "a quote opened on this line is closed only on line 5, so the lines in between "
            "would be read as one cell; check the quotes on this line",
        )
    ]


def test_a_quoted_note_on_several_lines_stays_one_cell() -> None:
    parsed = read_rows(HEADER + _row(1, notes='"first line\nsecond, line"') + _row(2))
    assert [(row.line, row.get("notes")) for row in parsed.rows] == [
        (2, "first line\nsecond, line"),
        (4, ""),
    ]
    assert parsed.rejected == []


def test_malformed_quoting_oversize_nul_and_surrogates_are_row_errors() -> None:
    text = (
        HEADER
        + _row(1, notes='"closed"but not ended')
        + _row(2, notes="x" * 10 * 1024 * 1024)
        + "3,Ca\x00rla,+34600100003,Haircut,Vitaly,2026-11-24 13:00,,\n"
        + "4,Dmitri\ud800,+34600100004,Haircut,Vitaly,2026-11-24 14:00,,\n"
        + _row(5)
        + "6,Eva,+34600100006,Haircut,Vitaly,2026-11-24 16:00,,,extra\n"
        + "7,Fatma,"
        + "9" * 41
        + ",Haircut,Vitaly,2026-11-24 17:00,,\n"
        + _row(8)
    )
    rows, rejected = _read(text)
    assert rows == [(6, "5"), (9, "8")]
    assert rejected == [
        (
            2,
            "malformed quoting (',' expected after '\"'); a quoted cell ends with a quote "
            "followed by ',' or the end of the line",
        ),
        (3, "notes is 10,485,760 characters long; at most 4,000 are allowed"),
        (4, "client_name contains a NUL character (byte 0); remove it"),
        (5, "client_name holds an invalid character (a lone surrogate U+D800)"),
        (7, "the row has 1 more cells than the header"),
        (8, "client_phone is 41 characters long; at most 40 are allowed"),
    ]


def test_a_utf8_file_with_a_few_bad_bytes_loses_only_those_rows() -> None:
    data = (
        HEADER + _row(1)
    ).encode() + "2,Pérez,+34600100002,Haircut,Vitaly,2026-11-24 12:00,,\n".encode("latin-1")
    data += "3,Peña,+34600100003,Haircut,Vitaly,2026-11-24 13:00,,\n".encode()
    rows, rejected = _read(decode_csv(codecs.BOM_UTF8 + data))
    assert rows == [(2, "1"), (4, "3")]
    assert rejected == [
        (3, "client_name holds byte 0xE9, which is not UTF-8; save the file as UTF-8")
    ]


def test_a_file_in_another_encoding_is_refused_whole_with_the_line_and_byte() -> None:
    data = (
        HEADER + _row(1)
    ).encode() + "2,Pérez,+34600100002,Haircut,Vitaly,2026-11-24 12:00,,\n".encode("cp1252")
    with pytest.raises(CsvFormatError) as refused:
        decode_csv(data)
    offset = data.index(b"\xe9")
    assert str(refused.value) == (
        f"not UTF-8 text: line 3 has byte 0xE9 (byte {offset} of the file); save it as UTF-8 CSV"
    )
    with pytest.raises(CsvFormatError, match="UTF-16"):
        decode_csv(HEADER.encode("utf-16"))


def test_a_byte_order_mark_left_in_the_text_is_not_part_of_the_first_column() -> None:
    assert [row.get("external_id") for row in read_rows("\ufeff" + HEADER + _row(1)).rows] == ["1"]


def test_a_malformed_header_refuses_the_file() -> None:
    with pytest.raises(CsvFormatError, match="line 1: the header is malformed"):
        read_rows('external_id,"client_name\n' + _row(1))
    with pytest.raises(CsvFormatError, match="empty"):
        read_rows("")
