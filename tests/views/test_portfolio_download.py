"""The portfolio page's CSV / XLSX download holds exactly the signed-in user's projects."""

from __future__ import annotations

import io

import openpyxl
import polars as pl
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from components import access
from data_access.settings import today as app_today
from support.apptest import frames_and_kpis, run_page


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


@pytest.fixture
def portfolio_page(monkeypatch, app_env):
    spec = access.PageSpec("views/portfolio.py", "Portfolio", ":material/table:",
                           frozenset({"executive", "pmo", "manager"}), "portfolio")
    if "portfolio" not in access.PAGE_ROLES:
        monkeypatch.setattr(access, "PAGES", access.PAGES + (spec,))
    monkeypatch.setitem(access.PAGE_ROLES, "portfolio", spec.roles)
    return app_env


@pytest.mark.parametrize("username", ["head", "manager", "exec"])
def test_the_portfolio_download_holds_only_the_users_projects(portfolio_page, deferred, username):
    at = run_page("portfolio", portfolio_page, username)
    assert not at.exception, at.exception
    buttons = {b.proto.label: b.proto.deferred_file_id for b in at.get("download_button")}
    csv_name, make_csv = deferred[buttons["CSV"]]
    xlsx_name, make_xlsx = deferred[buttons["XLSX"]]
    stem = f"portfolio-{app_today().isoformat()}"
    assert (csv_name, xlsx_name) == (f"{stem}.csv", f"{stem}.xlsx")
    _, kpis = frames_and_kpis(portfolio_page, username)
    wanted = kpis.projects["code"].to_list()
    assert pl.read_csv(make_csv())["code"].to_list() == wanted
    sheet = openpyxl.load_workbook(io.BytesIO(make_xlsx()), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[rows[0].index("code")] for r in rows[1:]] == wanted
