"""Any polars frame as formula-safe CSV or XLSX bytes (no database, no streamlit).

Spreadsheet formula injection (OWASP, "CSV Injection"): a text cell beginning with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return may be run as a formula by Excel or LibreOffice when the
file is opened. Every such TEXT value gets a leading single quote; real numbers stay numbers (a
negative number is written as a number, the text "-5" becomes "'-5"). Column names are text
too and are neutralised the same way. In the XLSX, text is always written as a string cell and
numbers as number cells, so nothing is ever stored as a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Mapping

import polars as pl
import xlsxwriter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make a spreadsheet read text as a formula (OWASP)."""
QUOTE = "'"
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_COLUMNS = 16_384
XLSX_MAX_CELL = 32_767
_TRIGGER = r"^[=+\-@\t\r]"  # FORMULA_TRIGGERS as a regular expression
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\']")
# Characters XML 1.0 cannot hold (tab, LF and CR are allowed); XLSX is XML.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_XML_ILLEGAL_POLARS = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x{FFFE}\x{FFFF}]"  # polars text has no surrogates
CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(text: str | None) -> str | None:
    """'=1+1' -> "'=1+1" (any text starting with a formula trigger); other text unchanged."""
    if text is None or not text.startswith(FORMULA_TRIGGERS):
        return text
    return QUOTE + text


def neutralised(value: pl.Expr) -> pl.Expr:
    """A String expression with every formula-looking value prefixed by a single quote."""
    return pl.when(value.str.contains(_TRIGGER)).then(pl.lit(QUOTE) + value).otherwise(value)


def _as_text(column: str, dtype: pl.DataType) -> pl.Expr:
    """Columns a spreadsheet cannot hold natively (lists, structs, objects...) as text."""
    col = pl.col(column)
    if isinstance(dtype, (pl.List, pl.Array)):
        return col.cast(pl.List(pl.String)).list.join("; ").alias(column)
    if isinstance(dtype, pl.Struct):
        return col.struct.json_encode().alias(column)
    return col.cast(pl.String).alias(column)


def _is_plain(dtype: pl.DataType) -> bool:
    return (dtype.is_numeric() or dtype == pl.Boolean or dtype in (pl.Date, pl.String)
            or isinstance(dtype, pl.Datetime))


def safe_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame as a spreadsheet should receive it: text without the control characters a
    spreadsheet cannot hold (NUL...) and neutralised, names neutralised, nested or exotic
    columns (lists, structs, durations, categoricals) turned into text."""
    exprs = []
    for name, dtype in frame.schema.items():
        expr = pl.col(name) if _is_plain(dtype) else _as_text(name, dtype)
        if dtype == pl.String or not _is_plain(dtype):
            expr = neutralised(expr.str.replace_all(_XML_ILLEGAL_POLARS, ""))
        exprs.append(expr.alias(neutralise(xml_text(name)) or "column"))
    return frame.select(exprs)


def csv_bytes(frame: pl.DataFrame, *, bom: bool = True) -> bytes:
    """Formula-safe CSV (UTF-8, with a BOM so that Excel reads the accents, comma-separated,
    ISO dates, every text quoted only when needed)."""
    body = safe_frame(frame).write_csv(datetime_format="%Y-%m-%dT%H:%M:%S%.f%:z",
                                       date_format="%Y-%m-%d")
    return ("\ufeff" if bom else "").encode() + body.encode("utf-8")


def sheet_name(name: str, taken: set[str] | None = None) -> str:
    """A valid, unique Excel sheet name: no []:*?/\\' characters, at most 31 characters."""
    clean = _SHEET_FORBIDDEN.sub("_", _XML_ILLEGAL.sub("", name)).strip() or "Sheet"
    clean = clean[:31]
    taken = taken if taken is not None else set()
    candidate, n = clean, 1
    while candidate.lower() in taken:
        n += 1
        suffix = f" ({n})"
        candidate = clean[:31 - len(suffix)] + suffix
    taken.add(candidate.lower())
    return candidate


def xml_text(text: str) -> str:
    """Text without the control characters XML cannot hold (an XLSX or PPTX would break)."""
    return _XML_ILLEGAL.sub("", text)


def _formats(book: xlsxwriter.Workbook) -> dict[str, object]:
    return {"header": book.add_format({"bold": True, "bg_color": "#DDE5EE", "border": 1}),
            "date": book.add_format({"num_format": "yyyy-mm-dd"}),
            "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
            "float": book.add_format({"num_format": "#,##0.00"}),
            "int": book.add_format({"num_format": "0"})}


def _check_size(name: str, frame: pl.DataFrame) -> None:
    if frame.height + 1 > XLSX_MAX_ROWS:
        raise ValueError(f"table {name!r} has {frame.height:,} rows: an XLSX sheet holds at most "
                         f"{XLSX_MAX_ROWS - 1:,}; export it as CSV instead")
    if frame.width > XLSX_MAX_COLUMNS:
        raise ValueError(f"table {name!r} has {frame.width:,} columns: an XLSX sheet holds at "
                         f"most {XLSX_MAX_COLUMNS:,}")


def _writer(sheet, dtype: pl.DataType, formats: dict):
    """A function (row, col, value) writing one typed cell (None: left empty)."""
    if dtype == pl.Boolean:
        return lambda r, c, v: sheet.write_boolean(r, c, v)
    if dtype.is_integer():
        return lambda r, c, v: sheet.write_number(r, c, v, formats["int"])
    if dtype.is_numeric():
        def number(r, c, v):
            v = float(v)
            if math.isnan(v):
                return sheet.write_formula(r, c, "=NA()", None, "#N/A")
            if math.isinf(v):
                return sheet.write_string(r, c, "inf" if v > 0 else QUOTE + "-inf")
            return sheet.write_number(r, c, v, formats["float"])
        return number
    if dtype == pl.Date:
        return lambda r, c, v: sheet.write_datetime(r, c, dt.datetime.combine(v, dt.time()),
                                                    formats["date"])
    if isinstance(dtype, pl.Datetime):
        def when(r, c, v):
            if v.tzinfo is not None:
                v = v.astimezone(dt.timezone.utc).replace(tzinfo=None)
            return sheet.write_datetime(r, c, v, formats["datetime"])
        return when
    return lambda r, c, v: sheet.write_string(r, c, xml_text(v)[:XLSX_MAX_CELL])


def xlsx_bytes(tables: Mapping[str, pl.DataFrame]) -> bytes:
    """A workbook with one sheet per table (in order): a bold header row, typed cells, frozen
    header, autofilter. Text is neutralised and always a string cell; NaN is #N/A; +-inf text."""
    if not tables:
        raise ValueError("nothing to export: give at least one table")
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    formats = _formats(book)
    taken: set[str] = set()
    for name, frame in tables.items():
        _check_size(name, frame)
        safe = safe_frame(frame)
        sheet = book.add_worksheet(sheet_name(name, taken))
        for c, column in enumerate(safe.columns):
            sheet.write_string(0, c, xml_text(column), formats["header"])
            sheet.set_column(c, c, min(max(len(column), 10) + 2, 60))
        writers = [_writer(sheet, dtype, formats) for dtype in safe.dtypes]
        for r, row in enumerate(safe.iter_rows(), start=1):
            for c, value in enumerate(row):
                if value is not None:
                    writers[c](r, c, value)
        sheet.freeze_panes(1, 0)
        if safe.width:
            sheet.autofilter(0, 0, max(safe.height, 1), safe.width - 1)
    book.close()
    return buffer.getvalue()
