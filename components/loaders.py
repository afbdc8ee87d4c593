"""Cached loaders. Keys are small (database, scope key, data version, filters), never frames:
st.cache_data is shared by every user, so the scope key is part of every key."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from sqlalchemy import Engine

from data_access.queries.portfolio import PortfolioFrames, data_version, load_portfolio
from data_access.scope import Scope


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
    return dt.date.today()
