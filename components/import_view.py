"""The import page's blocks: template downloads, the plan summary and the problem table."""

from __future__ import annotations

import polars as pl
import streamlit as st

from components.format import md_escape
from data_access.imports import TEMPLATES, Plan
from data_access.imports.downloads import documentation, template_csv, template_xlsx

PROBLEM_COLUMNS = {"kind": pl.String, "row": pl.Int64, "column": pl.String, "value": pl.String,
                   "rule": pl.String, "severity": pl.String, "message": pl.String}
SUMMARY_COLUMNS = {"kind": pl.String, "create": pl.Int64, "update": pl.Int64,
                   "unchanged": pl.Int64, "reject": pl.Int64}


def render_templates() -> None:
    """One tab per template: its columns documented, CSV and XLSX downloads."""
    tabs = st.tabs([t.title for t in TEMPLATES.values()])
    for tab, (kind, t) in zip(tabs, TEMPLATES.items()):
        with tab:
            st.caption(md_escape(f"{t.doc} Rows are matched on: {', '.join(t.key)}."))
            left, right = st.columns(2)
            left.download_button("CSV template", template_csv(kind), f"{kind}-template.csv",
                                 mime="text/csv", key=f"imp_csv_{kind}")
            right.download_button(
                "XLSX template", template_xlsx(kind), f"{kind}-template.xlsx",
                mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                key=f"imp_xlsx_{kind}")
            st.dataframe(pl.DataFrame(documentation(kind)), hide_index=True,
                         key=f"imp_doc_{kind}")


def summary_frame(plan: Plan) -> pl.DataFrame:
    rows = [{"kind": kind, **counts} for kind, counts in plan.counts().items()]
    return pl.DataFrame(rows, schema=SUMMARY_COLUMNS)


def problem_frame(plan: Plan) -> pl.DataFrame:
    rows = [{"kind": p.kind, "row": p.row, "column": p.column or "", "value": p.value,
             "rule": p.rule, "severity": p.severity, "message": p.message}
            for p in plan.problems]
    return pl.DataFrame(rows, schema=PROBLEM_COLUMNS)


def change_frame(plan: Plan, limit: int = 2_000) -> pl.DataFrame:
    """What an update changes: kind, row, key, column, before, after (the first ``limit``)."""
    rows = [{"kind": o.kind, "row": o.row, "key": o.key, "column": col,
             "before": "" if before is None else str(before),
             "after": "" if after is None else str(after)}
            for o in plan.outcomes if o.action == "update"
            for col, (before, after) in o.changes.items()][:limit]
    return pl.DataFrame(rows, schema={"kind": pl.String, "row": pl.Int64, "key": pl.String,
                                      "column": pl.String, "before": pl.String,
                                      "after": pl.String})


def render_report(plan: Plan) -> None:
    st.subheader("Dry run")
    st.dataframe(summary_frame(plan), hide_index=True, key="imp_summary")
    problems = problem_frame(plan)
    errors = problems.filter(pl.col("severity") == "error").height
    if errors:
        st.error(f"{errors:,} problem(s) to fix: nothing can be imported until the file is "
                 f"corrected.")
    if problems.height:
        st.dataframe(problems, hide_index=True, key="imp_problems")
    changes = change_frame(plan)
    if changes.height:
        st.caption("What the import would change")
        st.dataframe(changes, hide_index=True, key="imp_changes")
