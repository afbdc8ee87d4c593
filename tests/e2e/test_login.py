"""A sign-in cookie copied before "Sign out" opens the app until then, and never after."""

from __future__ import annotations

import pytest

from support.browser import auth_cookie, sign_in

pytestmark = pytest.mark.e2e

HEADING = "Executive overview"


def _open_with(browser, app_url: str, cookie: dict):
    """A fresh browser (no session, no storage) carrying only ``cookie``."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_cookies([cookie])
    page = context.new_page()
    page.goto(app_url)
    return context, page


def test_a_cookie_replayed_after_sign_out_is_refused(app_url, page, browser):
    page.goto(app_url)
    sign_in(page, "head")
    page.get_by_role("heading", name=HEADING).wait_for(timeout=60_000)
    cookie = auth_cookie(page.context)
    assert cookie["sameSite"] == "Strict"

    copy, other = _open_with(browser, app_url, cookie)  # the copy works while signed in
    try:
        other.get_by_role("heading", name=HEADING).wait_for(timeout=60_000)
    finally:
        copy.close()

    page.get_by_role("button", name="Sign out").click(timeout=60_000)
    page.get_by_text("You have signed out.").wait_for(timeout=60_000)

    replay, replayed = _open_with(browser, app_url, cookie)
    try:
        replayed.wait_for_selector("text=Sign in to PMO Cockpit", timeout=60_000)
        replayed.wait_for_timeout(2_000)  # nothing signs the copy in after the form either
        assert replayed.get_by_role("heading", name=HEADING).count() == 0
        assert replayed.get_by_role("button", name="Sign out").count() == 0
    finally:
        replay.close()
