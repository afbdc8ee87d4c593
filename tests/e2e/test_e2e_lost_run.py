"""In Chromium: a shared what-if link keeps its weights when the browser never receives the run
that first draws the sliders.

This is how the prioritisation test failed in CI (a run cut short by the next rerun loses the
messages not yet sent). Here the loss is made to happen: the page's WebSocket is routed through
the test, which drops the slider elements of the first run that draws them. The browser then
mounts the sliders from the next run. Before the fix they came from their default, the minimum,
and the browser sent the minimum back: every weight 0, so the link showed the default weights.
"""

from __future__ import annotations

import re

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from support.browser import settled, sign_in

pytestmark = pytest.mark.e2e

LINK = ("/prioritise?w_alignment=30&w_financial=65&w_risk=15&w_urgency=15&w_compliance=15"
        "&budget=22500000&ybudget=&years=2&cap=100&ponr=50&in=&out=&excl=&limit=1")


class DropFirstSliders:
    """Relays the app's WebSocket; from the first slider element on, the rest of that run is
    dropped (its end excepted), as when the server clears a cut-short run's unsent messages."""

    def __init__(self) -> None:
        self.state = "waiting"        # -> "dropping" (the rest of that run) -> "done"
        self.dropped = 0

    def __call__(self, ws) -> None:
        server = ws.connect_to_server()
        ws.on_message(server.send)
        server.on_message(lambda message: self._relay(ws, message))

    def _relay(self, ws, message) -> None:
        if isinstance(message, (bytes, bytearray)) and self.state != "done":
            fwd = ForwardMsg()
            fwd.ParseFromString(bytes(message))
            kind = fwd.WhichOneof("type")
            if (self.state == "waiting" and kind == "delta"
                    and fwd.delta.WhichOneof("type") == "new_element"
                    and fwd.delta.new_element.WhichOneof("type") == "slider"):
                self.state = "dropping"
            if self.state == "dropping":
                if kind != "script_finished":
                    self.dropped += 1
                    return
                self.state = "done"
        ws.send(message)


def slider_value(page, name: str) -> str:
    return page.get_by_role("slider", name=name).input_value()


def rerun(page) -> None:
    """Streamlit's own shortcut (R) reruns the page with the browser's widget states."""
    page.get_by_role("heading", name="What-if prioritisation").click()   # focus off any input
    page.keyboard.press("r")
    settled(page)


def test_a_link_keeps_its_weights_when_the_first_sliders_never_reach_the_browser(app_url,
                                                                                 browser):
    relay = DropFirstSliders()
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.route_web_socket(re.compile(r".*/_stcore/stream"), relay)
        page.goto(app_url + LINK)
        sign_in(page, "exec")
        page.get_by_role("heading", name="What-if prioritisation").wait_for(timeout=60_000)
        settled(page)
        assert relay.state == "done" and relay.dropped > 7   # 5 weights, capacity, PONR...
        if not page.get_by_role("slider", name="Financial value").count():
            rerun(page)                                     # the run that draws them again
        page.get_by_role("slider", name="Financial value").wait_for(timeout=60_000)
        rerun(page)                                         # sends what the browser shows
        assert slider_value(page, "Financial value") == "65"
        assert slider_value(page, "Capacity that may be planned (%)") == "100"
        assert slider_value(page, "Point of no return (% complete)") == "50"
        assert "w_financial=65&" in page.url and "&cap=100&ponr=50&" in page.url
    finally:
        context.close()
