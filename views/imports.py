"""Import (PMO): a template CSV/XLSX or a scheduling file, checked and dry-run first; the
Import button appears only when the file has no error. Templates are downloadable here."""

import streamlit as st

from components.access import PAGE_ROLES
from components.format import md_escape
from components.import_view import render_report, render_templates
from components.session import require_role
from data_access.engine import get_engine
from data_access.imports import (KINDS, ImportConflict, ImportRejected, dry_run, import_batch,
                                 is_schedule, read_file)
from data_access.imports.mpp import SCHEDULE_SUFFIXES, JavaUnavailable
from data_access.settings import get_settings

user = require_role(PAGE_ROLES["imports"])
engine = get_engine(get_settings().database_url)

st.title("Import")
st.caption("Projects, milestones, costs, progress, assignments, risks, status reports and "
           "dependencies from the templates below (CSV or XLSX), or a project's schedule from "
           "Microsoft Project, Primavera and the other formats mpxj reads. Every row is checked "
           "first; nothing is written while any row has an error; re-importing updates by key.")
with st.expander("Templates", expanded=False):
    render_templates()

kind = st.selectbox("The file holds", [None, *KINDS], key="imp_kind",
                    format_func=lambda k: "recognise from the header" if k is None else k)
upload = st.file_uploader("File", key="imp_file", type=["csv", "txt", "tsv", "xlsx", "xlsm",
                          *(s.lstrip(".") for s in SCHEDULE_SUFFIXES)])
project = st.text_input("Project (code or key) a scheduling file maps into", key="imp_project")
if upload is None:
    st.info("Choose a file to check it. Nothing is written before you press Import.")
    st.stop()
if is_schedule(upload.name) and not project.strip():
    st.warning("A scheduling file maps into one project: give its code or key above.")
    st.stop()

data = upload.getvalue()
bar = st.progress(0.0, text="Reading the file…")


def progress(stage: str, done: int, total: int) -> None:
    bar.progress(min(done / total, 1.0) if total else 1.0, text=f"{stage}: {done:,} of {total:,}")


signature = (upload.name, len(data), kind, project.strip())
cached = st.session_state.get("imp_batch")
try:
    if cached is None or cached[0] != signature:
        batch = read_file(data, upload.name, kind=kind, project=project.strip() or None,
                          progress=progress)
        st.session_state["imp_batch"] = (signature, batch)
    else:
        batch = cached[1]
    plan = dry_run(engine, batch, user.scope, progress=progress)
except (JavaUnavailable, ValueError) as exc:
    bar.empty()
    st.error(md_escape(str(exc)))
    st.stop()
bar.empty()
render_report(plan)
done = st.session_state.get("imp_done")
if done == batch.sha256:
    st.success("Imported. Importing the same file again changes nothing.")
totals = plan.totals()
if plan.ok and totals["create"] + totals["update"] and done != batch.sha256:
    if st.button(f"Import: {totals['create']:,} new, {totals['update']:,} updated",
                 type="primary", key="imp_go"):
        try:
            written = import_batch(engine, batch, user.username, user.scope, progress=progress)
        except (ImportRejected, ImportConflict) as exc:
            st.error(md_escape(str(exc)))
        else:
            st.session_state["imp_done"] = batch.sha256
            st.rerun()
elif plan.ok:
    st.info("Nothing to change: every row is already in the database as in the file.")
