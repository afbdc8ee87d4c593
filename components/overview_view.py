"""Rendering blocks of the executive overview (tiles and tables); data comes in computed."""

from __future__ import annotations

import polars as pl
import streamlit as st

from components.format import money, ratio

RAG_ICON = {"red": "🔴 red", "amber": "🟠 amber", "green": "🟢 green"}


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


def _rag(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    return frame.with_columns(pl.col(c).replace_strict(RAG_ICON, default="—") for c in columns if c in frame.columns)


def render_in_trouble(in_trouble: pl.DataFrame, symbol: str, *, key: str) -> None:
    if in_trouble.is_empty():
        st.success("No project is red on any dimension.")
        return
    view = in_trouble.select("code", "name", "department", "manager", "cpi", "spi", "eac", "bac", "reasons")
    st.dataframe(
        view, key=key, hide_index=True, width="stretch",
        column_config={
            "code": "Code", "name": "Project", "department": "Department", "manager": "Manager",
            "cpi": st.column_config.NumberColumn("CPI", format="%.2f"),
            "spi": st.column_config.NumberColumn("SPI", format="%.2f"),
            "eac": st.column_config.NumberColumn(f"EAC ({symbol})", format="localized"),
            "bac": st.column_config.NumberColumn(f"BAC ({symbol})", format="localized"),
            "reasons": st.column_config.TextColumn("Why", width="large"),
        })


def render_top_risks(top_risks: pl.DataFrame, symbol: str, *, key: str) -> None:
    if top_risks.is_empty():
        st.info("No open risk.")
        return
    view = top_risks.select("code", "title", "probability", "impact", "score", "money_exposure", "owner", "due_date")
    st.dataframe(
        view, key=key, hide_index=True, width="stretch",
        column_config={
            "code": "Project", "title": "Risk", "probability": "P", "impact": "I",
            "score": st.column_config.NumberColumn("P×I", help="Probability × impact, 1-25"),
            "money_exposure": st.column_config.NumberColumn(f"Exposure ({symbol})", format="localized",
                                                            help="P/5 × cost impact"),
            "owner": "Owner", "due_date": st.column_config.DateColumn("Mitigation due", format="D MMM YYYY"),
        })


def render_gates_due(gates: pl.DataFrame, *, key: str) -> None:
    if gates.is_empty():
        st.info("No gate is due in the next 30 days.")
        return
    view = gates.select("forecast_date", "days_until", "code", "project", "name", "gate_type")
    st.dataframe(
        view, key=key, hide_index=True, width="stretch",
        column_config={
            "forecast_date": st.column_config.DateColumn("Due", format="D MMM YYYY"),
            "days_until": st.column_config.NumberColumn("In days"), "code": "Code",
            "project": "Project", "name": "Gate", "gate_type": "Type",
        })
