"""Blocks of the audit-trail page: the filters (bound to the URL) and the table of entries."""

from __future__ import annotations

import streamlit as st

from data_access.audit_trail import AuditFilter, AuditPage

ANY = "any"


def render_filters(facets: dict[str, list[str]]) -> AuditFilter:
    """Actor, action, entity, entity id, date range and text, each kept in the URL."""
    a, b, c = st.columns(3)
    actor = a.selectbox("Who", [ANY, *facets["actor"]], key="actor", bind="query-params")
    action = b.selectbox("Action", [ANY, *facets["action"]], key="action", bind="query-params",
                         help="'scenario' matches scenario.save, scenario.delete, …")
    entity = c.selectbox("What", [ANY, *facets["entity"]], key="entity", bind="query-params")
    d, e, f, g = st.columns([1, 1, 1, 2])
    entity_id = d.text_input("Id", key="id", bind="query-params", max_chars=64)
    since = e.date_input("From", value=None, key="from", bind="query-params", format="YYYY-MM-DD")
    until = f.date_input("To", value=None, key="to", bind="query-params", format="YYYY-MM-DD")
    text = g.text_input("Search", key="q", bind="query-params", max_chars=200,
                        placeholder="Words in the details or the values")
    return AuditFilter(actor=None if actor == ANY else actor,
                       action=None if action == ANY else action,
                       entity=None if entity == ANY else entity, entity_id=entity_id or None,
                       date_from=since, date_to=until, text=text or None)


def render_page_picker(total_pages: int) -> int:
    """The page number (1-based), kept in the URL as ?page=N."""
    if total_pages <= 1:
        return 1
    return int(st.number_input("Page", min_value=1, max_value=total_pages, step=1, key="page",
                               bind="query-params"))


def render_entries(page: AuditPage) -> None:
    """The entries of one page: when, who, what, and the changes 'field: before → after'."""
    first = (page.page - 1) * page.page_size + 1
    st.caption(f"Entries {first:,}–{first + page.rows.height - 1:,} of {page.total:,}, newest "
               f"first (page {page.page} of {page.pages}). Times in UTC.")
    st.dataframe(
        page.rows.select("at", "actor", "action", "entity", "entity_id", "changes", "detail"),
        key="tbl_audit", hide_index=True, width="stretch", column_config={
            "at": st.column_config.DatetimeColumn("When (UTC)", format="YYYY-MM-DD HH:mm:ss"),
            "actor": "Who", "action": "Action", "entity": "What", "entity_id": "Id",
            "changes": st.column_config.TextColumn(
                "Changes", help="field: before → after ('—' for no value)", width="large"),
            "detail": "Detail"})


def empty_message(filters: AuditFilter) -> str:
    return ("No entry matches these filters." if filters != AuditFilter()
            else "The audit trail is empty.")

