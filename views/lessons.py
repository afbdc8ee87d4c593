"""Lessons learned: search and filters kept in the URL (?q=&category=&phase=&tag=), the results,
and a capture form for PMO users and for managers on their own projects. ?project=CODE opens
the form on that project (phase "closure" prefilled for a project in closure)."""

import polars as pl
import streamlit as st

from analytics.lessons import all_tags, search
from components.access import PAGE_ROLES
from components.filters import bound_multiselect
from components.format import md_escape
from components.links import meeting_mode
from components.portfolio_view import seed_text
from components.project_view import requested
from components.session import require_role
from data_access import lessons as data
from data_access.engine import get_engine
from data_access.models.enums import LESSON_CATEGORIES, PHASES
from data_access.settings import get_settings, today as settings_today

user = require_role(PAGE_ROLES["lessons"])
engine = get_engine(get_settings().database_url)
FIELDS = ("title", "category", "phase", "tags", "recorded_on", "went_well", "went_badly",
          "recommendation")
NO_PROJECT = "—"  # the form's choice for a lesson of no project (PMO only)
NOT_WRITABLE = "You may not record lessons for that project."
NEW = 0  # the edit picker's choice for a new lesson
LABELS = {"project_id": "Project", "title": "Title", "category": "Category", "phase": "Phase",
          "tags": "Tags", "recorded_on": "Recorded on", "went_well": "What went well",
          "went_badly": "What went badly", "recommendation": "Recommendation"}


def label(value: str) -> str:
    return value.replace("_", " ")


def prefill(key: tuple, values: dict, version: int | None) -> None:
    """Put ``values`` in the form once per lesson or project opened (the user's edits survive
    reruns and failed saves)."""
    if st.session_state.get("lf_loaded") == key:
        return
    for field, value in values.items():
        st.session_state[f"lf_{field}"] = value
    st.session_state["lf_loaded"], st.session_state["lf_version"] = key, version
    st.session_state.pop("lf_conflict", None)


def sentence(text: str) -> str:
    """A message as a sentence, escaped for markdown."""
    return md_escape(text[:1].upper() + text[1:]) + "."


def form_values() -> dict:
    values = {f: st.session_state.get(f"lf_{f}") for f in FIELDS}
    code = st.session_state.get("lf_project")
    values["project_id"] = None if code in (None, NO_PROJECT) else project_ids.get(code)
    return values


st.title("Lessons learned")
if notice := st.session_state.pop("lf_notice", None):
    st.success(notice)
everything = data.list_lessons(engine, user)
writable = data.writable_projects(engine, user)
project_ids = dict(zip(writable["code"], writable["id"]))
phases_of = dict(zip(writable["code"], writable["phase"]))

# ----------------------------------------------------------------- search and filters (URL)
seed_text("q")
text = st.text_input("Search", key="q", bind="query-params",
                     placeholder="Words in the title, what went well or badly, the recommendation")
left, middle, right = st.columns(3)
with left:
    categories, lost_c = bound_multiselect("Category", {c: label(c) for c in LESSON_CATEGORIES},
                                           key="category", placeholder="Any category")
with middle:
    phases, lost_p = bound_multiselect("Phase", {p: label(p) for p in PHASES}, key="phase",
                                       placeholder="Any phase")
with right:
    tag_names = all_tags(everything).collect()["tag"].to_list()
    tags, lost_t = bound_multiselect("Tag", {t: t for t in tag_names}, key="tag",
                                     placeholder="Any tag")
if lost_c or lost_p or lost_t:
    st.warning("The link named a filter value that does not exist; it was left out.")

found = search(everything, text, categories, phases, tags).collect()
st.caption(f"{found.height:,} of {everything.height:,} lessons you may see "
           "(those of projects in your scope, and those of no project).")
if found.is_empty():
    st.info("No lesson matches this search." if everything.height else "No lesson recorded yet.")
else:
    st.dataframe(
        found.with_columns(pl.col("project_code").fill_null("organisation-wide")).select(
            "recorded_on", "project_code", "title", "category", "phase", "tags", "went_well",
            "went_badly", "recommendation"),
        key="tbl_lessons", hide_index=True, width="stretch", column_config={
            "recorded_on": st.column_config.DateColumn("Recorded", format="D MMM YYYY"),
            "project_code": "Project", "title": "Lesson", "category": "Category",
            "phase": "Phase", "tags": "Tags", "went_well": "Went well",
            "went_badly": "Went badly", "recommendation": "Recommendation"})

# ----------------------------------------------------------------- capture and edit
if user.role not in data.WRITERS:
    st.caption("Lessons are recorded by the PMO and by each project's manager.")
    st.stop()
if meeting_mode():                  # projector: no editing controls
    st.stop()
st.subheader("Record a lesson")
if writable.is_empty() and user.role != "pmo":
    st.info("You manage no project yet: lessons are recorded for the projects you manage.")
    st.stop()

editable = everything.filter(pl.col("project_id").is_in(writable["id"].to_list())
                             | (pl.col("project_id").is_null() & pl.lit(user.role == "pmo")))
titles = {NEW: "none: record a new lesson"} | {
    r["id"]: f"#{r['id']} · {r['project_code'] or 'organisation-wide'} · {r['title']}"
    for r in editable.iter_rows(named=True)}
wanted = requested("project", set(project_ids))
editing = st.selectbox("Edit a recorded lesson", list(titles), key="lf_edit", persist_state="page",
                       format_func=titles.get) or None
codes = list(project_ids) + ([NO_PROJECT] if user.role == "pmo" else [])
record = data.get_lesson(engine, user, editing) if editing is not None else None
if editing is not None and record is None:
    st.warning("That lesson is no longer available; you may record a new one.")
    editing = None
if record is not None:
    code = next((c for c, i in project_ids.items() if i == record.project_id), NO_PROJECT)
    prefill(("edit", record.id), {"project": code, **{
        f: ("" if getattr(record, f) is None else getattr(record, f)) for f in FIELDS}},
        record.version)
    st.caption(f"Editing lesson #{record.id}, as loaded at version "
               f"{st.session_state['lf_version']}.")
else:
    if wanted and wanted not in project_ids:
        st.warning(NOT_WRITABLE)
    start = wanted if wanted in project_ids else None
    closing = start is not None and phases_of[start] in ("closure", "closed")
    phase = "closure" if closing else (phases_of[start] if start else None)
    prefill(("new", start), {"project": start, "title": "", "category": None, "phase": phase,
                             "tags": "", "recorded_on": settings_today(), "went_well": "",
                             "went_badly": "", "recommendation": ""}, None)
    if closing:
        st.info(f"Closure of {md_escape(start)}: record what went well, what went badly and "
                "what you recommend to the next projects.")

with st.form("lesson_form"):
    st.selectbox("Project", codes, key="lf_project", persist_state="session",
                 index=None, placeholder="Choose a project",
                 format_func=lambda c: "no project (organisation-wide)" if c == NO_PROJECT else c)
    st.text_input("Title", key="lf_title", persist_state="session", max_chars=data.TITLE_MAX)
    c1, c2, c3 = st.columns(3)
    c1.selectbox("Category", LESSON_CATEGORIES, key="lf_category", persist_state="session",
                 format_func=label,
                 index=None, placeholder="Choose a category")
    c2.selectbox("Phase", PHASES, key="lf_phase", persist_state="session",
                 format_func=label, index=None,
                 placeholder="Choose a phase")
    c3.date_input("Recorded on", key="lf_recorded_on", persist_state="session",
                  max_value=settings_today())
    st.text_input("Tags", key="lf_tags", persist_state="session",
                  help="Separated by commas, e.g. vendor, contract")
    st.text_area("What went well", key="lf_went_well", persist_state="session")
    st.text_area("What went badly", key="lf_went_badly", persist_state="session")
    st.text_area("Recommendation", key="lf_recommendation", persist_state="session")
    submitted = st.form_submit_button("Save the lesson", key="lf_save", type="primary")

if submitted and st.session_state.get("lf_project") is None:
    st.error("The lesson was not saved. Project: choose the project the lesson belongs to" + (
        ", or “no project” for an organisation-wide lesson." if user.role == "pmo" else "."))
elif submitted:
    try:
        if editing is None:
            saved = data.add_lesson(engine, user, **form_values())
        else:
            saved = data.update_lesson(engine, user, editing,
                                       expected_version=st.session_state["lf_version"],
                                       **form_values())
    except data.LessonInvalid as exc:
        st.error("The lesson was not saved. " + " ".join(
            f"{LABELS.get(field, field)}: {md_escape(why)}."
            for field, why in exc.problems.items()))
    except data.LessonConflict as exc:
        st.session_state["lf_conflict"] = str(exc)
    except (data.LessonError, PermissionError) as exc:
        st.error(sentence(str(exc)))
    else:
        for key in [k for k in st.session_state if k.startswith("lf_")]:
            del st.session_state[key]
        st.session_state["lf_notice"] = f"Lesson #{saved.id} saved (version {saved.version})."
        st.rerun()
if conflict := st.session_state.get("lf_conflict"):
    st.error(sentence(conflict))
    if st.button("Discard my changes and reload the lesson", key="lf_reload"):
        for key in ("lf_loaded", "lf_conflict"):
            st.session_state.pop(key, None)
        st.rerun()
