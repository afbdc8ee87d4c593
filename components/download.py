"""Download buttons for any table: CSV and XLSX, formula-safe, built when the user clicks.

The frame given is already the user's (scoped) data: nothing else is read here.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
import streamlit as st

from data_access.exports import CSV_MIME, XLSX_MIME, csv_bytes, xlsx_bytes

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def file_stem(name: str, as_of: dt.date | None = None) -> str:
    """A safe file name stem: letters, digits, '.', '_' and '-' only (no path, no CRLF), no
    leading dot, at most 80 characters, the date appended when given ('export' when empty)."""
    stem = _UNSAFE.sub("-", name).strip("-.")[:80].strip("-.") or "export"
    return f"{stem}-{as_of.isoformat()}" if as_of else stem


def render_download(frame: pl.DataFrame, *, name: str, key: str,
                    as_of: dt.date | None = None) -> None:
    """Two buttons, CSV and XLSX, for ``frame`` (the file is generated on click; the page does
    not rerun). ``name`` names the file and the sheet; ``key`` prefixes the widget keys."""
    stem = file_stem(name, as_of)
    csv_col, xlsx_col, _ = st.columns([1, 1, 4])
    csv_col.download_button(
        "CSV", data=lambda: csv_bytes(frame), file_name=f"{stem}.csv", mime=CSV_MIME,
        key=f"{key}_csv", on_click="ignore", icon=":material/download:",
        help=f"{frame.height:,} rows as CSV (UTF-8; text that looks like a formula is quoted)")
    xlsx_col.download_button(
        "XLSX", data=lambda: xlsx_bytes({name or "export": frame}), file_name=f"{stem}.xlsx",
        mime=XLSX_MIME, key=f"{key}_xlsx", on_click="ignore", icon=":material/download:",
        help=f"{frame.height:,} rows as an Excel workbook")
