"""Audit trail: who changed what and when, with the values before and after; the filters live
in the URL (?actor=&action=&entity=&id=&from=&to=&q=&page=). PMO users see every entry,
executives those of their scope."""

import streamlit as st

from components import audit_view as av
from components.access import PAGE_ROLES
from components.format import md_escape
from components.session import require_role
from data_access import audit_trail as data
from data_access.engine import get_engine
from data_access.settings import get_settings

user = require_role(PAGE_ROLES["audit"])
engine = get_engine(get_settings().database_url)

st.title("Audit trail")
st.caption("Every change made through the cockpit, newest first."
           if user.role == "pmo" or not user.department_ids else
           "The changes to the projects of your departments, and to the scenarios.")
filters = av.render_filters(data.audit_facets(engine, user))
try:
    first = data.search_audit(engine, user, filters, page=1)
except data.AuditTrailError as exc:
    st.error(md_escape(str(exc)[:1].upper() + str(exc)[1:]) + ".")
    st.stop()
if first.total == 0:
    st.info(av.empty_message(filters))
    st.stop()
number = av.render_page_picker(first.pages)
page = first if number == 1 else data.search_audit(engine, user, filters, page=number)
av.render_entries(page)
