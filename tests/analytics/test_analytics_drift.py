"""Drift alerts: CPI / SPI(t) trends, repeated forecast slips, forecast overruns (hand-computed)."""

from __future__ import annotations

import random
from datetime import date

import polars as pl
import pytest

from analytics.drift import (ALERT_COLUMNS, drift_alerts, forecast_overruns, month_ends,
                             repeated_slips, trend_alerts, trend_series, window_label)
from analytics.earned_schedule import add_earned_schedule
from analytics.evm import project_kpis, rollup, rollup_by_objective
from analytics.thresholds import parse_thresholds

from test_analytics_factories import (assert_finite, costs, make_cost, make_progress, make_project,
                                      make_report, progress, projects, reports, thresholds)

T = parse_thresholds(thresholds())  # cpi/spi amber 0.95 red 0.90; eac_overrun 5 % / 10 %;
#                                     milestone_slip_days 15 / 45
SEP_NOV = [date(2026, 9, 30), date(2026, 10, 31), date(2026, 11, 30)]


@pytest.mark.parametrize("as_of, periods, expected", [
    (date(2026, 11, 30), 3, SEP_NOV),                       # a month end counts itself
    (date(2026, 11, 15), 3, [date(2026, 8, 31), date(2026, 9, 30), date(2026, 10, 31)]),
    (date(2027, 1, 1), 3, [date(2026, 10, 31), date(2026, 11, 30), date(2026, 12, 31)]),
    (date(2028, 3, 1), 2, [date(2028, 1, 31), date(2028, 2, 29)]),  # leap February
])
def test_month_ends(as_of, periods, expected):
    assert month_ends(as_of, periods) == expected


@pytest.mark.parametrize("ends, label", [
    (SEP_NOV, "Sep–Nov 2026"),
    ([date(2026, 11, 30), date(2026, 12, 31), date(2027, 1, 31)], "Nov 2026–Jan 2027"),
])
def test_window_label(ends, label):
    assert window_label(ends) == label


def series(*values: float | None, ends=SEP_NOV) -> pl.DataFrame:
    return pl.DataFrame({"id": [1] * len(values), "status_date": ends[-len(values):],
                         "cpi": list(values)},
                        schema={"id": pl.Int64, "status_date": pl.Date, "cpi": pl.Float64})


# Rows are given out of date order on purpose (reversed) to show the order comes from the dates.
@pytest.mark.parametrize("values, expected", [
    # Down every month and into red at the end (red: shown value <= 0.90).
    ((0.97, 0.93, 0.88),
     ("red", "CPI 0.97 → 0.93 → 0.88 over Sep–Nov 2026: declining every month; "
             "crossed into red (below 0.90)")),
    # Down every month but still green: amber.
    ((1.2, 1.1, 1.0), ("amber", "CPI 1.20 → 1.10 → 1.00 over Sep–Nov 2026: declining every month")),
    # Crossed into red without falling every month.
    ((0.95, 0.85, 0.86),
     ("red", "CPI 0.95 → 0.85 → 0.86 over Sep–Nov 2026: crossed into red (below 0.90)")),
    # Red throughout and falling: declining, red (no crossing in the window).
    ((0.85, 0.80, 0.75),
     ("red", "CPI 0.85 → 0.80 → 0.75 over Sep–Nov 2026: declining every month; red (below 0.90)")),
    # Unknown at first (nothing spent yet), then into red exactly at the limit.
    ((None, 0.95, 0.90),
     ("red", "CPI n/a → 0.95 → 0.90 over Sep–Nov 2026: crossed into red (at or below 0.90)")),
    # A gap in the middle: no trend, but it was 0.95 (not red) and is red now.
    ((0.95, None, 0.85),
     ("red", "CPI 0.95 → n/a → 0.85 over Sep–Nov 2026: crossed into red (below 0.90)")),
    # No alert: flat at the shown precision (0.93 → 0.93), red throughout without a fall,
    # unknown now, 0.951 → 0.949 → 0.948 all shown 0.95, dipped into red and recovered.
    ((0.93, 0.93, 0.92), None),
    ((0.85, 0.80, 0.82), None),
    ((0.95, 0.85, None), None),
    ((0.951, 0.949, 0.948), None),
    ((0.92, 0.88, 0.95), None),
])
def test_trend_alerts(values, expected):
    frame = series(*values).reverse()
    got = trend_alerts(frame, "cpi", "CPI", "cpi_trend", T["cpi"], 3, "Sep–Nov 2026").collect()
    assert_finite(got)
    if expected is None:
        assert got.height == 0
    else:
        assert got.select("id", "alert", "severity", "metric", "value", "threshold",
                          "evidence").row(0) == (1, "cpi_trend", expected[0], "cpi",
                                                 values[-1], 0.90, expected[1])


def test_trend_over_two_periods():
    got = trend_alerts(series(0.97, 0.96), "cpi", "CPI", "cpi_trend", T["cpi"], 2,
                       "Oct–Nov 2026").collect()
    assert got["evidence"].to_list() == [
        "CPI 0.97 → 0.96 over Oct–Nov 2026: declining every month"]


def report(id_: int, period: date, forecast_end: date | None, **kw) -> dict:
    """A status report of project 1 for ``period``, reported on the 2nd of the next month."""
    reported = date(period.year + period.month // 12, period.month % 12 + 1, 2)
    return make_report(id=id_, period=period, reported_on=reported, forecast_end=forecast_end,
                       **kw)


SEP, OCT, NOV = date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)
D = date


@pytest.mark.parametrize("rows, expected", [
    # Later in 2 reports in a row: 2026-12-31 -> 2027-01-31 -> 2027-02-28, 31 + 28 = 59 days,
    # at or above the 45-day red limit.
    ([report(1, SEP, D(2026, 12, 31)), report(2, OCT, D(2027, 1, 31)),
      report(3, NOV, D(2027, 2, 28))],
     ("red", 59.0, "forecast end moved later in 2 consecutive reports: "
                   "2026-12-31 → 2027-01-31 → 2027-02-28 (+59 days)")),
    # Two small moves: 10 + 10 = 20 days, below 45: amber.
    ([report(1, SEP, D(2026, 12, 31)), report(2, OCT, D(2027, 1, 10)),
      report(3, NOV, D(2027, 1, 20))],
     ("amber", 20.0, "forecast end moved later in 2 consecutive reports: "
                     "2026-12-31 → 2027-01-10 → 2027-01-20 (+20 days)")),
    # Only the run up to the latest report counts: earlier, then later twice (+15 + 16 = 31).
    ([report(1, D(2026, 8, 1), D(2027, 3, 1)), report(2, SEP, D(2026, 12, 31)),
      report(3, OCT, D(2027, 1, 15)), report(4, NOV, D(2027, 1, 31))],
     ("amber", 31.0, "forecast end moved later in 2 consecutive reports: "
                     "2026-12-31 → 2027-01-15 → 2027-01-31 (+31 days)")),
    # A report without a forecast is skipped, not a break: 3 moves, 31 + 28 + 31 = 90 days.
    ([report(1, D(2026, 8, 1), D(2026, 12, 31)), report(2, SEP, D(2027, 1, 31)),
      report(3, OCT, None), report(4, NOV, D(2027, 2, 28)), report(5, D(2026, 12, 1),
                                                                  D(2027, 3, 31))],
     ("red", 90.0, "forecast end moved later in 3 consecutive reports: "
                   "2026-12-31 → 2027-01-31 → 2027-02-28 → 2027-03-31 (+90 days)")),
    # Two reports for October: the later-reported one (2027-01-31) counts, not the first one.
    ([report(1, SEP, D(2026, 12, 31)),
      report(2, OCT, D(2026, 12, 1)) | {"reported_on": D(2026, 11, 1)},
      report(3, OCT, D(2027, 1, 31)) | {"reported_on": D(2026, 11, 3)},
      report(4, NOV, D(2027, 2, 28))],
     ("red", 59.0, "forecast end moved later in 2 consecutive reports: "
                   "2026-12-31 → 2027-01-31 → 2027-02-28 (+59 days)")),
    # No alert: one move; later, earlier, later; later, same, later; an old run then stable.
    ([report(1, OCT, D(2026, 12, 31)), report(2, NOV, D(2027, 6, 30))], None),
    ([report(1, SEP, D(2026, 12, 31)), report(2, OCT, D(2027, 1, 31)),
      report(3, NOV, D(2027, 1, 15)), report(4, D(2026, 12, 1), D(2027, 2, 15))], None),
    ([report(1, SEP, D(2026, 12, 31)), report(2, OCT, D(2027, 1, 31)),
      report(3, NOV, D(2027, 1, 31)), report(4, D(2026, 12, 1), D(2027, 2, 15))], None),
    ([report(1, SEP, D(2026, 12, 31)), report(2, OCT, D(2027, 1, 31)),
      report(3, NOV, D(2027, 2, 28)), report(4, D(2026, 12, 1), D(2027, 2, 28))], None),
    ([], None),
])
def test_repeated_slips(rows, expected):
    got = repeated_slips(reports(*rows), T["milestone_slip_days"]).collect()
    assert_finite(got)
    if expected is None:
        assert got.height == 0
    else:
        assert got.select("id", "alert", "severity", "metric", "value", "threshold",
                          "evidence").row(0) == (1, "repeated_slip", expected[0], "forecast_end",
                                                 expected[1], 45.0, expected[2])


KPI_SCHEMA = {"id": pl.Int64, "bac": pl.Float64, "cpi": pl.Float64, "eac": pl.Float64}


@pytest.mark.parametrize("kpi, reported_eac, expected", [
    # EAC 1250 over BAC 1000: (1250 - 1000)/1000 = 25 %.
    ((1000.0, 0.8, 1250.0), None,
     (0.25, "EAC 1250 is 25.0% over BAC 1000 (above 10.0%)")),
    # Exactly 10 %: at the red limit is red.
    ((1000.0, 1000 / 1100, 1100.0), None,
     (0.10, "EAC 1100 is 10.0% over BAC 1000 (at or above 10.0%)")),
    # Computed 9 % (not red) but the report says 1200: 20 %; value = the worse, 0.20.
    ((1000.0, 1000 / 1090, 1090.0), 1200.0,
     (0.20, "reported EAC 1200 is 20.0% over BAC 1000 (above 10.0%)")),
    # Both red: both said; value max(0.25, 0.30).
    ((1000.0, 0.8, 1250.0), 1300.0,
     (0.30, "EAC 1250 is 25.0% over BAC 1000 (above 10.0%); "
            "reported EAC 1300 is 30.0% over BAC 1000 (above 10.0%)")),
    # No alert: 9 %; nothing spent yet (CPI null: EAC = BAC is no forecast); zero budget.
    ((1000.0, 1000 / 1090, 1090.0), None, None),
    ((1000.0, None, 1000.0), None, None),
    ((0.0, None, None), 500.0, None),
])
def test_forecast_overruns(kpi, reported_eac, expected):
    kpis = pl.DataFrame([(1, *kpi)], schema=KPI_SCHEMA, orient="row")
    reps = reports(*([] if reported_eac is None else
                     [make_report(eac=reported_eac, reported_on=date(2026, 11, 2))]))
    got = forecast_overruns(kpis, reps, T["eac_overrun"]).collect()
    assert_finite(got)
    if expected is None:
        assert got.height == 0
    else:
        row = got.row(0, named=True)
        assert (row["alert"], row["severity"], row["metric"], row["threshold"]) == (
            "forecast_overrun", "red", "eac_overrun", 0.10)
        assert (row["value"], row["evidence"]) == (pytest.approx(expected[0]), expected[1])


# --- End to end, status date 2026-11-30, window Sep-30 / Oct-31 / Nov-30 -----------------------

def monthly(project_id: int, months, planned: float = 0.0, actual: float | None = None) -> list:
    return [make_cost(project_id=project_id, month=date(2026, m, 1), planned=planned,
                      actual=actual) for m in months]


def pct(project_id: int, *values: float | None) -> list:
    return [make_progress(project_id=project_id, as_of=d, percent_complete=v)
            for d, v in zip(SEP_NOV, values) if v is not None]


PORTFOLIO = dict(
    projects=projects(
        # P001 BAC 1000, plan 100/month Jan-Oct, actual 100/month Jan-Nov: AC 900, 1000, 1100;
        # EV 873, 930, 968 -> CPI 0.97, 0.93, 968/1100 = 0.88. ES = 8 + 73/100 = 8.73,
        # 9.30, 9.68 over AT 9, 10, 11 -> SPI(t) 0.97, 0.93, 0.88. EAC 1000/0.88 = 1136 (+13.6 %).
        make_project(id=1, code="P001", name="Falling", bac=1000.0),
        # P002 completed 2026-10-31, EV = AC (CPI 1.00 ×3), AT stops at 10 so SPI(t) 1.00 ×3;
        # its report says EAC 1200 (+20 %).
        make_project(id=2, code="P002", name="Done", bac=1000.0, status="completed",
                     actual_end=date(2026, 10, 31)),
        # P003 BAC 2000, plan 200/month Jan-Oct; AC 900, 1100, 1200; EV 855, 935, 1032 ->
        # CPI 0.95, 0.85, 0.86 (crossed, not falling every month). SPI(t): 4.275/9 = 0.475,
        # 4.675/10 = 0.4675, 5.16/11 = 0.469 -> shown 0.48, 0.47, 0.47: red, flat, no alert.
        # EAC 2000 x 1200/1032 = 2326 (+16.3 %); reported EAC 2600 (+30 %).
        make_project(id=3, code="P003", name="Dipping", bac=2000.0),
        # P004 BAC 1000, plan 100/month Jan-Oct; AC 500, 600, 700; EV 600, 660, 700 -> CPI 1.20,
        # 1.10, 1.00 (amber trend). SPI(t) 6/9, 6.6/10, 7/11 -> 0.67, 0.66, 0.64 (red, falling).
        # EAC 1000/1.0 = 1000. Forecast end moved later twice (+59 days).
        make_project(id=4, code="P004", name="Gentle", bac=1000.0),
        # P005 starts in 2027: nothing to say.
        make_project(id=5, code="P005", name="Future", bac=1000.0, status="proposed",
                     baseline_start=date(2027, 1, 1), baseline_end=date(2027, 12, 31)),
        # P006 starts 2026-10-01, plan 100 in Oct and Nov; AC 0, 100, 200; EV -, 95, 180 ->
        # CPI n/a, 0.95, 0.90; ES 0.95, 1 + 80/100 = 1.8 over AT 1, 2 -> SPI(t) n/a (AT 0 on
        # Sep-30), 0.95, 0.90. EAC 1000/0.9 = 1111 (+11.1 %).
        make_project(id=6, code="P006", name="Late spender", bac=1000.0,
                     baseline_start=date(2026, 10, 1)),
    ),
    costs=costs(
        *monthly(1, range(1, 11), 100.0, 100.0), *monthly(1, [11], 0.0, 100.0),
        *monthly(2, range(1, 11), 100.0, 100.0),
        *monthly(3, range(1, 10), 200.0, 100.0), *monthly(3, [10], 200.0, 200.0),
        *monthly(3, [11], 0.0, 100.0),
        *monthly(4, range(1, 6), 100.0, 100.0), *monthly(4, range(6, 10), 100.0),
        *monthly(4, [10], 100.0, 100.0), *monthly(4, [11], 0.0, 100.0),
        *monthly(6, [10, 11], 100.0, 100.0),
    ),
    progress=progress(*pct(1, 87.3, 93.0, 96.8), *pct(2, 90.0, 100.0, 100.0),
                      *pct(3, 42.75, 46.75, 51.6), *pct(4, 60.0, 66.0, 70.0),
                      *pct(6, None, 9.5, 18.0)),
    status_reports=reports(
        make_report(id=1, project_id=2, eac=1200.0),
        make_report(id=2, project_id=3, eac=2600.0),
        make_report(id=3, project_id=4, period=SEP, reported_on=D(2026, 10, 2),
                    forecast_end=D(2026, 12, 31)),
        make_report(id=4, project_id=4, period=OCT, reported_on=D(2026, 11, 2),
                    forecast_end=D(2027, 1, 31)),
        make_report(id=5, project_id=4, period=NOV, reported_on=D(2026, 11, 30),
                    forecast_end=D(2027, 2, 28)),
        # reported after the status date: ignored
        make_report(id=6, project_id=4, period=D(2026, 12, 1), reported_on=D(2026, 12, 2),
                    forecast_end=D(2027, 6, 30), eac=5000.0),
    ),
)

EXPECTED = [
    ("P001", "cpi_trend", "red", "CPI 0.97 → 0.93 → 0.88 over Sep–Nov 2026: declining every "
                                 "month; crossed into red (below 0.90)"),
    ("P001", "forecast_overrun", "red", "EAC 1136 is 13.6% over BAC 1000 (above 10.0%)"),
    ("P001", "spi_t_trend", "red", "SPI(t) 0.97 → 0.93 → 0.88 over Sep–Nov 2026: declining "
                                   "every month; crossed into red (below 0.90)"),
    ("P002", "forecast_overrun", "red",
     "reported EAC 1200 is 20.0% over BAC 1000 (above 10.0%)"),
    ("P003", "cpi_trend", "red",
     "CPI 0.95 → 0.85 → 0.86 over Sep–Nov 2026: crossed into red (below 0.90)"),
    ("P003", "forecast_overrun", "red", "EAC 2326 is 16.3% over BAC 2000 (above 10.0%); "
                                        "reported EAC 2600 is 30.0% over BAC 2000 (above 10.0%)"),
    ("P004", "repeated_slip", "red", "forecast end moved later in 2 consecutive reports: "
                                     "2026-12-31 → 2027-01-31 → 2027-02-28 (+59 days)"),
    ("P004", "spi_t_trend", "red", "SPI(t) 0.67 → 0.66 → 0.64 over Sep–Nov 2026: declining "
                                   "every month; red (below 0.90)"),
    ("P006", "cpi_trend", "red",
     "CPI n/a → 0.95 → 0.90 over Sep–Nov 2026: crossed into red (at or below 0.90)"),
    ("P006", "forecast_overrun", "red", "EAC 1111 is 11.1% over BAC 1000 (above 10.0%)"),
    ("P006", "spi_t_trend", "red",
     "SPI(t) n/a → 0.95 → 0.90 over Sep–Nov 2026: crossed into red (at or below 0.90)"),
    ("P004", "cpi_trend", "amber",
     "CPI 1.20 → 1.10 → 1.00 over Sep–Nov 2026: declining every month"),
]


def alerts(**kw) -> pl.DataFrame:
    df = drift_alerts(**(PORTFOLIO | kw), as_of=date(2026, 11, 30),
                      thresholds=thresholds()).collect()
    assert_finite(df)
    assert df.columns == list(ALERT_COLUMNS)
    return df


def test_drift_alerts_end_to_end():
    df = alerts()
    assert df.select("code", "alert", "severity", "evidence").rows() == EXPECTED
    values = {(r["code"], r["alert"]): r["value"] for r in df.iter_rows(named=True)}
    assert values[("P001", "cpi_trend")] == pytest.approx(0.88)
    assert values[("P003", "forecast_overrun")] == pytest.approx(0.30)   # the worse of the two
    assert values[("P004", "repeated_slip")] == 59.0
    assert values[("P004", "spi_t_trend")] == pytest.approx(7 / 11)


def test_drift_alerts_status_filter_and_no_reports():
    live = alerts(statuses=("active", "on_hold"))
    assert "P002" not in live["code"].to_list()                # completed project left out
    assert live.height == len(EXPECTED) - 1
    no_reports = alerts(status_reports=None)
    kinds = set(zip(no_reports["code"], no_reports["alert"]))
    assert ("P004", "repeated_slip") not in kinds and ("P002", "forecast_overrun") not in kinds
    # P003's computed overrun alone remains: EAC/BAC - 1 = 1200/1032 - 1 = 168/1032.
    p3 = no_reports.filter((pl.col("code") == "P003") & (pl.col("alert") == "forecast_overrun"))
    assert p3["value"].item() == pytest.approx(168 / 1032)


@pytest.mark.parametrize("statuses", [None, ("active", "on_hold")])
def test_drift_alerts_from_precomputed_kpis_and_series(statuses):
    # kpi_set hands over the KPIs at as_of and the trend series it computed already: the alerts
    # are the same rows (EXPECTED above) as when drift_alerts computes them itself.
    as_of = date(2026, 11, 30)
    p, c, g = PORTFOLIO["projects"], PORTFOLIO["costs"], PORTFOLIO["progress"]
    kpis = project_kpis(p, c, g, as_of=as_of).collect()
    series = trend_series(p, c, g, month_ends(as_of, 3)).collect()
    given = alerts(statuses=statuses, kpis=kpis, series=series)
    assert given.equals(alerts(statuses=statuses))
    assert given.height == len(EXPECTED) - (0 if statuses is None else 1)


def test_drift_alerts_on_empty_inputs():
    empty = drift_alerts(projects(), costs(), progress(), reports(), as_of=date(2026, 11, 30),
                         thresholds=thresholds()).collect()
    assert empty.columns == list(ALERT_COLUMNS) and empty.height == 0


@pytest.mark.parametrize("periods", [1, 0, -3, 2.5, True])
def test_drift_alerts_refuses_a_window_without_a_trend(periods):
    with pytest.raises(ValueError, match="periods must be a whole number >= 2"):
        drift_alerts(**PORTFOLIO, as_of=date(2026, 11, 30), thresholds=thresholds(),
                     periods=periods)


# --- Seeded hostile portfolio: every output finite, the documented nulls hold -------------------

def hostile_portfolio(seed: int) -> dict:
    """40 projects mixing zero budgets, missing starts, no costs, no actuals, cancelled ones."""
    rng = random.Random(seed)
    month = lambda: date(rng.choice([2025, 2026, 2027]), rng.randint(1, 12), 1)  # noqa: E731
    project_rows, cost_rows, progress_rows, report_rows = [], [], [], []
    for pid in range(1, 41):
        start = rng.choice([None, month(), month()])
        end = rng.choice([None, date(2028, 6, 30)])
        project_rows.append(make_project(
            id=pid, code=f"P{pid:03d}", bac=rng.choice([0.0, 1000.0, 250000.0]),
            status=rng.choice(["proposed", "active", "on_hold", "completed", "cancelled"]),
            baseline_start=start, baseline_end=end,
            actual_end=rng.choice([None, None, date(2026, rng.randint(1, 12), 15)])))
        for _ in range(rng.randint(0, 8)):
            cost_rows.append(make_cost(project_id=pid, month=month(),
                                       planned=rng.choice([None, 0.0, 500.0, 12345.6]),
                                       actual=rng.choice([None, 0.0, 800.0])))
        for _ in range(rng.randint(0, 4)):
            progress_rows.append(make_progress(project_id=pid, as_of=month(),
                                               percent_complete=rng.choice([0.0, 35.0, 100.0])))
        for i in range(rng.randint(0, 4)):
            report_rows.append(make_report(
                id=pid * 10 + i, project_id=pid, period=month(), reported_on=month(),
                forecast_end=rng.choice([None, month()]), eac=rng.choice([None, 0.0, 5000.0])))
    return dict(projects=projects(*project_rows), costs=costs(*cost_rows),
                progress=progress(*progress_rows), status_reports=reports(*report_rows))


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("as_of", [date(2024, 12, 31), date(2026, 6, 15), date(2028, 1, 31)])
def test_hostile_portfolio_never_gives_nan_inf_or_an_error(seed, as_of):
    data = hostile_portfolio(seed)
    kpis = project_kpis(data["projects"], data["costs"], data["progress"], as_of=as_of)
    contributions = pl.DataFrame({"project_id": [1, 1, 2, 3], "objective_id": [1, 2, 2, 1],
                                  "contribution": [0.5, 0.5, 0.0, 1.0]})
    frames = pl.collect_all([
        kpis, add_earned_schedule(kpis, data["costs"], as_of=as_of), rollup(kpis, ["status"]),
        rollup_by_objective(kpis, contributions),
        drift_alerts(**data, as_of=as_of, thresholds=thresholds()),
    ])
    for df in frames:
        assert_finite(df)
    k, es = frames[0], frames[1]
    assert k.height == es.height == 40
    # No budget: every ratio null. Not started (AT 0): SPI(t) and IEAC(t) null.
    no_budget = k.filter(pl.col("bac") == 0)
    for ratio in ("cpi", "spi", "tcpi_bac", "tcpi_eac"):
        assert no_budget[ratio].null_count() == no_budget.height, ratio
    assert es.filter(pl.col("at") == 0).select(
        pl.col("spi_t").is_null().all() & pl.col("ieac_t").is_null().all()).item()
    assert es.filter(pl.col("bac") == 0)["es"].null_count() == no_budget.height
