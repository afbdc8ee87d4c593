"""Helpers for the real-browser tests (Playwright)."""

from __future__ import annotations


def sign_in(pg, username: str) -> None:
    pg.wait_for_selector("text=Sign in to PMO Cockpit", timeout=60_000)
    pg.get_by_label("Username").fill(username)
    pg.get_by_label("Password", exact=True).and_(pg.get_by_role("textbox")).fill(
        f"{username}-demo-2026")
    pg.get_by_role("button", name="Sign in").click()


COOKIE_NAME = "pmo_cockpit_auth"  # data_access.settings.Settings.cookie_name


def auth_cookie(context, timeout_s: float = 90.0) -> dict:
    """The sign-in cookie once the browser has stored it: a component writes it from JavaScript,
    after the first page may already show (slow when CI is busy)."""
    import time

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = [c for c in context.cookies() if c["name"] == COOKIE_NAME]
        if found:
            return found[0]
        time.sleep(0.25)
    raise AssertionError(f"the {COOKIE_NAME} cookie was never set")


def settled(page) -> None:
    """Wait until Streamlit has finished the current run (its running indicator is gone)."""
    page.wait_for_timeout(500)
    page.locator("[data-testid=stStatusWidget]").wait_for(state="detached", timeout=60_000)
    page.wait_for_timeout(300)
