"""Tolerant reading of an uploaded file into rows of cells (CSV here, workbooks in xlsx.py).

CSV: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252; the delimiter (',' ';' or
tab) is the one of the header line, and a ';' file writes decimals with a comma. Quoted newlines
are kept; an unbalanced quote is an error. Nothing here interprets a value: see values.py.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath

from data_access.imports.problems import FileRejected, Problem
from data_access.imports.values import clean_text

Progress = Callable[[str, int, int], None]
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 500_000
MAX_COLUMNS = 200
CSV_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
HEADER_SCAN_ROWS = 20
_DELIMITERS = (",", ";", "\t")


@dataclass
class RawTable:
    """Cells under a header, each row with its line or row number in the file."""

    headers: list[str]
    rows: list[tuple[int, list[object]]]
    header_row: int = 1
    decimal_comma: bool = False
    excel: bool = False
    notes: list[Problem] = field(default_factory=list)


def suffix_of(filename: str) -> str:
    return PurePath(filename.replace("\\", "/")).suffix.lower()


def read_table(data: bytes, filename: str, *, progress: Progress | None = None,
               header_names: frozenset[str] = frozenset()) -> RawTable:
    """The table in ``data`` (a CSV or an .xlsx); raises FileRejected naming what is wrong.

    ``header_names`` (normalised) helps find the header below title rows.
    """
    if len(data) > MAX_FILE_BYTES:
        raise FileRejected("file_too_large", f"the file is {len(data) / 1e6:,.1f} MB; at most "
                                             f"{MAX_FILE_BYTES // 2**20} MiB can be imported")
    suffix = suffix_of(filename)
    if suffix in XLSX_SUFFIXES:
        from data_access.imports.xlsx import read_xlsx

        table = read_xlsx(data, header_names=header_names, progress=progress)
        if suffix == ".xlsm":
            table.notes.append(Problem.warn("macro_workbook", "a macro-enabled workbook: its "
                                            "values were read, its macros ignored"))
        return table
    if suffix == ".xls":
        raise FileRejected("old_excel", "old Excel 97-2003 (.xls) workbooks are not read: save "
                                        "it as .xlsx (Excel Workbook) or CSV")
    if suffix not in CSV_SUFFIXES:
        raise FileRejected("unknown_file_type", f"cannot import a {suffix or 'extension-less'} "
                                                f"file: use .csv or .xlsx (or a scheduling file)")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRejected("content_mismatch", "this .csv file is really a spreadsheet workbook: "
                                               "rename it to .xlsx (or save it as CSV)")
    return read_csv(data, progress=progress, header_names=header_names)


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-16 and UTF-8 by their BOM, UTF-8, else Windows-1252."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise FileRejected("bad_encoding", f"the file starts like {encoding} but byte "
                                                   f"{exc.start} is not: {exc.reason}") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise FileRejected("bad_encoding", f"the file is neither UTF-8 nor Windows-1252 text "
                                           f"(byte {exc.start}): save it as CSV UTF-8") from None


def _delimiter(top_lines: list[str]) -> str:
    """The delimiter found most often on one of the top lines (title rows may have none)."""
    counts = {d: max((ln.count(d) for ln in top_lines), default=0) for d in _DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_csv(data: bytes, *, progress: Progress | None = None,
             header_names: frozenset[str] = frozenset()) -> RawTable:
    text, encoding = decode(data)
    stripped = text.lstrip()
    if stripped[:15].lower().startswith(("<!doctype html", "<html", "<table")):
        raise FileRejected("content_mismatch", "this file is an HTML page, not CSV: export the "
                                               "data as CSV or .xlsx")
    if not stripped:
        raise FileRejected("empty_file", "the file is empty")
    notes = []
    if encoding == "cp1252":
        notes.append(Problem.warn("encoding", "the file is not UTF-8: it was read as "
                                              "Windows-1252 (check accented letters)"))
    lines = text.splitlines()
    delimiter = _delimiter([ln for ln in lines[:HEADER_SCAN_ROWS * 2] if ln.strip()])
    total = max(len(lines), 1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[object]]] = []
    try:
        for cells in reader:
            if len(rows) > MAX_ROWS + HEADER_SCAN_ROWS:
                raise FileRejected("too_many_rows", f"more than {MAX_ROWS:,} rows: split the "
                                                    f"file into smaller ones")
            if len(cells) > MAX_COLUMNS:
                raise FileRejected("too_many_columns", f"line {reader.line_num} has "
                                   f"{len(cells):,} columns; at most {MAX_COLUMNS} are read")
            rows.append((reader.line_num, cells))
            if progress and len(rows) % 5000 == 0:
                progress("read", min(reader.line_num, total), total)
    except csv.Error as exc:
        raise FileRejected("malformed_csv", f"line {reader.line_num}: the CSV is malformed "
                                            f"({exc}); check for an unbalanced quote") from None
    if progress:
        progress("read", total, total)
    table = split_header(rows, header_names)
    table.decimal_comma = delimiter == ";"
    table.notes = notes + table.notes
    return table


def normalise_header(name: object) -> str:
    """'  Baseline Start ' and 'baseline-start' -> 'baseline_start'."""
    text = clean_text("" if name is None else str(name)).casefold()
    return "_".join(text.replace("-", " ").replace("_", " ").split())


def split_header(rows: list[tuple[int, list[object]]], header_names: frozenset[str]) -> RawTable:
    """The header is the first non-empty row, or (when ``header_names`` are given) the first of
    the top rows naming at least two of them: title rows above it are skipped with a note."""
    non_empty = [(n, cells) for n, cells in rows if any(_filled(c) for c in cells)]
    if not non_empty:
        raise FileRejected("empty_file", "the file has no rows")
    index = 0
    if header_names:
        for i, (_, cells) in enumerate(non_empty[:HEADER_SCAN_ROWS]):
            if len({normalise_header(c) for c in cells} & header_names) >= 2:
                index = i
                break
    header_row, headers = non_empty[index]
    notes = []
    if index:
        notes.append(Problem.warn("title_rows", f"skipped {index} row(s) above the header "
                                                f"(row {header_row})"))
    body = [(n, cells) for n, cells in rows if n > header_row and any(_filled(c) for c in cells)]
    if not body:
        raise FileRejected("no_data", "the file has a header but no data rows")
    if len(body) > MAX_ROWS:
        raise FileRejected("too_many_rows", f"{len(body):,} rows; at most {MAX_ROWS:,} can be "
                                            f"imported at once: split the file")
    width = len(headers)
    while width and not _filled(headers[width - 1]):
        width -= 1
    return RawTable(headers=[("" if h is None else str(h)) for h in headers[:width]], rows=body,
                    header_row=header_row, notes=notes)


def _filled(cell: object) -> bool:
    return cell is not None and (not isinstance(cell, str) or bool(cell.strip()))
