"""Helpers for the real-browser tests (Playwright)."""

from __future__ import annotations


def sign_in(pg, username: str) -> None:
    pg.wait_for_selector("text=Sign in to PMO Cockpit", timeout=60_000)
    pg.get_by_label("Username").fill(username)
    pg.get_by_label("Password", exact=True).and_(pg.get_by_role("textbox")).fill(
        f"{username}-demo-2026")
    pg.get_by_role("button", name="Sign in").click()
