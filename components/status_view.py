"""Blocks of the status-report page: the form's state (kept in session_state so that nothing the
user typed is lost on a failed or conflicting save), the computed KPIs beside the manager's
judgement, the flags, the risks and the period control."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from components.format import date, md_escape, money, percent, ratio
from data_access import status_reports as data
from data_access.models.enums import RAG, RISK_CATEGORIES, RISK_STATUSES

PREFIX = "sr_"
LABELS = {"schedule_rag": "Schedule", "cost_rag": "Cost", "scope_rag": "Scope",
          "quality_rag": "Quality", "comment": "Comment", "percent_complete": "% complete",
          "forecast_end": "Forecast end", "eac": "EAC", "actual_cost": "Actual cost of the period",
          "reported_on": "Report date", "title": "title", "category": "category",
          "probability": "probability", "impact": "impact", "status": "status", "owner": "owner",
          "mitigation": "mitigation", "due_date": "due date"}
RISK_KEYS = ("probability", "impact", "status", "owner", "mitigation", "due_date")
NEW_RISK_KEYS = ("title", "category", "probability", "impact", "owner", "mitigation", "due_date")
RAG_ICON = {"green": "🟢 green", "amber": "🟠 amber", "red": "🔴 red"}


def key(field: str) -> str:
    return PREFIX + field


def months(today: dt.date, count: int = 12) -> list[str]:
    """'YYYY-MM' of this month and the ``count`` − 1 before it, newest first."""
    out, day = [], data.period_of(today)
    for _ in range(count):
        out.append(f"{day:%Y-%m}")
        day = data.period_of(day - dt.timedelta(days=1))
    return out


def parse_month(text: str | None) -> dt.date | None:
    try:
        return dt.datetime.strptime(text or "", "%Y-%m").date()
    except ValueError:
        return None


def prefill(loaded: tuple, base: data.ReportRecord | None, version: int | None,
            actual_cost: float | None) -> None:
    """Put the report (or the last one, for a new report) in the form once per project, period
    and version opened: the user's edits survive reruns, failed and conflicting saves."""
    if st.session_state.get(key("loaded")) == loaded:
        return
    for field in data.FIELDS:
        value = None if base is None else getattr(base, field)
        if field in data.RAG_FIELDS and value is None:
            value = "green"
        st.session_state[key(field)] = "" if field == "comment" and value is None else value
    st.session_state[key("actual_cost")] = actual_cost
    clear_risk_inputs()
    st.session_state[key("loaded")], st.session_state[key("version")] = loaded, version
    st.session_state.pop(key("conflict"), None)


def clear_risk_inputs() -> None:
    for field in NEW_RISK_KEYS:
        st.session_state[key(f"new_{field}")] = "" if field in ("title", "owner", "mitigation") \
            else None
    st.session_state[key("risk_pick")] = None
    st.session_state.pop(key("risk_loaded"), None)


def forget_form() -> None:
    for name in [k for k in st.session_state if k.startswith(PREFIX)]:
        del st.session_state[name]


def form_values() -> dict:
    values = {f: st.session_state.get(key(f)) for f in data.FIELDS}
    if isinstance(values["comment"], str) and not values["comment"].strip():
        values["comment"] = None
    return values


def render_report_fields() -> None:
    """The report's own fields (inside the caller's st.form)."""
    cols = st.columns(4)
    for col, field in zip(cols, data.RAG_FIELDS):
        col.selectbox(LABELS[field], RAG, key=key(field), persist_state="session",
                      format_func=RAG_ICON.get)
    st.text_area("Comment", key=key("comment"), persist_state="session",
                 max_chars=data.COMMENT_MAX,
                 help="Required when a status is amber or red: say why and what is being done.")
    a, b = st.columns(2)
    a.number_input("% complete", key=key("percent_complete"), persist_state="session",
                   step=1.0, format="%.1f",
                   help="0 to 100")
    b.date_input("Forecast end", key=key("forecast_end"), persist_state="session",
                 format="YYYY-MM-DD")
    c, d = st.columns(2)
    c.number_input("EAC (estimate at completion)", key=key("eac"), persist_state="session",
                   step=1000.0, format="%.2f")
    d.number_input("Actual cost of the period", key=key("actual_cost"), persist_state="session",
                   step=100.0, format="%.2f")


def risk_label(row: dict) -> str:
    score = f"P{row['probability']}×I{row['impact']}"
    return f"#{row['id']} · {row['title']} ({score}, {row['status']})"


def prefill_risk(risks: pl.DataFrame, risk_id: int | None) -> dict | None:
    """The chosen risk's row, its fields put in the form once per risk chosen."""
    row = next((r for r in risks.iter_rows(named=True) if r["id"] == risk_id), None)
    if row is not None and st.session_state.get(key("risk_loaded")) != (row["id"], row["version"]):
        for field in RISK_KEYS:
            st.session_state[key(f"risk_{field}")] = row[field]
        st.session_state[key("risk_loaded")] = (row["id"], row["version"])
    return row


def render_risk_fields(chosen: dict | None) -> None:
    """The chosen risk's update and the new risk (inside the caller's st.form)."""
    if chosen is not None:
        st.markdown(f"**Update risk #{chosen['id']}** · {md_escape(chosen['title'])}")
        a, b, c = st.columns(3)
        a.number_input("Probability (1-5)", key=key("risk_probability"), persist_state="session",
                       step=1)
        b.number_input("Impact (1-5)", key=key("risk_impact"), persist_state="session", step=1)
        c.selectbox("Status", RISK_STATUSES, key=key("risk_status"), persist_state="session")
        st.text_input("Owner", key=key("risk_owner"), persist_state="session")
        st.text_area("Mitigation", key=key("risk_mitigation"), persist_state="session")
        st.date_input("Mitigation due", key=key("risk_due_date"), persist_state="session",
                      format="YYYY-MM-DD")
    st.markdown("**Add a risk** (leave the title empty to add none)")
    st.text_input("New risk title", key=key("new_title"), persist_state="session")
    a, b, c = st.columns(3)
    a.selectbox("Category", RISK_CATEGORIES, key=key("new_category"), persist_state="session",
                index=None,
                placeholder="Choose")
    b.number_input("Probability (1-5) ", key=key("new_probability"), persist_state="session",
                   step=1)
    c.number_input("Impact (1-5) ", key=key("new_impact"), persist_state="session", step=1)
    st.text_input("Owner ", key=key("new_owner"), persist_state="session")
    st.text_area("Mitigation ", key=key("new_mitigation"), persist_state="session")
    st.date_input("Mitigation due ", key=key("new_due_date"), persist_state="session",
                  format="YYYY-MM-DD")


def risk_changes(chosen: dict | None) -> tuple[list[dict], list[str]]:
    """(the risks to save, a label per risk for messages): the chosen one if changed, the new
    one if it has a title."""
    out, labels = [], []
    if chosen is not None:
        values = {f: st.session_state.get(key(f"risk_{f}")) for f in RISK_KEYS}
        if any(values[f] != chosen[f] for f in RISK_KEYS):
            out.append({"id": chosen["id"], "version": chosen["version"], "title": chosen["title"],
                        "category": chosen["category"], **values})
            labels.append(f"Risk #{chosen['id']}")
    title = (st.session_state.get(key("new_title")) or "").strip()
    if title:
        out.append({"title": title, **{f: st.session_state.get(key(f"new_{f}"))
                                       for f in NEW_RISK_KEYS if f != "title"}})
        labels.append("New risk")
    return out, labels


def problems_text(problems: dict[str, str], risk_labels: list[str]) -> str:
    """'Comment: required when …. New risk, probability: …' (escaped for markdown)."""
    parts = []
    for field, why in problems.items():
        if field.startswith("risk "):
            n, name = field.removeprefix("risk ").split(" ", 1)
            where = risk_labels[int(n) - 1] if int(n) <= len(risk_labels) else f"Risk {n}"
            name = f"{where}, {LABELS.get(name, name)}"
        else:
            name = LABELS.get(field, field)
        parts.append(f"{md_escape(name)}: {md_escape(why)}.")
    return "The report was not saved. " + " ".join(parts)


def sentence(text: str) -> str:
    return md_escape(text[:1].upper() + text[1:]) + "."


def render_kpis(row: dict | None, symbol: str) -> None:
    """The computed KPIs of the project today (what the numbers say)."""
    st.markdown("**What the numbers say** (computed today)")
    if row is None:
        st.info("No KPI for this project yet.")
        return
    a, b = st.columns(2)
    a.metric("CPI", ratio(row.get("cpi")), help="EV / AC")
    b.metric("SPI", ratio(row.get("spi")), help="EV / PV")
    a.metric("EAC", money(row.get("eac"), symbol, compact=True), help="BAC / CPI")
    b.metric("% complete", percent(row.get("percent_complete")))
    a.metric("Computed cost", RAG_ICON.get(row.get("cost_rag"), "no data"))
    b.metric("Computed schedule", RAG_ICON.get(row.get("schedule_rag"), "no data"))
    st.caption(f"Cost: {md_escape(row.get('cost_reason') or 'no data')}. "
               f"Schedule: {md_escape(row.get('schedule_reason') or 'no data')}. "
               f"Baseline end {date(row.get('baseline_end'))}.")


def render_flags(flags: pl.DataFrame) -> None:
    """Each judgement the numbers contradict, as a warning; a success line when none does."""
    if flags.is_empty():
        st.success("The reported cost and schedule status agree with the computed KPIs.")
        return
    for message in flags["message"].to_list():
        st.warning(md_escape(message[:1].upper() + message[1:]), icon=":material/flag:")


def render_locked(record: data.ReportRecord | None, state: data.PeriodState, symbol: str) -> None:
    """The report of a closed period, read-only."""
    if state.closed:
        st.info(sentence(str(data.PeriodClosed(state.period, state.closed_by, state.closed_at))))
    else:
        st.info("This report is locked.")
    if record is None:
        st.caption("No report was submitted for this period.")
        return
    st.markdown(" · ".join(f"{LABELS[f]} {RAG_ICON[getattr(record, f)]}" for f in data.RAG_FIELDS))
    st.markdown(md_escape(record.comment or "No comment."))
    st.caption(f"% complete {percent(record.percent_complete, 1)} · forecast end "
               f"{date(record.forecast_end)} · EAC {money(record.eac, symbol)} · actual cost "
               f"{money(record.actual_cost, symbol)} · reported on {date(record.reported_on)} "
               f"by {md_escape(record.author or 'unknown')}")


def render_period_control(state: data.PeriodState, reports: int) -> str | None:
    """The PMO's close / reopen control; returns 'close' or 'reopen' when clicked."""
    label = data.period_label(state.period)
    if state.closed:
        st.caption(f"{label} was closed by {md_escape(state.closed_by)} on "
                   f"{state.closed_at:%Y-%m-%d %H:%M} UTC.")
        return "reopen" if st.button(f"Reopen period {label}", key=key("reopen")) else None
    st.caption(f"{label} is open: {reports:,} report(s) submitted. Closing it locks them.")
    return "close" if st.button(f"Close period {label}", key=key("close"), type="primary") else None
