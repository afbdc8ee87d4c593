"""The steering-committee page for every role (AppTest): deltas since the last committee from
the snapshots, trends, decisions, the pack prepared on click, the KPI-set download."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from analytics.kpis import KpiInputs, kpi_set
from analytics.snapshots import snapshot_rows
from analytics.steering import steering_pack
from analytics.trends import LABELS, since
from components import access
from components.format import date, md_escape
from components.trend_view import TILE_METRICS, delta_text, value_text
from data_access.engine import create_pmo_engine
from data_access.queries.portfolio import load_kpi_frames
from data_access.scope import SYSTEM
from data_access.settings import today as app_today
from data_access.snapshots import read_snapshots, take_snapshot
from data_access.users import current_user
from support.apptest import run_page

ALLOWED = frozenset({"executive", "pmo"})
SPEC = access.PageSpec("views/steering.py", "Steering committee", ":material/groups:", ALLOWED,
                       "steering")
TODAY = app_today()
DAYS_AGO = (30, 14, 3)           # the default reference is the one 14 days old


@pytest.fixture(scope="module")
def with_snapshots(demo_db, tmp_path_factory) -> str:
    """A copy of the demo database with snapshots taken 30, 14 and 3 days ago."""
    path = tmp_path_factory.mktemp("steering") / "demo.db"
    src, dst = sqlite3.connect(demo_db.removeprefix("sqlite:///")), sqlite3.connect(path)
    src.backup(dst)
    src.close()
    dst.close()
    url = f"sqlite:///{path}"
    engine = create_pmo_engine(url)
    frames = load_kpi_frames(engine, SYSTEM)
    for days in DAYS_AGO:
        day = TODAY - dt.timedelta(days=days)
        kset = kpi_set(KpiInputs.from_mapping(frames), as_of=day)
        take_snapshot(engine, snapshot_rows(kset, frames["risks"], frames["departments"]),
                      as_of=day, actor="test")
    engine.dispose()
    return url


def _register(monkeypatch) -> None:
    if "steering" not in {s.url_path for s in access.PAGES}:
        monkeypatch.setattr(access, "PAGES", access.PAGES + (SPEC,))
    monkeypatch.setitem(access.PAGE_ROLES, "steering", SPEC.roles)


@pytest.fixture
def registered(monkeypatch, app_env, with_snapshots):
    _register(monkeypatch)
    monkeypatch.setenv("PMO_DATABASE_URL", with_snapshots)
    return with_snapshots


@pytest.fixture
def no_snapshots(monkeypatch, app_env):
    _register(monkeypatch)
    return app_env


def expected(url: str, username: str):
    """What the page must show: the deltas vs the snapshot 14 days old, and the pack."""
    engine = create_pmo_engine(url)
    try:
        user = current_user(engine, username)
        frames = load_kpi_frames(engine, user.scope)
        kset = kpi_set(KpiInputs.from_mapping(frames), as_of=TODAY)
        snapshots = read_snapshots(engine, user.scope)
        now = snapshot_rows(kset, frames["risks"], frames["departments"])
        changes = since(snapshots, TODAY - dt.timedelta(days=14), current=now)
        return snapshots, changes, steering_pack(kset, thresholds=frames["thresholds"])
    finally:
        engine.dispose()


def _metrics(at) -> dict[str, tuple[str, str | None]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


@pytest.mark.parametrize(("username", "grain"), [("exec", "portfolio"), ("pmo", "portfolio"),
                                                 ("head", "department")])
def test_allowed_roles_see_the_deltas_since_the_last_committee(registered, username, grain):
    at = run_page("steering", registered, username)
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Steering committee"]
    snapshots, changes, pack = expected(registered, username)
    reference = at.selectbox(key="since")
    assert reference.value == TODAY - dt.timedelta(days=14)
    assert set(snapshots["grain"]) == ({"portfolio", "department", "project"}
                                       if grain == "portfolio" else {"department", "project"})
    rows = {r["metric"]: r for r in changes.filter(
        (changes["grain"] == grain)).iter_rows(named=True)
        if r["key"] == changes.filter(changes["grain"] == grain)["key"][0]}
    shown = _metrics(at)
    assert list(shown) == [LABELS[m] for m in TILE_METRICS]
    for metric in TILE_METRICS:
        value, delta = shown[LABELS[metric]]
        assert value == value_text(metric, rows[metric]["after"], "€")
        assert delta == (delta_text(metric, rows[metric]["delta"], "€") or "")
    decisions, = [d.value for d in at.dataframe if "ask" in d.value.columns]
    assert list(decisions["subject"]) == pack.decisions["subject"].to_list()
    assert len(at.get("plotly_chart")) == 1
    assert at.button(key="prepare_pack")


def test_a_scoped_executive_sees_only_their_department(registered):
    at = run_page("steering", registered, "head")
    assert not at.exception
    snapshots, changes, pack = expected(registered, "head")
    engine = create_pmo_engine(registered)
    frames = load_kpi_frames(engine, current_user(engine, "head").scope)
    engine.dispose()
    department, = frames["departments"]["name"].to_list()
    assert at.caption[0].value.replace("\\", "").startswith(f"Departments: {department}.")
    mine = set(frames["projects"]["code"])
    assert set(pack.decisions["code"]) <= mine and set(pack.in_trouble["code"]) <= mine
    shown, = [d.value for d in at.dataframe if "ask" in d.value.columns]
    assert set(shown["code"]) <= mine
    assert set(snapshots.filter(snapshots["grain"] == "project")["key"]) == mine
    assert "since_key" not in [w.key for w in at.selectbox]   # one department: no picker


@pytest.mark.parametrize("username", ["manager", "viewer"])
def test_other_roles_are_refused(registered, username):
    at = run_page("steering", registered, username)
    assert [e.value for e in at.error] == ["This page is not available to your role."]
    assert not at.title


def test_preparing_the_pack_offers_its_download(registered):
    at = run_page("steering", registered, "pmo")
    assert "Download the steering pack (.pptx)" not in [b.proto.label
                                                        for b in at.get("download_button")]
    at.button(key="prepare_pack").click().run()
    assert not at.exception, at.exception
    _, _, pack = expected(registered, "pmo")
    status, = [e for e in at.main if type(e).__name__ == "Status"]
    assert status.label.startswith("Steering pack ready (") and status.state == "complete"
    steps = [m.value for m in status.markdown]
    assert steps[:2] == ["Writing title…", "Writing portfolio summary…"]
    assert steps[-1] == f"Writing {md_escape('project ' + pack.in_trouble['code'][-1])}…"
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download the steering pack (.pptx)" in labels
    assert "Download the KPI set (.xlsx)" in labels


def test_the_reference_can_be_chosen_in_the_url(registered):
    day = TODAY - dt.timedelta(days=30)
    at = run_page("steering", registered, "exec", {"since": date(day), "metric": "Red projects"})
    assert not at.exception
    assert at.selectbox(key="since").value == day
    assert at.selectbox(key="metric").value == "red_projects"
    figure = at.get("plotly_chart")[0].proto.spec
    assert "Red projects over the snapshots" in figure


def test_without_snapshots_the_page_explains_how_to_get_them(no_snapshots):
    at = run_page("steering", no_snapshots, "exec")
    assert not at.exception, at.exception
    assert any("pmo snapshot" in i.value for i in at.info)
    assert not at.metric and not at.get("plotly_chart")
    assert at.button(key="prepare_pack")
