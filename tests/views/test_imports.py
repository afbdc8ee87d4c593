"""The import page (PMO only, AppTest): templates to download, the dry-run report, the Import
button only when the file has no error, and the import itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from components import access
from data_access.engine import create_pmo_engine
from data_access.imports import KINDS
from data_access.models import Project
from fixtures.imports.files import csv_bytes, row, table
from fixtures.imports.seeded import clone_sqlite
from support.apptest import COOKIE_KEY, run_page

SPEC = access.PageSpec("views/imports.py", "Import", ":material/upload_file:",
                       frozenset({"pmo"}), "imports")
REFUSED = "This page is not available to your role."


@pytest.fixture
def registered(monkeypatch, demo_db, tmp_path):
    """The page as the lead registers it, on a private copy of the demo database."""
    path = tmp_path / "imports.db"
    clone_sqlite(Path(demo_db.removeprefix("sqlite:///")), path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("PMO_DATABASE_URL", url)
    monkeypatch.setenv("PMO_COOKIE_KEY", COOKIE_KEY)
    if SPEC.url_path not in {s.url_path for s in access.PAGES}:
        monkeypatch.setattr(access, "PAGES", access.PAGES + (SPEC,))
    monkeypatch.setitem(access.PAGE_ROLES, SPEC.url_path, SPEC.roles)
    return url


def frame(at, column: str):
    """The table showing ``column`` (the summary has "create", the problem list "rule")."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def codes(url: str) -> set[str]:
    engine = create_pmo_engine(url)
    try:
        with engine.connect() as conn:
            return set(conn.execute(select(Project.code)).scalars())
    finally:
        engine.dispose()


def test_the_pmo_gets_the_templates_and_an_upload(registered):
    at = run_page("imports", registered, "pmo")
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Import"]
    assert len(at.get("download_button")) == 2 * len(KINDS)
    assert any("Choose a file" in i.value for i in at.info)
    assert not at.button


@pytest.mark.parametrize("username", ["exec", "head", "manager", "viewer"])
def test_every_other_role_is_refused(registered, username):
    at = run_page("imports", registered, username)
    assert [e.value for e in at.error] == [REFUSED]
    assert not at.title and not at.file_uploader


def test_a_clean_file_is_dry_run_then_imported_once(registered):
    at = run_page("imports", registered, "pmo")
    at.file_uploader(key="imp_file").upload("projects.csv", csv_bytes(table([row("projects")])),
                                            "text/csv")
    at.run()
    assert not at.exception, at.exception
    summary = frame(at, "create")
    assert summary.to_dict("records") == [{"kind": "projects", "create": 1, "update": 0,
                                           "unchanged": 0, "reject": 0}]
    assert "IMP-001" not in codes(registered)                      # nothing written yet
    assert [b.label for b in at.button] == ["Import: 1 new, 0 updated"]
    at.button(key="imp_go").click()
    at.run()
    assert not at.exception, at.exception
    assert "IMP-001" in codes(registered)
    assert [s.value for s in at.success] == ["Imported. Importing the same file again changes "
                                             "nothing."]
    assert not at.button                                           # no double submit
    assert frame(at, "create")["unchanged"].tolist() == [1]


def test_a_file_with_errors_lists_them_and_offers_no_import(registered):
    rows = table([row("projects", name="<script>alert(1)</script>", bac="-5",
                      baseline_end="03/04/2026")])
    at = run_page("imports", registered, "pmo")
    at.file_uploader(key="imp_file").upload("bad.csv", csv_bytes(rows), "text/csv")
    at.run()
    assert not at.exception, at.exception
    problems = frame(at, "rule")
    assert problems[["row", "column", "value", "rule"]].to_dict("records") == [
        {"row": 2, "column": "baseline_end", "value": "03/04/2026", "rule": "ambiguous_date"},
        {"row": 2, "column": "bac", "value": "-5", "rule": "negative"}]
    assert [e.value for e in at.error] == ["2 problem(s) to fix: nothing can be imported until "
                                           "the file is corrected."]
    assert not at.button


def test_a_hostile_workbook_is_one_clear_problem(registered):
    at = run_page("imports", registered, "pmo")
    at.file_uploader(key="imp_file").upload("p.xlsx", b"key,code\r\nP,P\r\n")
    at.run()
    assert not at.exception, at.exception
    problems = frame(at, "rule")
    assert problems["rule"].tolist() == ["content_mismatch"]
    assert not at.button
