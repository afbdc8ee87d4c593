"""Download buttons: safe file names, CSV and XLSX buttons whose files (built on click) are the
formula-safe table given (the portfolio page's download: tests/views/test_portfolio_download.py)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from components.download import file_stem


@pytest.mark.parametrize(("name", "as_of", "expected"), [
    ("portfolio", None, "portfolio"),
    ("portfolio", dt.date(2026, 3, 4), "portfolio-2026-03-04"),
    ("../../etc/passwd", None, "etc-passwd"),
    ("a\r\nContent-Type: x", None, "a-Content-Type-x"),
    (".hidden", None, "hidden"),
    ("", None, "export"),
    ("Zoë’s risks", None, "Zo-s-risks"),
    ("x" * 200, None, "x" * 80),
])
def test_file_stem(name, as_of, expected):
    assert file_stem(name, as_of) == expected


@pytest.fixture
def deferred(monkeypatch) -> dict:
    """file id -> (file name, callable) of every deferred download registered while testing."""
    seen: dict = {}
    original = MediaFileManager.add_deferred

    def add(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        file_id = original(self, data_callable, mimetype, coordinates, file_name, **kw)
        seen[file_id] = (file_name, data_callable)
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", add)
    return seen


def deferred_file(deferred: dict, button) -> tuple[str, bytes]:
    """(file name, bytes) a deferred download button would send when clicked."""
    name, make = deferred[button.proto.deferred_file_id]
    return name, make()


def _script():
    import polars as pl

    from components.download import render_download

    render_download(pl.DataFrame({"text": ["=HYPERLINK(\"x\")", "ok"], "n": [-5, 2]}),
                    name="hostile/../name", key="dl")


def test_csv_and_xlsx_buttons_build_formula_safe_files_on_click(deferred):
    at = AppTest.from_function(_script).run()
    assert not at.exception
    csv_button, xlsx_button = at.get("download_button")
    assert (csv_button.proto.label, xlsx_button.proto.label) == ("CSV", "XLSX")
    assert csv_button.proto.ignore_rerun and xlsx_button.proto.ignore_rerun
    name, data = deferred_file(deferred, csv_button)
    assert name == "hostile-..-name.csv"
    assert data == "\ufefftext,n\n\"'=HYPERLINK(\"\"x\"\")\",-5\nok,2\n".encode()
    name, data = deferred_file(deferred, xlsx_button)
    assert name == "hostile-..-name.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [tuple(c.value for c in row) for row in sheet.iter_rows()] == [
        ("text", "n"), ("'=HYPERLINK(\"x\")", -5), ("ok", 2)]
