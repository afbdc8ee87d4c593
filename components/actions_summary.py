"""The overdue corrective actions block (overview page, steering pack)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from analytics.actions import overdue_actions
from data_access.settings import today as settings_today

OVERDUE_COLUMNS = ("project_code", "title", "owner", "due_date", "days_overdue", "status",
                   "source_kind")


def render_overdue_actions(frame: pl.DataFrame, *, key: str, as_of: dt.date | None = None) -> int:
    """The open or in-progress actions of ``frame`` (data_access.actions.ACTIONS columns) past
    their due date at ``as_of`` (today), most overdue first; returns how many there are."""
    late = overdue_actions(frame, as_of or settings_today()).collect()
    if late.is_empty():
        st.success("No corrective action is overdue.")
        return 0
    st.error(f"{late.height} corrective action{'s are' if late.height > 1 else ' is'} overdue.")
    st.dataframe(late.select(OVERDUE_COLUMNS).with_columns(
        pl.col("status").str.replace("_", " "), pl.col("source_kind").str.replace("_", " ")),
        key=key, hide_index=True, width="stretch", column_config={
            "project_code": "Project", "title": "Action", "owner": "Owner",
            "due_date": st.column_config.DateColumn("Due", format="D MMM YYYY"),
            "days_overdue": st.column_config.NumberColumn("Days overdue", format="%d"),
            "status": "Status", "source_kind": "Source"})
    return late.height
