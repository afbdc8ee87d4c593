"""A link to a page with filters opens that page after the login form, and again from the cookie."""

from __future__ import annotations

import pytest

from support.browser import auth_cookie, sign_in

pytestmark = pytest.mark.e2e


def test_a_link_survives_the_login_form_and_the_cookie(app_url, page):
    page.goto(f"{app_url}/risks?department=Finance")
    sign_in(page, "pmo")
    page.get_by_role("heading", name="Risk heatmap").wait_for(timeout=60_000)
    assert page.url.startswith(f"{app_url}/risks")
    assert "department=Finance" in page.url
    auth_cookie(page.context)                     # written from JavaScript, maybe after the page
    page.goto(f"{app_url}/governance")            # same browser: the cookie signs the user in
    page.get_by_role("heading", name="Governance", exact=True).wait_for(timeout=60_000)
    assert page.url.startswith(f"{app_url}/governance")


def test_a_viewer_typing_a_pmo_page_gets_the_overview_only(app_url, page):
    page.goto(f"{app_url}/governance")
    sign_in(page, "viewer")
    page.get_by_role("heading", name="Executive overview").wait_for(timeout=60_000)
    page.get_by_role("heading", name="Drift alerts for governance").wait_for(timeout=60_000)
    assert page.get_by_role("heading", name="Governance", exact=True).count() == 0
