"""Safe reading of an .xlsx workbook's cells (openpyxl, read-only and streaming).

Before openpyxl sees the bytes: the file must really be a zip (an OLE2 file is an encrypted
workbook or an old .xls; text is CSV or HTML), hold at most ``MAX_MEMBERS`` parts whose declared
uncompressed size adds up to at most ``MAX_UNCOMPRESSED`` (zipfile never inflates a part past
its declared size, so this bounds a zip bomb), and no XML part may carry a DOCTYPE (entity
expansion). Cached values are read (``data_only``); a formula without a cached value is marked,
not computed. Excel serial numbers stay numbers here (values.date reads them in date columns).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

from data_access.imports.parse import (HEADER_SCAN_ROWS, MAX_COLUMNS, MAX_ROWS, RawTable,
                                       normalise_header, split_header)
from data_access.imports.problems import FileRejected, Problem
from data_access.imports.values import Percent

MAX_UNCOMPRESSED = 300 * 1024 * 1024
MAX_MEMBERS = 5_000
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


class FormulaWithoutValue(str):
    """A formula cell the file holds no computed value for (the text is the formula)."""


def check_container(data: bytes) -> zipfile.ZipFile:
    """The workbook's zip, after the checks above; FileRejected otherwise."""
    if data.startswith(_OLE):
        if _ENCRYPTED in data:
            raise FileRejected("encrypted_workbook", "the workbook is password-protected "
                                                     "(encrypted): save a copy without a password")
        raise FileRejected("old_excel", "this is an old Excel 97-2003 (.xls) workbook, not .xlsx: "
                                        "save it as .xlsx (Excel Workbook)")
    if not data.startswith(b"PK\x03\x04"):
        head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<")):
            raise FileRejected("content_mismatch", "this .xlsx file is really an HTML/XML page "
                                                   "(an export that is not a workbook): open it "
                                                   "and save it as .xlsx, or export CSV")
        raise FileRejected("content_mismatch", "this .xlsx file is not a workbook (it looks like "
                                               "text, e.g. CSV): rename it to .csv or save it "
                                               "as .xlsx")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise FileRejected("bad_workbook", f"the workbook is damaged ({exc})") from None
    if len(members) > MAX_MEMBERS:
        raise FileRejected("zip_bomb", f"the workbook holds {len(members):,} parts; at most "
                                       f"{MAX_MEMBERS:,} are accepted")
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED:
        raise FileRejected("zip_bomb", f"the workbook unpacks to {total / 2**20:,.0f} MiB; at most "
                                       f"{MAX_UNCOMPRESSED // 2**20} MiB are accepted")
    for member in members:
        if member.filename.endswith((".xml", ".rels")) and _has_dtd(archive, member):
            raise FileRejected("xml_entities", f"the workbook part {member.filename} declares a "
                                               f"DOCTYPE or entities, which a workbook never "
                                               f"needs: refused (entity expansion attack)")
    return archive


def _has_dtd(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 20):
            if _DTD.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


def read_xlsx(data: bytes, *, header_names: frozenset[str] = frozenset(),
              progress: Callable[[str, int, int], None] | None = None) -> RawTable:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    check_container(data)
    try:
        values = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (InvalidFileException, KeyError, zipfile.BadZipFile, ValueError, TypeError) as exc:
        raise FileRejected("bad_workbook", f"not a readable .xlsx workbook ({exc})") from None
    try:
        visible = [ws.title for ws in values.worksheets if ws.sheet_state == "visible"]
        if not visible:
            raise FileRejected("no_data", "the workbook has no visible worksheet")
        notes: list[Problem] = []
        title = _pick_sheet(values, visible, header_names)
        if len(visible) > 1:
            notes.append(Problem.warn("several_sheets", f"the workbook has {len(visible)} "
                                      f"sheets: read {title!r} only"))
        rows = _rows(values[title], formulas[title], progress)
    finally:
        values.close()
        formulas.close()
    table = split_header(rows, header_names)
    table.excel = True
    table.notes = notes + table.notes
    return table


def _pick_sheet(book, visible: list[str], header_names: frozenset[str]) -> str:
    if header_names:
        for title in visible:
            for i, row in enumerate(book[title].iter_rows(values_only=True)):
                if i >= HEADER_SCAN_ROWS:
                    break
                if len({normalise_header(c) for c in row} & header_names) >= 2:
                    return title
    return visible[0]


def _rows(sheet, formula_sheet, progress) -> list[tuple[int, list[object]]]:
    total = sheet.max_row or 0
    out: list[tuple[int, list[object]]] = []
    pairs = zip(sheet.iter_rows(), formula_sheet.iter_rows(values_only=True))
    for number, (cells, raw) in enumerate(pairs, start=1):
        if len(cells) > MAX_COLUMNS and any(c.value is not None for c in cells[MAX_COLUMNS:]):
            raise FileRejected("too_many_columns", f"row {number} has more than {MAX_COLUMNS} "
                                                   f"columns")
        row = [_cell(c, f) for c, f in zip(cells[:MAX_COLUMNS], raw[:MAX_COLUMNS])]
        if any(v is not None for v in row):
            out.append((number, row))
            if len(out) > MAX_ROWS + HEADER_SCAN_ROWS:
                raise FileRejected("too_many_rows", f"more than {MAX_ROWS:,} rows: split the "
                                                    f"file into smaller ones")
        if progress and number % 5000 == 0:
            progress("read", min(number, total), max(total, number))
    if progress:
        progress("read", total, total)
    return out


def _cell(cell, formula) -> object:
    value = getattr(cell, "value", None)
    if value is None and isinstance(formula, str) and formula.startswith("="):
        return FormulaWithoutValue(formula)
    if isinstance(value, (int, float)) and not isinstance(value, bool) \
            and "%" in (getattr(cell, "number_format", "") or ""):
        return Percent(value * 100)
    if isinstance(value, str) and "_x" in value:   # Excel's escapes (_x000D_ is a CR), as
        from openpyxl.utils.escape import unescape  # openpyxl's read-only cells keep them
        value = unescape(value)
    return value
