"""A run the browser never receives must not change what the page's inputs show.

When a run is cut short by the next one (a rerun request from the sign-in cookie's component,
a second click), Streamlit drops the messages of the first run that were not sent yet. A tab
that never received an input's element sends no state for it in the next rerun, and mounts it
from that rerun's element: if the element carried only its default, the tab showed the
default (a slider at its minimum) and sent it back with its next rerun, replacing the value
the page had set. That is how the what-if page's link once lost its weights in CI.

The session below plays such a tab on the WebSocket: it lets the page run, then reruns it
sending no widget state, and checks that every input would show the same value as before.
"""

from __future__ import annotations

import asyncio

import pytest

from bench.load_protocol import ProtocolSession
from components.access import pages_for

pytestmark = pytest.mark.e2e


def shown(proto) -> object:
    """What a tab mounting this input element shows: the value it carries, else its default."""
    if type(proto).__name__ == "Selectbox":
        if proto.set_value and proto.raw_value:
            return proto.raw_value
        if not proto.HasField("default"):          # index=None: the placeholder
            return ""
        return proto.options[proto.default]
    if proto.set_value:
        value = proto.raw_values if hasattr(proto, "raw_values") else proto.value
    else:
        value = proto.default
    return list(value) if hasattr(value, "__len__") and not isinstance(value, str) else value


async def _runs(base: str, username: str, title: str, *, via: str | None = None,
                query: str = ""):
    """The page's run, then a rerun from a tab that never received it (or, with ``via``, the
    page opened again after a visit to the page ``via``)."""
    session = ProtocolSession(base)
    try:
        await session.connect()
        await session.sign_in(username, f"{username}-demo-2026")
        first = await session.open(title, query)
        if via is None:
            again = await session.rerun([])   # the tab never got ``first``: no widget state
        else:
            await session.open(via)
            again = await session.open(title, query)
        return first, again
    finally:
        await session.close()


def _same_inputs(first, again, title: str) -> dict:
    """The inputs to which the page gave a value show it again (the others show their default)."""
    assert title in first.titles and title in again.titles
    assert set(again.inputs) == set(first.inputs)
    before = {label: shown(proto) for label, proto in first.inputs.items() if proto.set_value}
    assert {label: shown(again.inputs[label]) for label in before} == before
    return before


@pytest.mark.parametrize("title", [spec.title for spec in pages_for("pmo")])
def test_every_pmo_page_shows_the_same_inputs_after_a_run_the_browser_never_received(
        app_url, title):
    _same_inputs(*asyncio.run(_runs(app_url, "pmo", title)), title)


@pytest.mark.parametrize(("username", "title", "seeded"), [
    ("pmo", "What-if prioritisation",
     {"Capacity that may be planned (%)": [100.0], "Point of no return (% complete)": [50.0]}),
    ("exec", "What-if prioritisation", {"Capacity that may be planned (%)": [100.0]}),
    ("pmo", "Method standards", {"spi: red": 0.9}),
])
def test_seeded_inputs_keep_their_values_not_their_minimum(app_url, username, title, seeded):
    before = _same_inputs(*asyncio.run(_runs(app_url, username, title)), title)
    assert {label: before[label] for label in seeded} == seeded


@pytest.mark.parametrize("title", ["What-if prioritisation", "Method standards"])
def test_inputs_are_kept_when_the_user_comes_back_from_another_page(app_url, title):
    _same_inputs(*asyncio.run(_runs(app_url, "pmo", title, via="Executive overview")), title)


@pytest.mark.parametrize(("title", "query", "linked_input"), [
    ("Status report", "project=PRJ-00001", "% complete"),       # the project's report form
    ("Gate review", "project=PRJ-00001", "Decided on"),         # the project's gate decision
    ("Project", "project=PRJ-00001", "Project (code)"),
    ("Strategic alignment", "focus_project=PRJ-00001", "Project"),
    ("Risk heatmap", "cell=2-3", "Cell (probability-impact)"),
    ("Portfolio", "status=active", "Status"),                   # a URL-bound filter
])
def test_a_linked_view_keeps_its_inputs_after_a_run_the_browser_never_received(
        app_url, title, query, linked_input):
    first, again = asyncio.run(_runs(app_url, "pmo", title, query=query))
    assert linked_input in first.inputs, sorted(first.inputs)
    before = _same_inputs(first, again, title)
    assert linked_input in before          # the link (or the record it opens) gave it a value
