"""Cached loaders. Keys are small (database, scope key, data version, filters), never frames:
st.cache_data is shared by every user, so the scope key is part of every key."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import streamlit as st
from sqlalchemy import Engine

from analytics.filters import PortfolioFilter
from analytics import optimiser
from analytics.kpis import KpiInputs, KpiSet, kpi_set
from analytics.prioritise import ScenarioResult
from analytics.prioritise import run as run_scenario
from analytics.scenario import ScenarioParams
from data_access.queries.portfolio import (PortfolioFrames, data_version, load_kpi_frames,
                                           load_portfolio)
from data_access.scope import Scope
from data_access.settings import today as settings_today


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
