"""PMO_TODAY: the date the whole app takes as today (data_access.settings.today)."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from data_access.settings import get_settings, today


def test_pmo_today_fixes_the_apps_today(monkeypatch):
    monkeypatch.setenv("PMO_TODAY", "2027-02-28")
    get_settings.cache_clear()
    assert today() == dt.date(2027, 2, 28)


@pytest.mark.parametrize("unset", [None, ""])  # deploy/.env.example has PMO_TODAY= (empty)
def test_without_pmo_today_it_is_the_machines_date(monkeypatch, unset):
    if unset is None:
        monkeypatch.delenv("PMO_TODAY", raising=False)
    else:
        monkeypatch.setenv("PMO_TODAY", unset)
    get_settings.cache_clear()
    before = dt.date.today()
    assert today() in (before, dt.date.today())   # the same day, unless midnight just passed


@pytest.mark.parametrize("value", ["28/02/2027", "2027-02-30", "tomorrow"])
def test_a_bad_pmo_today_is_refused_naming_the_setting(monkeypatch, value):
    monkeypatch.setenv("PMO_TODAY", value)
    get_settings.cache_clear()
    with pytest.raises(ValidationError, match="today"):
        today()


def test_the_suite_runs_on_one_day():
    """tests/conftest.py sets PMO_TODAY once for the run (and its workers and servers)."""
    import os

    assert today() == dt.date.fromisoformat(os.environ["PMO_TODAY"])
