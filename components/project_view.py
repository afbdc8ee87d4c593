"""Blocks of the project card: the project chosen from the URL, and the card's tables.

The frame shaping here (dependency_effects, team, project_risks) is pure polars and tested
without streamlit; the render_* functions only draw.
"""

from __future__ import annotations

from collections.abc import Collection

import polars as pl
import streamlit as st

from analytics.exprs import days_between
from analytics.milestones import slip_days
from analytics.risk import money_exposure, score
from components.format import date, md_escape, money, percent, ratio
from components.overview_view import RAG_ICON, money_column
from components.url_state import RESTORED_KEY

NOT_AVAILABLE = "This project is not available to you."
OUTSIDE_SCOPE = "a project outside your scope"
EFFECT_COLUMNS = ("code", "name", "kind", "lag_days", "predecessor_slip_days", "required_date",
                  "planned_date", "margin_days", "effect")


def requested(key: str, allowed: Collection[str]) -> str | None:
    """The value the link names for ``key`` (a link kept across sign-in, else the URL); a
    remembered value that is allowed seeds the URL-bound widget of that key."""
    remembered = st.session_state.get(RESTORED_KEY, {}).pop(key, None)
    if remembered:
        if remembered[-1] in allowed and key not in st.session_state:
            st.session_state[key] = remembered[-1]
        return remembered[-1]
    return st.query_params.get(key)


def _dates(projects: pl.DataFrame, prefix: str) -> pl.DataFrame:
    return projects.select(
        pl.col("id").alias(f"{prefix}_id"), pl.col("code").alias(f"{prefix}_code"),
        pl.col("name").alias(f"{prefix}_name"),
        pl.coalesce("forecast_start", "baseline_start").alias(f"{prefix}_start"),
        pl.coalesce("forecast_end", "baseline_end").alias(f"{prefix}_end"),
        days_between(pl.col("baseline_end"), pl.col("forecast_end")).alias(f"{prefix}_slip"))


def dependency_effects(dependencies: pl.DataFrame, projects: pl.DataFrame, project_id: int, *,
                       upstream: bool) -> pl.DataFrame:
    """The links into (upstream) or out of ``project_id`` and what the predecessor's forecast does
    to the successor. Output EFFECT_COLUMNS, the other project's code and name first.

    required_date = predecessor forecast end (start for start_to_start) + lag;
    planned_date = successor forecast start (end for finish_to_finish; baseline when no forecast);
    margin_days = planned_date − required_date (< 0: the successor must move that many days).
    A project outside ``projects`` (the user's scope) is neither named nor dated.
    """
    own, other = ("successor", "predecessor") if upstream else ("predecessor", "successor")
    kind = pl.col("kind")
    required = (pl.when(kind == "start_to_start").then(pl.col("predecessor_start"))
                .otherwise(pl.col("predecessor_end"))
                + pl.duration(days=pl.col("lag_days").fill_null(0)))
    planned = (pl.when(kind == "finish_to_finish").then(pl.col("successor_end"))
               .otherwise(pl.col("successor_start")))
    margin = pl.col("margin_days")
    return (
        dependencies.filter(pl.col(f"{own}_id") == project_id)
        .join(_dates(projects, "predecessor"), on="predecessor_id", how="left")
        .join(_dates(projects, "successor"), on="successor_id", how="left")
        .with_columns(required.alias("required_date"), planned.alias("planned_date"))
        .with_columns(days_between(pl.col("required_date"), pl.col("planned_date")).alias("margin_days"))
        .select(
            pl.col(f"{other}_code").fill_null("—").alias("code"),
            pl.col(f"{other}_name").fill_null(OUTSIDE_SCOPE).alias("name"),
            pl.col("kind").str.replace_all("_", " "), "lag_days",
            pl.col("predecessor_slip").alias("predecessor_slip_days"),
            "required_date", "planned_date", "margin_days",
            pl.when(margin.is_null()).then(pl.lit("unknown: dates not available"))
            .when(margin < 0).then(pl.format("conflict: the successor must move {} days later", -margin))
            .otherwise(pl.format("fits, {} days of margin", margin)).alias("effect"))
        .sort("margin_days", "code", nulls_last=True))


def project_milestones(milestones: pl.DataFrame, project_id: int) -> pl.DataFrame:
    """The project's milestones and gates with slip_days (analytics.milestones.slip_days)."""
    return milestones.filter(pl.col("project_id") == project_id).with_columns(slip_days())


def project_risks(risks: pl.DataFrame, project_id: int) -> pl.DataFrame:
    """The project's risks, highest score then exposure first."""
    return (risks.filter(pl.col("project_id") == project_id)
            .with_columns(score(), money_exposure())
            .select("title", "category", "status", "probability", "impact", "score",
                    "money_exposure", "owner", "mitigation", "due_date")
            .sort(["score", "money_exposure", "title"], descending=[True, True, False],
                  nulls_last=True))


def team(assignments: pl.DataFrame, people: pl.DataFrame, project_id: int) -> pl.DataFrame:
    """Per person (and role) on the project: hours in total, first and last month assigned."""
    names = people.select(pl.col("id").alias("person_id"), pl.col("name").alias("person"), "team")
    return (assignments.filter(pl.col("project_id") == project_id)
            .group_by("person_id", "role")
            .agg(pl.col("hours").sum(), pl.col("month").min().alias("from_month"),
                 pl.col("month").max().alias("to_month"))
            .join(names, on="person_id", how="left")
            .with_columns(pl.when(pl.col("person_id").is_null()).then(pl.lit("unstaffed"))
                          .otherwise(pl.col("person").fill_null("(outside your scope)"))
                          .alias("person"))
            .select("person", "role", "team", "hours", "from_month", "to_month")
            .sort(["hours", "person"], descending=[True, False]))


def render_tiles(row: dict, symbol: str) -> None:
    """The card's headline numbers and overall health with its reason."""
    cols = st.columns(6)
    cols[0].metric("Budget (BAC)", money(row["bac"], symbol, compact=True))
    cols[1].metric("Actual cost (AC)", money(row["ac"], symbol, compact=True))
    cols[2].metric("Forecast (EAC)", money(row["eac"], symbol, compact=True),
                   help="BAC / CPI; '—' when no cost performance yet")
    cols[3].metric("CPI", ratio(row["cpi"]), help="EV / AC")
    cols[4].metric("SPI(t)", ratio(row["spi_t"]), help="Earned schedule / actual time")
    cols[5].metric("Complete", percent(row["percent_complete"]))
    health = RAG_ICON.get(row["overall_rag"], "⚪ not assessed")
    st.markdown(f"**Health:** {health} — {md_escape(row['overall_reason'] or 'no reason given')}")


_DATE = dict(format="D MMM YYYY")


def render_table(frame: pl.DataFrame, *, key: str, empty: str, config: dict) -> None:
    if frame.is_empty():
        st.info(empty)
        return
    st.dataframe(frame, key=key, hide_index=True, width="stretch", column_config=config)


def render_reports(reports: pl.DataFrame, currency: str) -> None:
    view = reports.sort("period", descending=True).select(
        "period", *(pl.col(f"{d}_rag").replace_strict(RAG_ICON, default="—")
                    for d in ("schedule", "cost", "scope", "quality")),
        "comment", "percent_complete", "forecast_end", "eac")
    render_table(view, key="tbl_reports", empty="No status report yet.", config={
        "period": st.column_config.DateColumn("Period", format="MMM YYYY"),
        "schedule_rag": "Schedule", "cost_rag": "Cost", "scope_rag": "Scope",
        "quality_rag": "Quality", "comment": st.column_config.TextColumn("Comment", width="large"),
        "percent_complete": st.column_config.NumberColumn("% complete", format="%.0f"),
        "forecast_end": st.column_config.DateColumn("Forecast end", **_DATE),
        "eac": money_column("EAC", currency)})


def render_risks(risks: pl.DataFrame, currency: str) -> None:
    render_table(risks, key="tbl_risks", empty="No risk registered.", config={
        "title": "Risk", "category": "Category", "status": "Status", "probability": "P",
        "impact": "I", "score": st.column_config.NumberColumn("P×I", help="1-25"),
        "money_exposure": money_column("Exposure", currency, help="P/5 × cost impact"),
        "owner": "Owner", "mitigation": st.column_config.TextColumn("Mitigation", width="large"),
        "due_date": st.column_config.DateColumn("Due", **_DATE)})


def render_team(members: pl.DataFrame) -> None:
    render_table(members, key="tbl_team", empty="Nobody is assigned to this project.", config={
        "person": "Person", "role": "Role", "team": "Team",
        "hours": st.column_config.NumberColumn("Hours", format="%.0f"),
        "from_month": st.column_config.DateColumn("From", format="MMM YYYY"),
        "to_month": st.column_config.DateColumn("To", format="MMM YYYY")})


def render_dependencies(effects: pl.DataFrame, *, key: str, empty: str) -> None:
    render_table(effects, key=key, empty=empty, config={
        "code": "Code", "name": "Project", "kind": "Kind", "lag_days": "Lag (days)",
        "predecessor_slip_days": st.column_config.NumberColumn(
            "Predecessor slip (days)", help="Forecast end − baseline end"),
        "required_date": st.column_config.DateColumn("Required from", **_DATE,
                                                     help="Predecessor forecast + lag"),
        "planned_date": st.column_config.DateColumn("Successor planned", **_DATE),
        "margin_days": st.column_config.NumberColumn("Margin (days)", help="< 0: a conflict"),
        "effect": st.column_config.TextColumn("Effect", width="medium")})


def describe(row: dict) -> str:
    """One line about the project: department, manager, methodology, phase, status, dates."""
    parts = [row["department"], f"managed by {row['manager'] or 'nobody'}",
             (row["methodology"] or "").replace("_", " "), f"phase {row['phase']}",
             f"status {row['status'].replace('_', ' ')}",
             f"baseline {date(row['baseline_start'])} → {date(row['baseline_end'])}",
             f"forecast end {date(row['forecast_end'])}"]
    return md_escape(" · ".join(p for p in parts if p))


def render_lessons(lessons: pl.DataFrame) -> None:
    """The project's lessons learned (what went well, what went badly, the recommendation)."""
    if lessons.is_empty():
        st.info("No lesson recorded for this project yet.")
        return
    st.dataframe(
        lessons.select("recorded_on", "title", "went_well", "went_badly", "recommendation",
                       "category", "phase"),
        hide_index=True, width="stretch", key="tbl_lessons",
        column_config={
            "recorded_on": st.column_config.DateColumn("Recorded", format="D MMM YYYY"),
            "title": "Lesson", "went_well": "Went well", "went_badly": "Went badly",
            "recommendation": "Recommendation", "category": "Category", "phase": "Phase",
        })


def render_similar_lessons(similar: pl.DataFrame) -> None:
    """Lessons of other projects (analytics.lessons.similar), each with why it is offered."""
    if similar.is_empty():
        st.info("No lesson from a similar project you may see yet.")
        return
    lines = []
    for r in similar.iter_rows(named=True):
        source = (f"{r['project_code']} · {r['project_name']}" if r["project_code"]
                  else "organisation-wide")
        advice = r["recommendation"] or r["went_badly"] or r["went_well"] or ""
        lines.append(f"- **{md_escape(r['title'])}** ({md_escape(source)}, "
                     f"{md_escape(r['phase'])}, {date(r['recorded_on'])}): {md_escape(advice)}  \n"
                     f"  *Offered because: {md_escape(r['reason'])}.*")
    st.markdown("\n".join(lines))
