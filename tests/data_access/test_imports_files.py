"""Reading import files without the database: every hostile file is one clear problem (row,
column, value, rule) and the tolerated quirks read exactly as intended."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from data_access.imports import read_file, xlsx
from data_access.imports.downloads import template_csv, template_xlsx
from data_access.imports.templates import KINDS
from fixtures.imports.files import (csv_bytes, ole_encrypted, row, table, with_doctype,
                                    xlsx_bytes)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"


def errors(batch) -> list[tuple]:
    return [(p.row, p.column, p.value, p.rule) for p in batch.problems if p.is_error]


def records(batch, kind: str) -> list[dict]:
    return next(p for p in batch.parts if p.kind == kind).records


def test_cp1252_semicolon_export_with_decimal_comma_and_day_first_date():
    batch = read_file((FIXTURES / "projects-excel-fr.csv").read_bytes(), "projects-excel-fr.csv")
    assert errors(batch) == []
    assert [p.rule for p in batch.problems] == ["encoding"]        # a warning, read as cp1252
    (record,) = records(batch, "projects")
    assert record.row == 2
    assert record.values["name"] == "Réseau île-de-France"
    assert record.values["bac"] == 1_234_567.89
    assert record.values["baseline_end"] == dt.date(2026, 11, 25)
    assert record.values["forecast_end"] is None                   # defaults to baseline later


def test_bom_and_thousands_separators():
    batch = read_file((FIXTURES / "costs-bom.csv").read_bytes(), "costs.csv")
    assert errors(batch) == [] and batch.kinds == ["costs"]
    (record,) = records(batch, "costs")
    assert record.values == {"project": "PRJ-00001", "month": dt.date(2030, 2, 1),
                             "planned": 1_200_000.0, "actual": 1_100_000.5}


def test_utf16_headers_in_any_case_and_spacing_and_title_rows():
    rows = [["Cost report 2030"], [], [" PROJECT ", "Month", "planned", "Actual "],
            ["PRJ-00001", "2030-03", "10", ""]]
    batch = read_file(csv_bytes(rows, delimiter="\t", encoding="utf-16"), "c.csv")
    assert errors(batch) == []
    assert [p.rule for p in batch.problems] == ["title_rows"]
    assert records(batch, "costs")[0].row == 4


def test_quoted_newlines_are_kept():
    rows = table([row("risks", description="line one\nline two")])
    batch = read_file(csv_bytes(rows), "risks.csv")
    assert errors(batch) == []
    assert records(batch, "risks")[0].values["description"] == "line one\nline two"


@pytest.mark.parametrize(("override", "expected"), [
    ({"baseline_end": "03/04/2026"}, (2, "baseline_end", "03/04/2026", "ambiguous_date")),
    ({"baseline_end": "2025-12-31"}, (2, "baseline_end", "2025-12-31", "end_before_start")),
    ({"forecast_end": "2025-06-30"}, (2, "forecast_end", "2025-06-30", "end_before_start")),
    ({"bac": "-5"}, (2, "bac", "-5", "negative")),
    ({"bac": "1.2M"}, (2, "bac", "1.2M", "not_number")),
    ({"status": "paused"}, (2, "status", "paused", "unknown_value")),
    ({"name": "x" * 201}, (2, "name", "x" * 59 + "…", "too_long")),
    ({"name": "a\x00b"}, (2, "name", "a\\0b", "nul_byte")),
    ({"name": ""}, (2, "name", "", "required")),
    ({"urgency": "6"}, (2, "urgency", "6", "out_of_range")),
    ({"mandatory": "maybe"}, (2, "mandatory", "maybe", "not_boolean")),
])
def test_each_bad_project_value_names_row_column_value_and_rule(override, expected):
    batch = read_file(csv_bytes(table([row("projects", **override)])), "p.csv")
    assert errors(batch) == [expected]
    assert records(batch, "projects") == []


@pytest.mark.parametrize(("kind", "override", "expected"), [
    ("risks", {"probability": "0"}, (2, "probability", "0", "out_of_range")),
    ("risks", {"impact": "6"}, (2, "impact", "6", "out_of_range")),
    ("risks", {"closed_on": "2026-01-01"}, (2, "closed_on", "2026-01-01", "end_before_start")),
    ("progress", {"percent_complete": "150"}, (2, "percent_complete", "150", "out_of_range")),
    ("progress", {"percent_complete": "-1%"}, (2, "percent_complete", "-1%", "negative")),
    ("assignments", {"hours": "-8"}, (2, "hours", "-8", "negative")),
    ("assignments", {"role": "", "person": ""}, (2, "role", "", "required")),
    ("costs", {"planned": "-100"}, (2, "planned", "-100", "negative")),
    ("milestones", {"kind": "gate", "gate_type": ""}, (2, "gate_type", "", "gate_needs_type")),
    ("milestones", {"kind": "milestone"}, (2, "gate_type", "G2_go", "gate_type_on_milestone")),
    ("status_reports", {"cost_rag": "purple"}, (2, "cost_rag", "purple", "unknown_value")),
    ("dependencies", {"predecessor": "PRJ-00001", "successor": " prj-00001 "},
     (2, "successor", "prj-00001", "self_dependency")),
])
def test_rules_of_the_other_templates(kind, override, expected):
    batch = read_file(csv_bytes(table([row(kind, **override)])), f"{kind}.csv", kind=kind)
    assert errors(batch) == [expected]


@pytest.mark.parametrize(("data", "name", "rule", "needle"), [
    (b"", "p.csv", "empty_file", "the file is empty"),
    (b"key,code,name\r\n", "p.csv", "no_data", "a header but no data rows"),
    (b'key,code\r\n"P-1,P-1\r\n', "p.csv", "malformed_csv", "unbalanced quote"),
    (b"<html><body><table><tr><td>key</td></tr></table></body></html>", "p.xlsx",
     "content_mismatch", "really an HTML"),
    (b"key,code,name\r\nP-1,P-1,x\r\n", "p.xlsx", "content_mismatch", "rename it to .csv"),
    (ole_encrypted(), "p.xlsx", "encrypted_workbook", "password-protected"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "p.xlsx", "old_excel", ".xls"),
    (b"anything", "p.xls", "old_excel", "save it as .xlsx"),
    (b"anything", "p.pdf", "unknown_file_type", "use .csv or .xlsx"),
    (b"PK\x03\x04garbage", "p.csv", "content_mismatch", "really a spreadsheet workbook"),
    (csv_bytes([["key"] + [f"c{i}" for i in range(300)], ["x"] * 301]), "p.csv",
     "too_many_columns", "at most 200"),
])
def test_hostile_files_are_one_clear_problem(data, name, rule, needle):
    batch = read_file(data, name)
    assert [(p.rule, p.row) for p in batch.problems if p.is_error] == [(rule, None)]
    assert needle in batch.problems[0].message
    assert batch.parts == []


def test_missing_duplicated_and_unknown_headers():
    rows = [["project", "month", "Month", "colour"], ["PRJ-00001", "2030-01", "2030-01", "red"]]
    batch = read_file(csv_bytes(rows), "c.csv", kind="costs")
    found = sorted((p.rule, p.column, p.severity) for p in batch.problems)
    assert found == [("duplicate_column", "Month", "error"),
                     ("missing_column", "planned", "error"),
                     ("unknown_column", "colour", "warning")]


def test_unrecognised_header_asks_for_the_kind():
    batch = read_file(csv_bytes([["a", "b"], ["1", "2"]]), "x.csv")
    assert [p.rule for p in batch.problems] == ["unknown_template"]


def test_a_file_name_with_path_and_crlf_is_recorded_safely():
    batch = read_file(csv_bytes(table([row("costs")])), "../../etc/evil\r\n.csv")
    assert batch.filename == "evil__.csv"


# ----------------------------------------------------------------------------------- xlsx


def test_xlsx_typed_cells_serial_dates_percent_and_numeric_keys():
    rows = [["project", "as_of", "percent_complete"], ["PRJ-00001", 46351, 0.425],
            [1234, dt.datetime(2030, 1, 31), "50%"]]
    data = xlsx_bytes(rows, formats={"C2": "0.0%"})
    batch = read_file(data, "progress.xlsx")
    assert errors(batch) == []
    got = [r.values for r in records(batch, "progress")]
    assert got == [{"project": "PRJ-00001", "as_of": dt.date(2026, 11, 25),
                    "percent_complete": 42.5},
                   {"project": "1234", "as_of": dt.date(2030, 1, 31), "percent_complete": 50.0}]


def test_xlsx_formula_without_cached_value_and_error_values():
    rows = [["project", "month", "planned"], ["PRJ-00001", "2030-01", "=SUM(A1:A3)"],
            ["PRJ-00001", "2030-02", "#REF!"]]
    batch = read_file(xlsx_bytes(rows), "c.xlsx")
    assert errors(batch) == [(2, "planned", "=SUM(A1:A3)", "formula_without_value"),
                             (3, "planned", "#REF!", "formula_error")]


def test_xlsx_entity_declaration_is_refused():
    data = with_doctype(xlsx_bytes(table([row("costs")])))
    batch = read_file(data, "c.xlsx")
    assert [p.rule for p in batch.problems] == ["xml_entities"]


def test_xlsx_unpacking_beyond_the_limit_is_refused(monkeypatch):
    data = xlsx_bytes(table([row("costs", month=f"2030-{m:02d}") for m in range(1, 13)]))
    monkeypatch.setattr(xlsx, "MAX_UNCOMPRESSED", 4_000)
    batch = read_file(data, "c.xlsx")
    assert [p.rule for p in batch.problems] == ["zip_bomb"]


def test_xlsx_reads_the_sheet_with_the_header_and_says_so():
    data = xlsx_bytes(table([row("costs")]), title="costs", more_sheets=("notes",))
    batch = read_file(data, "c.xlsx")
    assert errors(batch) == [] and len(records(batch, "costs")) == 1
    assert [p.rule for p in batch.problems] == ["several_sheets"]


def test_xlsx_hidden_sheets_are_not_read():
    data = xlsx_bytes(table([row("costs")]), hidden_first=True, more_sheets=("visible",))
    batch = read_file(data, "c.xlsx")
    assert [p.rule for p in batch.problems if p.is_error] == ["no_data"]   # only "notes" read


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_downloaded_templates_read_back_without_error(kind, fmt):
    data = template_csv(kind) if fmt == "csv" else template_xlsx(kind)
    batch = read_file(data, f"{kind}.{fmt}")
    assert errors(batch) == [] and batch.kinds == [kind]
    assert len(records(batch, kind)) == 1
