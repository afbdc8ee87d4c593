"""Issue 9 in a real browser: every role signs in to a rendered overview and a menu of its own
pages only; a click on a cell of the risk matrix drills down to that cell's risks."""

from __future__ import annotations

import re

import pytest

from components.access import PAGES, pages_for
from support.browser import settled, sign_in

pytestmark = pytest.mark.e2e

OVERVIEW_CHARTS = 3  # views/overview.py: fig_status, fig_health, fig_budget


def rendered_charts(page, at_least: int) -> None:
    """Wait until ``at_least`` plotly charts have drawn their plot area (not just their div)."""
    page.wait_for_function(
        "n => document.querySelectorAll('.js-plotly-plot .main-svg .cartesianlayer').length >= n",
        arg=at_least, timeout=60_000)


@pytest.mark.parametrize(("username", "role"), [
    ("exec", "executive"), ("pmo", "pmo"), ("head", "executive"), ("manager", "manager"),
    ("viewer", "viewer")])
def test_each_role_sees_the_rendered_overview_and_only_its_pages(app_url, page, username, role):
    page.goto(app_url)
    sign_in(page, username)
    page.get_by_role("heading", name="Executive overview").wait_for(timeout=60_000)
    rendered_charts(page, OVERVIEW_CHARTS)
    settled(page)

    values = page.locator("[data-testid=stMetric] [data-testid=stMetricValue]")
    assert values.count() >= 1
    assert all(v.strip() for v in values.all_inner_texts()), values.all_inner_texts()
    assert page.locator(".js-plotly-plot").count() >= OVERVIEW_CHARTS

    allowed = [spec.title for spec in pages_for(role)]
    nav = page.get_by_test_id("stSidebarNav")
    if len(allowed) > 1:
        nav.wait_for(timeout=60_000)
        links = nav.get_by_test_id("stSidebarNavLink").all_inner_texts()
        shown = [t.strip().splitlines()[-1].strip() for t in links]  # after the icon's name
        assert shown == allowed
    else:  # one page: Streamlit draws no menu at all
        assert nav.count() == 0
    sidebar_links = page.get_by_test_id("stSidebar").get_by_role("link")
    shown_anywhere = " ".join(sidebar_links.all_inner_texts())
    for spec in PAGES:
        if spec.title not in allowed:
            assert spec.title not in shown_anywhere, f"{role} sees a link to {spec.title}"
    assert page.locator("[data-testid=stException]").count() == 0


def test_a_click_on_a_risk_matrix_cell_lists_its_risks_and_lands_in_the_url(app_url, page):
    page.goto(f"{app_url}/risks")
    sign_in(page, "pmo")
    page.get_by_role("heading", name="Risk heatmap").wait_for(timeout=60_000)
    rendered_charts(page, 1)
    settled(page)
    assert "cell=" not in page.url
    heading = page.get_by_role("heading", name=re.compile(r"^Risks at probability"))
    assert heading.count() == 0

    # The matrix is the chart holding a heatmap; a transparent "cells" marker sits on every cell
    # (heatmaps emit no selection). plotly's points take no mouse events, so, like a user's, the
    # click goes to plotly's drag layer at the marker's centre, which selects the trace point
    # that plotly's hover found there (clickmode "event+select" -> plotly_selected -> rerun).
    # A box select is no way round: Streamlit drops box selections when selection_mode is
    # "points" only, and the axes are fixed (dragmode pan).
    matrix = page.locator(".js-plotly-plot").filter(has=page.locator(".heatmaplayer .hm"))
    points = matrix.locator(".scatterlayer .point")
    assert points.count() == 25
    box = points.nth(7).bounding_box()   # the 8th marker: probability 2, impact 3
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(300)           # let plotly's (throttled) hover find the point
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    heading.wait_for(timeout=60_000)
    text = heading.inner_text()
    found = re.fullmatch(r"Risks at probability ([1-5]) × impact ([1-5])", text.strip())
    assert found, text
    p, i = found.groups()
    page.wait_for_url(re.compile(rf"[?&]cell={p}-{i}(&|$)"), timeout=60_000)
    assert (p, i) == ("2", "3")
    assert page.locator("[data-testid=stException]").count() == 0
