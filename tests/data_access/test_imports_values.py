"""Cell rules of the import: tolerant where the reading is certain, an error where it is not."""

from __future__ import annotations

import datetime as dt

import pytest

from data_access.imports import values as v
from data_access.imports.mpp import _spread, gate_type

D = dt.date


@pytest.mark.parametrize(("raw", "excel", "expected"), [
    ("2026-11-25", False, D(2026, 11, 25)),
    ("2026/11/25", False, D(2026, 11, 25)),
    ("2026-11-25 00:00:00", False, D(2026, 11, 25)),
    ("25/11/2026", False, D(2026, 11, 25)),        # day above 12: only day-first works
    ("25.11.2026", False, D(2026, 11, 25)),
    ("11/25/2026", False, D(2026, 11, 25)),        # second above 12: only month-first works
    ("03/03/2026", False, D(2026, 3, 3)),          # both readings are the same day
    (" 2026-01-05 ", False, D(2026, 1, 5)),
    (dt.datetime(2026, 11, 25, 0, 0), True, D(2026, 11, 25)),
    (46351, True, D(2026, 11, 25)),                # Excel serial: 1899-12-30 + 46351 days
    (45658.0, True, D(2025, 1, 1)),                # 1899-12-30 + 45658 days
])
def test_dates_read_when_certain(raw, excel, expected):
    assert v.date(raw, excel=excel) == expected


@pytest.mark.parametrize(("raw", "excel", "rule", "needle"), [
    ("03/04/2026", False, "ambiguous_date", "could be 2026-04-03 or 2026-03-04"),
    ("TBD", False, "not_date", "'TBD' is not a date"),
    ("31/02/2026", False, "not_date", "not a real calendar date"),
    ("25/11/26", False, "not_date", "is not a date"),
    ("9999-12-31", False, "date_out_of_range", "outside 1970-2100"),
    ("1900-01-01", False, "date_out_of_range", "outside 1970-2100"),
    (46351, False, "not_date", "write it as YYYY-MM-DD"),   # a bare number in a CSV
    (46351.5, True, "not_date", "not an Excel date serial"),
])
def test_dates_never_guessed(raw, excel, rule, needle):
    with pytest.raises(v.CellError) as err:
        v.date(raw, excel=excel)
    assert err.value.rule == rule and needle in str(err.value)


@pytest.mark.parametrize(("raw", "comma", "expected"), [
    ("1200000", False, 1_200_000.0),
    ("1,200,000", False, 1_200_000.0),
    ("1,200,000.50", False, 1_200_000.5),
    ("1.2e6", False, 1_200_000.0),
    ("1 200 000,50", True, 1_200_000.5),
    ("1.200.000,50", True, 1_200_000.5),
    ("12,5", True, 12.5),
    ("-3", False, -3.0),
    (7, False, 7.0),
])
def test_numbers(raw, comma, expected):
    assert v.number(raw, decimal_comma=comma) == expected


@pytest.mark.parametrize("raw", ["1.2M", "NaN", "inf", "-Infinity", "abc", float("nan"), True])
def test_numbers_refused(raw):
    with pytest.raises(v.CellError) as err:
        v.number(raw)
    assert err.value.rule == "not_number"


@pytest.mark.parametrize(("raw", "expected"), [
    ("50%", 50.0), ("50", 50.0), (v.Percent(42.5), 42.5), ("12,5%", 12.5), (0.5, 0.5),
])
def test_percent(raw, expected):
    assert v.percent(raw, decimal_comma=True) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("On hold", "on_hold"), ("ACTIVE", "active"), ("on-hold", "on_hold"), (" active ", "active"),
])
def test_choice_ignores_case_and_spacing(raw, expected):
    assert v.choice(raw, ("active", "on_hold")) == expected


def test_unknown_choice_lists_the_allowed_values():
    with pytest.raises(v.CellError) as err:
        v.choice("paused", ("active", "on_hold"))
    assert err.value.rule == "unknown_value"
    assert str(err.value) == "'paused' is not one of: active, on_hold"


@pytest.mark.parametrize(("raw", "limit", "rule"), [
    ("a\x00b", 10, "nul_byte"),
    ("x" * 11, 10, "too_long"),
    ("#REF!", 10, "formula_error"),
    ("bell\x07", 10, "control_character"),
])
def test_text_refused(raw, limit, rule):
    with pytest.raises(v.CellError) as err:
        v.text(raw, limit)
    assert err.value.rule == rule


@pytest.mark.parametrize(("raw", "expected"), [
    ("\ufeff P-01\u200b ", "P-01"), (12.0, "12"), ("NULL", "NULL"), ("None", "None"),
    ("=HYPERLINK(\"x\")", "=HYPERLINK(\"x\")"), ("Robert'); DROP TABLE projects;--",
                                                 "Robert'); DROP TABLE projects;--"),
])
def test_text_kept_literally(raw, expected):
    assert v.text(raw, 64) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("2026-11", D(2026, 11, 1)), ("11/2026", D(2026, 11, 1)), ("2026-11-25", D(2026, 11, 1)),
])
def test_month(raw, expected):
    assert v.month(raw) == expected


def test_keys_compare_ignoring_case_and_spaces():
    assert v.norm_key(" P  01 ") == v.norm_key("p 01")


@pytest.mark.parametrize(("name", "expected"), [
    ("G2 Go decision", "G2_go"), ("Gate 3 review", "G3_delivery"), ("g0: idea", "G0_idea"),
    ("Scope complete", None), ("G12 plan", None), ("PG2 thing", None),
])
def test_gates_identified_by_name(name, expected):
    assert gate_type(name) == expected


def test_costs_spread_by_calendar_days():
    # 1 000 over 2026-01-22..2026-02-10: 10 days in January, 10 in February
    assert _spread(1000.0, D(2026, 1, 22), D(2026, 2, 10)) == {D(2026, 1, 1): 500.0,
                                                               D(2026, 2, 1): 500.0}
