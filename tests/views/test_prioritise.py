"""What-if prioritisation page for every role: sliders, the link as the scenario, explanations,
saved scenarios (AppTest)."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from analytics.prioritise import run
from analytics.scenario import ScenarioParams, default_budget
from data_access.settings import today as app_today
from support.apptest import run_page

ALLOWED, REFUSED = ["exec", "head", "pmo"], ["manager", "viewer"]


@pytest.fixture
def page(app_env):
    def open_(username: str, **query) -> AppTest:
        return run_page("prioritise", app_env, username, query)
    return open_


def expected(url: str, username: str, params: ScenarioParams):
    from data_access.engine import create_pmo_engine
    from data_access.queries.portfolio import load_kpi_frames
    from data_access.users import current_user

    engine = create_pmo_engine(url)
    try:
        frames = load_kpi_frames(engine, current_user(engine, username).scope)
    finally:
        engine.dispose()
    return run(frames, as_of=app_today(), params=params)


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def default_params(url: str, username: str) -> ScenarioParams:
    unbounded = expected(url, username, ScenarioParams())
    return ScenarioParams(budget=default_budget(float(unbounded.table["cost"].sum())))


@pytest.mark.parametrize("username", ALLOWED)
def test_allowed_roles_see_the_optimal_selection_of_their_scope(page, app_env, username):
    at = page(username)
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["What-if prioritisation"]
    result = expected(app_env, username, default_params(app_env, username))
    totals = result.totals
    assert metric(at, "Selected") == f"{totals['selected']} of {totals['candidates']}"
    assert metric(at, "Total score") == f"{totals['total_score']:,.1f}"
    assert at.query_params["budget"] == f"{result.params.budget:.0f}"
    assert at.query_params["w_alignment"] == "30"


@pytest.mark.parametrize("username", REFUSED)
def test_other_roles_are_refused(page, username):
    at = page(username)
    assert not at.exception
    assert [e.value for e in at.error] == ["This page is not available to your role."]
    assert not at.metric


def selected_codes(at: AppTest) -> set[str]:
    table = at.dataframe[0].value
    return set(table.loc[table["optimal"], "code"])


def test_moving_a_slider_changes_the_selection_and_the_link(page, app_env):
    at = page("pmo")
    before = selected_codes(at)
    at.slider(key="pw_financial").set_value(100)
    at.slider(key="pw_alignment").set_value(0)
    at.run()
    assert not at.exception, at.exception
    assert at.query_params["w_financial"] == "100" and at.query_params["w_alignment"] == "0"
    params = default_params(app_env, "pmo").with_(
        weights={"alignment": 0, "financial": 100, "risk": 15, "urgency": 15, "compliance": 15})
    result = expected(app_env, "pmo", params)
    after = selected_codes(at)
    assert after == set(result.table.filter("selected")["code"])
    assert after != before


def test_a_link_reproduces_its_scenario_exactly(page, app_env):
    unbounded = expected(app_env, "pmo", ScenarioParams())
    free = unbounded.table.filter(unbounded.table["mandatory_reason"].is_null())["code"].to_list()
    params = ScenarioParams(weights={"alignment": 10, "financial": 50, "risk": 0, "urgency": 20,
                                     "compliance": 20},
                            budget=9_000_000, horizon_years=2, capacity_pct=80, ponr_pct=60,
                            forced_in=(free[-1],), forced_out=(free[0],),
                            exclusive=((free[1], free[2]),))
    from components.prioritise_url import to_query
    at = page("exec", **to_query(params))
    assert not at.exception, at.exception
    assert not at.warning, [w.value for w in at.warning]
    result = expected(app_env, "exec", params)
    assert selected_codes(at) == set(result.table.filter("selected")["code"])
    assert free[-1] in selected_codes(at) and free[0] not in selected_codes(at)
    assert {k: at.query_params[k] for k in to_query(params)} == to_query(params)


def test_bad_link_values_are_dropped_with_a_notice(page):
    at = page("pmo", w_risk="lots", budget="-5", years="7", excl="PRJ-1", cap="999",
              **{"in": "NOPE-1"})
    assert not at.exception, at.exception
    notices = " ".join(w.value for w in at.warning).replace("\\", "")
    for word in ("weights ignored", "budget ignored", "horizon years ignored",
                 "capacity pct ignored", "CODE+CODE", "'lots' is not a number"):
        assert word in notices
    assert "NOPE-1" not in notices and "not candidates" in notices
    assert at.query_params["years"] == "2" and at.query_params["in"] == ""


def test_choosing_a_project_explains_why_it_is_in_or_out(page, app_env):
    at = page("pmo")
    result = expected(app_env, "pmo", default_params(app_env, "pmo"))
    out = result.table.filter(~result.table["selected"])
    assert out.height, "the default budget leaves projects out"
    code = out["code"][0]
    at.selectbox(key="explain").set_value(code)
    at.run()
    assert not at.exception, at.exception
    assert any(h.value.endswith(" is out") and code in h.value.replace("\\", "")
               for h in at.subheader)
    text = " ".join(m.value for m in at.markdown)
    assert "to make the cut" in text or "would push out" in text


def test_pmo_saves_a_scenario_that_its_short_link_reopens(page, app_env):
    from data_access.engine import create_pmo_engine
    from data_access.models import AuditEntry
    from sqlalchemy import func, select

    at = page("pmo")
    at.slider(key="pw_urgency").set_value(80)
    at.run()
    at.text_input(key="p_save_name").input("Urgent first <b>")
    at.button(key="p_save_new").click()
    at.run()
    assert not at.exception, at.exception
    assert any("Saved “Urgent first &lt;b&gt;”" in s.value for s in at.success)   # escaped
    scenario_id = at.query_params["scenario"]
    engine = create_pmo_engine(app_env)
    with engine.connect() as conn:
        saves = conn.execute(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "scenario.save",
                                    AuditEntry.entity_id == scenario_id)).scalar_one()
    engine.dispose()
    assert saves == 1
    again = page("exec", scenario=scenario_id)
    assert not again.exception, again.exception
    assert again.slider(key="pw_urgency").value == 80
    assert again.query_params["w_urgency"] == "80"
    assert not [b for b in again.button if b.key == "p_save_new"]     # executives do not save


def test_a_link_to_a_missing_scenario_says_so(page):
    at = page("pmo", scenario="999999")
    assert not at.exception, at.exception
    assert any("not available" in w.value for w in at.warning)


def test_a_department_head_never_sees_projects_outside_their_scope(page, app_env):
    everyone = expected(app_env, "pmo", ScenarioParams())
    theirs = expected(app_env, "head", ScenarioParams())
    outside = sorted(set(everyone.table["code"]) - set(theirs.table["code"]))
    assert outside, "the demo head sees fewer candidates than the PMO"
    at = page("head", **{"in": outside[0]})
    assert not at.exception, at.exception
    shown = " ".join(str(e.value) for e in [*at.warning, *at.markdown, *at.caption])
    assert outside[0] not in shown
    assert set(at.dataframe[0].value["code"]) == set(theirs.table["code"])
    assert any("not candidates available to you" in w.value for w in at.warning)


def test_back_from_another_page_the_user_finds_the_scenario_they_left(app_env):
    """Streamlit drops the state of widgets a run did not draw (and the URL on a page switch):
    the page must not come back with an empty budget and constraints switched off."""
    from support.apptest import rerun, sign_in

    at = sign_in("head")
    at.switch_page("views/prioritise.py")
    rerun(at)
    at.slider(key="pw_financial").set_value(60)
    at.run()
    left = {k: at.query_params[k] for k in ("budget", "years", "cap", "ponr", "w_financial")}
    assert left["w_financial"] == "60" and left["cap"] == "100" and left["ponr"] == "50"
    for page in ("views/risks.py", "views/prioritise.py"):
        at.switch_page(page)
        for key in list(at.query_params):          # the browser drops them on a page switch
            del at.query_params[key]
        rerun(at)
        assert not at.exception, at.exception
    assert {k: at.query_params[k] for k in left} == left
    assert at.slider(key="pw_financial").value == 60
    assert not at.error and not at.warning
