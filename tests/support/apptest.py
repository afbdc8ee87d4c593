"""Driving the app with Streamlit's AppTest: the real login form, then the page."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from data_access.demo_accounts import DEMO_PASSWORD_SUFFIX
from data_access.settings import today as app_today

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
COOKIE_KEY = "pages-test-cookie-key-9f8e7d6c5b4a3210zyxwvuts"


def page_path(name: str) -> str:
    return str(ROOT / "views" / f"{name}.py")


def sign_in(username: str, password: str | None = None, *, query: dict | None = None) -> AppTest:
    """Run the app, fill the login form and submit it; returns the app after sign-in."""
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    at.run()
    at.text_input[0].input(username)
    at.text_input[1].input(password if password is not None else username + DEMO_PASSWORD_SUFFIX)
    at.button[0].click()
    at.run()
    return at


def rerun(at: AppTest) -> AppTest:
    """Rerun the app as a user's next interaction would.

    Streamlit 1.67's AppTest skips a bare ``run()`` after the script navigated to a file-based
    ``st.Page`` (it requests the finished page's hash, which its fresh PagesManager does not
    know, and runs nothing). Requesting the default page sidesteps that.
    """
    at._finished_page_script_hash = ""
    return at.run()


def run_page(slug: str, db_url: str, username: str, query: dict | None = None) -> AppTest:
    """Run ``views/<slug>.py`` alone, as ``username`` already signed in, with ``query`` in the URL."""
    from data_access.engine import create_pmo_engine
    from data_access.users import current_user

    at = AppTest.from_file(page_path(slug), default_timeout=60)
    engine = create_pmo_engine(db_url)
    at.session_state["pmo_current_user"] = current_user(engine, username)
    engine.dispose()
    for name, value in (query or {}).items():
        at.query_params[name] = value
    return at.run()


def frames_and_kpis(db_url: str, username: str, portfolio_filter=None):
    """(frames, KpiSet) that ``username`` may see today: what every page must show."""
    
    from analytics.kpis import KpiInputs, kpi_set
    from data_access.engine import create_pmo_engine
    from data_access.queries.portfolio import load_kpi_frames
    from data_access.users import current_user

    engine = create_pmo_engine(db_url)
    try:
        frames = load_kpi_frames(engine, current_user(engine, username).scope)
        return frames, kpi_set(KpiInputs.from_mapping(frames), as_of=app_today(),
                               portfolio_filter=portfolio_filter)
    finally:
        engine.dispose()
