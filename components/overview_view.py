"""Rendering blocks of the executive overview (tiles and tables); data comes in computed."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from components.format import date, md_escape, money, ratio
from data_access.kpi_store import StoreState

RAG_ICON = {"red": "🔴 red", "amber": "🟠 amber", "green": "🟢 green"}
_MONEY_PRESETS = {"EUR": "euro", "USD": "dollar", "JPY": "yen"}


def money_column(label: str, currency: str, **kwargs) -> st.column_config.NumberColumn:
    """A money column with the currency's own preset (thousands separators, symbol)."""
    return st.column_config.NumberColumn(label, format=_MONEY_PRESETS.get(currency, "localized"), **kwargs)


def render_kpi_tiles(totals: pl.DataFrame, symbol: str) -> None:
    """Portfolio tiles: projects, budget, actual, forecast, CPI, SPI."""
    t = totals.row(0, named=True) if totals.height else {}
    cols = st.columns(6)
    cols[0].metric("Projects", f"{t.get('projects', 0):,}", help=f"{t.get('active', 0):,} active")
    cols[1].metric("Budget (BAC)", money(t.get("bac"), symbol, compact=True),
                   help="Sum of budgets at completion")
    cols[2].metric("Actual cost (AC)", money(t.get("ac"), symbol, compact=True),
                   help="Actual cost to the status date")
    cols[3].metric("Forecast (EAC)", money(t.get("eac"), symbol, compact=True),
                   help="Estimate at completion, BAC / CPI per project, summed")
    cols[4].metric("Portfolio CPI", ratio(t.get("cpi")), help="Sum of EV / sum of AC (never an average of ratios)")
    cols[5].metric("Portfolio SPI", ratio(t.get("spi")), help="Sum of EV / sum of PV")


def render_store_state(state: StoreState, *, as_of: dt.date) -> None:
    """A notice when the figures shown are not today's, or the last refresh failed."""
    if state.as_of is None:
        st.info("The KPIs are being computed for the first time; the figures appear in a moment "
                "(or run `pmo kpis refresh`).")
    elif state.as_of != as_of:
        st.warning(f"These figures are those of {date(state.as_of)}: the KPIs for "
                   f"{date(as_of)} are being computed. Reload the page in a moment.")
    if state.failure:
        st.warning(f"The last KPI refresh did not complete ({md_escape(state.failure)}); "
                   f"the figures shown are the last good ones.")


def _rag(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    return frame.with_columns(pl.col(c).replace_strict(RAG_ICON, default="—") for c in columns if c in frame.columns)


def render_in_trouble(in_trouble: pl.DataFrame, currency: str, *, key: str) -> str | None:
    """Red projects with their reasons; returns the code of the row the user selected."""
    if in_trouble.is_empty():
        st.success("No project is red on any dimension.")
        return None
    view = in_trouble.select("code", "name", "department", "manager", "cpi", "spi", "eac", "bac",
                             "reasons")
    event = st.dataframe(
        view, key=key, hide_index=True, width="stretch", on_select="rerun",
        selection_mode="single-row",
        column_config={
            "code": "Code", "name": "Project", "department": "Department", "manager": "Manager",
            "cpi": st.column_config.NumberColumn("CPI", format="%.2f"),
            "spi": st.column_config.NumberColumn("SPI", format="%.2f"),
            "eac": money_column("EAC", currency, help="Estimate at completion"),
            "bac": money_column("BAC", currency, help="Budget at completion"),
            "reasons": st.column_config.TextColumn("Why", width="large"),
        })
    rows = event.selection.rows if event is not None else []
    return view["code"][rows[0]] if rows else None


def render_top_risks(top_risks: pl.DataFrame, currency: str, *, key: str) -> None:
    if top_risks.is_empty():
        st.info("No open risk.")
        return
    view = top_risks.select("project_code", "title", "probability", "impact", "score", "money_exposure",
                            "owner", "due_date")
    st.dataframe(
        view, key=key, hide_index=True, width="stretch",
        column_config={
            "project_code": "Project", "title": "Risk", "probability": "P", "impact": "I",
            "score": st.column_config.NumberColumn("P×I", help="Probability × impact, 1-25"),
            "money_exposure": money_column("Exposure", currency, help="P/5 × cost impact"),
            "owner": "Owner", "due_date": st.column_config.DateColumn("Mitigation due", format="D MMM YYYY"),
        })


GATE_CONFIG = {
    "forecast_date": st.column_config.DateColumn("Due", format="D MMM YYYY"),
    "days_until_due": st.column_config.NumberColumn("In days"),
    "days_overdue": st.column_config.NumberColumn("Days overdue"),
    "project_code": "Code", "project_name": "Project", "gate": "Gate", "gate_type": "Type",
    "slip_days": st.column_config.NumberColumn("Slip (days)", help="Forecast minus baseline"),
}


def render_gates(gates: pl.DataFrame, *, days_column: str, empty: str, key: str) -> None:
    """Gates table; ``days_column`` is days_until_due or days_overdue."""
    if gates.is_empty():
        st.info(empty)
        return
    view = gates.select("forecast_date", days_column, "project_code", "project_name", "gate",
                        "gate_type", "slip_days")
    st.dataframe(view, key=key, hide_index=True, width="stretch", column_config=GATE_CONFIG)


ALERT_LABELS = {"cpi_trend": "CPI trend", "spi_t_trend": "SPI(t) trend",
                "repeated_slip": "Repeated slip", "forecast_overrun": "Forecast overrun"}


def render_alerts(alerts: pl.DataFrame, *, key: str) -> None:
    """Drift alerts with their evidence, red first (analytics.drift)."""
    if alerts.is_empty():
        st.success("No drift alert: no worsening trend, repeated slip or forecast overrun.")
        return
    view = alerts.with_columns(
        pl.col("alert").replace_strict(ALERT_LABELS, default=pl.col("alert")),
        pl.col("severity").replace_strict(RAG_ICON, default=pl.col("severity")),
    ).select("severity", "code", "name", "alert", "evidence")
    st.dataframe(view, key=key, hide_index=True, width="stretch", column_config={
        "severity": "Severity", "code": "Code", "name": "Project", "alert": "Alert",
        "evidence": st.column_config.TextColumn("Evidence", width="large"),
    })
