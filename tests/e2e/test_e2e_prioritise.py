"""The prioritisation page in a real browser: a slider changes the selection and the link, and
the link opened by another user in a fresh browser reproduces the scenario."""

from __future__ import annotations

import re

import pytest

from support.browser import settled, sign_in
from support.servers import seed_demo, start_app

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """This module's own server and database: the worker's shared server has served other
    tests' sessions by now, and this test reads the default weights and budget of a fresh demo."""
    tmp = tmp_path_factory.mktemp("prioritise-e2e")
    url = f"sqlite:///{tmp / 'demo.db'}"
    seed_demo(url)
    app = start_app(url, log=tmp / "app.log")
    try:
        yield app.url
    finally:
        app.stop()


def metric(page, label: str) -> str:
    block = page.get_by_test_id("stMetric").filter(has_text=label)
    return block.get_by_test_id("stMetricValue").inner_text()


def test_a_slider_changes_the_selection_and_the_shared_link_reproduces_it(app_url, page, browser):
    page.goto(f"{app_url}/prioritise")
    sign_in(page, "pmo")
    page.get_by_role("heading", name="What-if prioritisation").wait_for(timeout=120_000)
    page.wait_for_url(re.compile(r"w_financial=25"), timeout=120_000)   # slow when CI is busy
    settled(page)
    before = metric(page, "Total score")
    slider = page.get_by_role("slider").nth(1)          # the sidebar's second: financial value
    for value in range(30, 70, 5):                      # 25 -> 65 in steps of 5, as a user
        slider.focus()                                  # watching each step: one run a step
        slider.press("ArrowRight")
        page.wait_for_url(re.compile(rf"w_financial={value}&"), timeout=60_000)
    page.wait_for_function(
        "before => [...document.querySelectorAll('[data-testid=stMetric]')].some("
        "m => m.innerText.includes('Total score') && !m.innerText.includes(before))",
        arg=before, timeout=60_000)
    settled(page)                                       # the last key press's run, not an earlier one
    after = metric(page, "Total score")
    settled(page)
    assert metric(page, "Total score") == after         # stable: no run was still on its way
    link = page.url
    assert after != before

    other = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        second = other.new_page()
        second.goto(link)
        sign_in(second, "exec")
        second.get_by_role("heading", name="What-if prioritisation").wait_for(timeout=60_000)
        second.get_by_test_id("stMetric").filter(has_text="Total score").wait_for(timeout=60_000)
        settled(second)
        assert "w_financial=65" in second.url
        second.wait_for_function(                       # the same scenario, the same total
            "after => [...document.querySelectorAll('[data-testid=stMetric]')].some("
            "m => m.innerText.includes('Total score') && m.innerText.includes(after))",
            arg=after, timeout=60_000)
    finally:
        other.close()
