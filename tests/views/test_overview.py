"""The executive overview for every role, through the real login form (AppTest)."""

from __future__ import annotations


import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from analytics.overview import overview
from data_access.engine import create_pmo_engine
from data_access.models import AuditEntry
from data_access.queries.portfolio import load_portfolio
from data_access.settings import today as app_today
from data_access.users import current_user, set_disabled, set_role
from support.apptest import APP, page_path, rerun, sign_in

ROLES = ["exec", "head", "pmo", "manager", "viewer"]


def expected_overview(url: str, username: str, departments=None):
    engine = create_pmo_engine(url)
    try:
        frames = load_portfolio(engine, current_user(engine, username).scope)
        return frames, overview(frames.projects, frames.costs, frames.progress, frames.milestones,
                                frames.risks, frames.status_reports, frames.thresholds,
                                as_of=app_today(), department_codes=departments)
    finally:
        engine.dispose()


@pytest.mark.parametrize("username", ROLES)
def test_each_role_signs_in_and_sees_its_own_portfolio(app_env, username):
    at = sign_in(username)
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Executive overview"]
    frames, expected = expected_overview(app_env, username)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Projects"] == f"{frames.projects.height:,}"
    assert metrics["Portfolio CPI"] == f"{expected.totals['cpi'][0]:.2f}"
    assert len(at.get("plotly_chart")) == 3
    assert "Drift alerts for governance" in [h.value for h in at.subheader]
    assert f"Signed in as **" in at.sidebar.caption[0].value


def test_scopes_differ_between_roles(app_env):
    counts = {u: expected_overview(app_env, u)[0].projects.height for u in ROLES}
    assert counts["exec"] == counts["pmo"] == counts["viewer"]
    assert 0 < counts["head"] < counts["exec"]
    assert 0 < counts["manager"] < counts["exec"]
    head_frames = expected_overview(app_env, "head")[0]
    assert head_frames.projects["department_code"].n_unique() == 1


def test_department_filter_comes_from_the_url_and_is_stated(app_env):
    frames, _ = expected_overview(app_env, "exec")
    code, name = frames.departments.row(0)[1:3]
    at = sign_in("exec", query={"department": code})
    assert not at.exception
    caption = at.caption[0].value
    assert f"Showing {name}." in caption.replace("\\", "")
    _, expected = expected_overview(app_env, "exec", [code])
    assert {m.label: m.value for m in at.metric}["Projects"] == f"{expected.totals['projects'][0]:,}"


def test_a_department_outside_the_scope_is_not_offered(app_env):
    frames, _ = expected_overview(app_env, "exec")
    head_code = expected_overview(app_env, "head")[0].departments["code"][0]
    other = next(c for c in frames.departments["code"] if c != head_code)
    at = sign_in("head", query={"department": other})
    assert not at.exception
    assert at.sidebar.multiselect[0].options == [expected_overview(app_env, "head")[0].departments["name"][0]]
    assert at.sidebar.multiselect[0].value == []


def test_wrong_password_is_refused_and_audited(app_env):
    at = sign_in("exec", "not-the-password")
    assert [e.value for e in at.error] == ["Username or password is incorrect."]
    assert not at.title
    engine = create_pmo_engine(app_env)
    with Session(engine) as s:
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (last.action, last.actor) == ("login.failure", "exec")
    engine.dispose()


def test_disabling_a_signed_in_user_ends_the_session(app_env):
    at = sign_in("viewer")
    assert [t.value for t in at.title] == ["Executive overview"]
    engine = create_pmo_engine(app_env)
    set_disabled(engine, "viewer", True, actor="test")
    try:
        rerun(at)
        assert not at.title
        assert "Your account is no longer active." in [w.value for w in at.warning]
    finally:
        set_disabled(engine, "viewer", False, actor="test")
        engine.dispose()


def test_a_role_change_ends_the_session(app_env):
    at = sign_in("pmo")
    engine = create_pmo_engine(app_env)
    set_role(engine, "pmo", "viewer", actor="test")
    try:
        rerun(at)
        assert not at.title
        assert any("account changed" in w.value for w in at.warning)
    finally:
        set_role(engine, "pmo", "pmo", actor="test")
        engine.dispose()


def test_the_page_checks_the_role_itself():
    at = AppTest.from_file(page_path("overview"), default_timeout=60)
    at.run()
    assert [e.value for e in at.error] == ["Please sign in to see this page."]
    assert not at.title


@pytest.mark.parametrize(("key", "message"), [
    ("", "no cookie key is configured"),
    ("some_signature_key", "well-known example value"),
    ("too-short-key", "too short"),
])
def test_the_app_refuses_to_start_with_a_bad_cookie_key(app_env, monkeypatch, key, message):
    monkeypatch.setenv("PMO_COOKIE_KEY", key)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert len(at.error) == 1 and message in at.error[0].value
    assert not at.text_input


def test_selecting_a_project_in_trouble_opens_its_card(app_env):
    at = sign_in("pmo")
    table = next(df for df in at.dataframe if "reasons" in df.value.columns)
    code = table.value["code"][0]
    at.session_state["tbl_trouble"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    rerun(at)
    assert not at.exception
    assert at.query_params.get("project") in (code, [code])
