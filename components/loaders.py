"""Cached loaders. Keys are small (database, scope key, data version, filters), never frames:
st.cache_data is shared by every user, so the scope key is part of every key."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import streamlit as st
from sqlalchemy import Engine

from analytics import optimiser
from analytics.filters import PortfolioFilter
from analytics.kpi_rows import current_snapshot_rows, overview_from_store
from analytics.overview import Overview
from analytics.kpis import KpiInputs, KpiSet, kpi_set
from analytics.prioritise import ScenarioResult
from analytics.prioritise import run as run_scenario
from analytics.scenario import ScenarioParams
from data_access.kpi_store import StoreState
from data_access.queries.kpis import project_rows_query, read_overview
from data_access.queries.inventory import read_inventory, read_links
from data_access.queries.project import (kept_ids, picker_query, read_filter_values,
                                         read_project_card)
from data_access.reader import read_frame
from data_access.queries.portfolio import (PortfolioFrames, data_version, load_kpi_frames,
                                           load_portfolio)
from data_access.queries.portfolio import departments as departments_frame
from data_access.queries.portfolio import thresholds as thresholds_frame
from data_access.scope import Scope
from data_access.settings import today as settings_today
from kpi_refresh import ensure_fresh


def current_data_version(engine: Engine) -> int:
    return data_version(engine)


@st.cache_data(ttl=900, max_entries=32, show_spinner="Loading the portfolio…")
def _portfolio(db_url: str, scope_key: str, version: int, _engine: Engine, _scope: Scope) -> PortfolioFrames:
    return load_portfolio(_engine, _scope)


def portfolio(engine: Engine, scope: Scope) -> PortfolioFrames:
    """The frames ``scope`` may see, reloaded whenever the data version changes."""
    url = engine.url.render_as_string(hide_password=True)
    return _portfolio(url, scope.cache_key, current_data_version(engine), engine, scope)


def today() -> dt.date:
    return settings_today()


@st.cache_data(ttl=900, max_entries=16, show_spinner="Loading the portfolio…")
def _kpi_frames(db_url: str, scope_key: str, version: int, _engine: Engine, _scope: Scope) -> dict:
    return load_kpi_frames(_engine, _scope)


@st.cache_data(ttl=900, max_entries=64, show_spinner="Computing the KPIs…")
def _kpis(db_url: str, scope_key: str, version: int, as_of: dt.date, filters: PortfolioFilter,
          _engine: Engine, _scope: Scope) -> KpiSet:
    frames = _kpi_frames(db_url, scope_key, version, _engine, _scope)
    return kpi_set(KpiInputs.from_mapping(frames), as_of=as_of, portfolio_filter=filters)


def kpi_frames(engine: Engine, scope: Scope) -> dict:
    """Every frame of the KPI set that ``scope`` may see (cached per scope and data version)."""
    url = engine.url.render_as_string(hide_password=True)
    return _kpi_frames(url, scope.cache_key, current_data_version(engine), engine, scope)


def kpis(engine: Engine, scope: Scope, *, as_of: dt.date,
         filters: PortfolioFilter | None = None) -> KpiSet:
    """The full KPI set ``scope`` may see, cached per scope, data version, date and filters."""
    url = engine.url.render_as_string(hide_password=True)
    return _kpis(url, scope.cache_key, current_data_version(engine), as_of,
                 filters or PortfolioFilter(), engine, scope)


@st.cache_data(ttl=900, max_entries=64, show_spinner="Selecting the best portfolio…")
def _prioritise(db_url: str, scope_key: str, version: int, as_of: dt.date, params_json: str,
                _engine: Engine, _scope: Scope) -> ScenarioResult:
    frames = _kpi_frames(db_url, scope_key, version, _engine, _scope)
    params, _ = ScenarioParams.from_dict(json.loads(params_json))
    return run_scenario(frames, as_of=as_of, params=params)


def prioritise(engine: Engine, scope: Scope, *, as_of: dt.date,
               params: ScenarioParams) -> ScenarioResult:
    """One what-if run on the candidates ``scope`` may see, cached per scope, data and params."""
    url = engine.url.render_as_string(hide_password=True)
    return _prioritise(url, scope.cache_key, current_data_version(engine), as_of,
                       json.dumps(params.to_dict(), sort_keys=True), engine, scope)


@st.cache_data(ttl=900, max_entries=32, show_spinner="Tracing the efficient frontier…")
def _frontier(db_url: str, scope_key: str, version: int, as_of: dt.date, params_json: str,
              _engine: Engine, _scope: Scope) -> pl.DataFrame:
    params, _ = ScenarioParams.from_dict(json.loads(params_json))
    result = _prioritise(db_url, scope_key, version, as_of, params_json, _engine, _scope)
    problem = result.problem
    return optimiser.frontier(problem, optimiser.frontier_budgets(problem, points=10),
                              time_limit=0.25)


def frontier(engine: Engine, scope: Scope, *, as_of: dt.date, params: ScenarioParams) -> pl.DataFrame:
    """The efficient frontier of the scenario's model (best total score per total budget)."""
    url = engine.url.render_as_string(hide_password=True)
    return _frontier(url, scope.cache_key, current_data_version(engine), as_of,
                     json.dumps(params.to_dict(), sort_keys=True), engine, scope)


# --------------------------------------------------------------------------- the KPI store


def store_state(engine: Engine) -> StoreState:
    """The KPI store brought up to date when that is quick (else refreshed in the background
    while pages show the last good figures), and its state: what the figures are as of."""
    return ensure_fresh(engine, as_of=today())


def _store_key(state: StoreState) -> str:
    stamp = state.refreshed_at.isoformat() if state.refreshed_at else "-"
    return f"{state.as_of}|{state.data_version}|{stamp}"


@st.cache_data(ttl=900, max_entries=64, show_spinner="Loading the overview…")
def _overview(db_url: str, scope_key: str, store_key: str, codes: tuple[str, ...] | None,
              as_of: dt.date, _engine: Engine, _scope: Scope) -> tuple[Overview, pl.DataFrame,
                                                                       pl.DataFrame]:
    reads = read_overview(_engine, _scope, None if codes is None else list(codes))
    departments = departments_frame(_engine, _scope)
    return (overview_from_store(reads, as_of=as_of), reads["alerts"],
            current_snapshot_rows(reads, departments))


def overview(engine: Engine, scope: Scope, state: StoreState, *,
             department_codes: list[str] | None = None
             ) -> tuple[Overview, pl.DataFrame, pl.DataFrame]:
    """(the overview's tables, its drift alerts, today's portfolio and department rows for the
    deltas) from the KPI store, for ``scope``: a few rows, cached per scope, store version and
    filter, shared by every session of the process."""
    url = engine.url.render_as_string(hide_password=True)
    codes = None if department_codes is None else tuple(sorted(department_codes))
    return _overview(url, scope.cache_key, _store_key(state), codes,
                     state.as_of or today(), engine, scope)


@st.cache_data(ttl=900, max_entries=32, show_spinner=False)
def _departments(db_url: str, scope_key: str, version: int, _engine: Engine,
                 _scope: Scope) -> pl.DataFrame:
    return departments_frame(_engine, _scope)


def departments(engine: Engine, scope: Scope) -> pl.DataFrame:
    """The departments ``scope`` may see (id, code, name), cached per scope and data version."""
    url = engine.url.render_as_string(hide_password=True)
    return _departments(url, scope.cache_key, current_data_version(engine), engine, scope)


# --------------------------------------------------------------------------- one project's card


@st.cache_data(ttl=900, max_entries=32, show_spinner=False)
def _filter_values(db_url: str, scope_key: str, version: int, _engine: Engine,
                   _scope: Scope) -> dict[str, pl.DataFrame]:
    return read_filter_values(_engine, _scope)


def filter_values(engine: Engine, scope: Scope) -> dict[str, pl.DataFrame]:
    """The values the portfolio filters offer ``scope`` (distinct values, read in SQL)."""
    url = engine.url.render_as_string(hide_password=True)
    return _filter_values(url, scope.cache_key, current_data_version(engine), engine, scope)


@st.cache_data(ttl=900, max_entries=64, show_spinner=False)
def _picker(db_url: str, scope_key: str, version: int, chosen: PortfolioFilter, _engine: Engine,
            _scope: Scope) -> pl.DataFrame:
    stmt, schema = picker_query(_scope, **_filters(chosen))
    return read_frame(_engine, stmt, schema)


def picker(engine: Engine, scope: Scope, chosen: PortfolioFilter) -> pl.DataFrame:
    """(id, code, name) of the projects in ``scope`` that the filters keep."""
    url = engine.url.render_as_string(hide_password=True)
    return _picker(url, scope.cache_key, current_data_version(engine), chosen, engine, scope)


@st.cache_data(ttl=900, max_entries=64, show_spinner="Loading the project…")
def _project_card(db_url: str, scope_key: str, version: int, project_id: int, _engine: Engine,
                  _scope: Scope) -> dict[str, pl.DataFrame]:
    return read_project_card(_engine, _scope, project_id)


def project_card(engine: Engine, scope: Scope, project_id: int) -> dict[str, pl.DataFrame]:
    """One project's rows for its card (data_access.queries.project.read_project_card)."""
    url = engine.url.render_as_string(hide_password=True)
    return _project_card(url, scope.cache_key, current_data_version(engine), project_id, engine,
                         scope)


def project_row(engine: Engine, scope: Scope, code: str | None = None, *,
                project_id: int | None = None) -> dict | None:
    """The stored KPI row of the project ``code`` (or ``project_id``); None when ``scope`` may
    not read it or it is not stored yet."""
    stmt, schema = (project_rows_query(scope, [code]) if code is not None
                    else project_rows_query(scope, ids=[project_id]))
    rows = read_frame(engine, stmt, schema)
    return rows.row(0, named=True) if rows.height else None


@st.cache_data(ttl=900, max_entries=8, show_spinner=False)
def _thresholds(db_url: str, version: int, _engine: Engine) -> pl.DataFrame:
    return thresholds_frame(_engine)


def thresholds(engine: Engine) -> pl.DataFrame:
    """The RAG thresholds (cached per data version)."""
    url = engine.url.render_as_string(hide_password=True)
    return _thresholds(url, current_data_version(engine), engine)


# --------------------------------------------------------------------------- the inventory

PAGE_ROWS = 500
"""Inventory rows a page of the portfolio shows."""


def _filters(chosen: PortfolioFilter) -> dict[str, tuple[str, ...]]:
    return {"departments": chosen.departments, "objectives": chosen.objectives,
            "phases": chosen.phases, "statuses": chosen.statuses, "managers": chosen.managers}


@st.cache_data(ttl=900, max_entries=64, show_spinner="Loading the inventory…")
def _inventory(db_url: str, scope_key: str, store_key: str, chosen: PortfolioFilter, query: str,
               page: int, _engine: Engine, _scope: Scope) -> tuple[pl.DataFrame, int,
                                                                  pl.DataFrame]:
    kept = kept_ids(_scope, **_filters(chosen))
    rows, count = read_inventory(_engine, kept, query, limit=PAGE_ROWS,
                                 offset=(page - 1) * PAGE_ROWS)
    return rows, count, read_links(_engine, rows["project_id"].to_list())


def inventory(engine: Engine, scope: Scope, state: StoreState, chosen: PortfolioFilter,
              query: str, page: int = 1) -> tuple[pl.DataFrame, int, pl.DataFrame]:
    """(one page of stored inventory rows, how many match, the dependencies between the rows)
    for ``scope``, the filters and the search, cached per scope and store version."""
    url = engine.url.render_as_string(hide_password=True)
    return _inventory(url, scope.cache_key, _store_key(state), chosen, query, page, engine, scope)
