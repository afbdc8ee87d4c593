"""Driving the app with Streamlit's AppTest: the real login form, then the page."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from data_access.demo_accounts import DEMO_PASSWORD_SUFFIX

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
