"""A Streamlit session without a browser: what a browser tab sends and receives on the app's
WebSocket (``/_stcore/stream``, protobuf ``BackMsg`` / ``ForwardMsg``), nothing rendered.

bench/load.py uses it to load ONE server with many sessions while the load generator costs
almost no CPU (a headless Chromium tab costs 2-3x the server's CPU per page, and on one 2-CPU
machine 25 of them starve the server they are meant to measure). A page is *finished* when the
server says its run finished (``script_finished``) with the page's title drawn; an error is an
exception element, an error alert, or a run that did not finish within the timeout. What it
does not measure is the browser's own rendering: bench/load.py's browser sessions do.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED_OK = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
ERROR_FORMAT = 1  # Alert.Format.ERROR


@dataclass
class Run:
    """What one script run drew: titles, widgets by label, errors, and whether it finished."""

    titles: list[str] = field(default_factory=list)
    widgets: dict[str, str] = field(default_factory=dict)  # label -> widget id
    inputs: dict[str, object] = field(default_factory=dict)  # label -> the input's proto
    errors: list[str] = field(default_factory=list)
    finished: bool = False


class ProtocolSession:
    """One session on the app's WebSocket; ``open`` and ``sign_in`` return a finished Run."""

    def __init__(self, base_url: str, timeout_s: float = 60.0, ssl=None) -> None:
        self.base = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.ssl = ssl  # an ssl.SSLContext for https:// (e.g. a proxy's self-signed certificate)
        self.ws = None
        self.pages: dict[str, str] = {}  # page title -> page_script_hash (from the menu)
        self.page_hash = ""
        self.query = ""  # the tab's URL query string, sent with every rerun
        self.last = Run()  # the last finished run

    async def connect(self) -> Run:
        """Open the socket and run the app once, as a freshly loaded tab does."""
        uri = ("ws" + self.base.removeprefix("http")) + "/_stcore/stream"  # http->ws, https->wss
        extra = {"ssl": self.ssl} if uri.startswith("wss://") and self.ssl is not None else {}
        self.ws = await websockets.connect(uri, subprotocols=["streamlit"],
                                           origin=self.base, max_size=None, **extra)
        return await self._rerun([])

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def sign_in(self, username: str, password: str) -> Run:
        """Fill the login form and press Sign in; the run that shows the first page."""
        ids = self.last.widgets
        missing = [label for label in ("Username", "Password", "Sign in") if label not in ids]
        if missing:
            raise RuntimeError(f"no login form: {', '.join(missing)} not drawn")
        states = [WidgetState(id=ids["Username"], string_value=username),
                  WidgetState(id=ids["Password"], string_value=password),
                  WidgetState(id=ids["Sign in"], trigger_value=True)]
        return await self._rerun(states)

    async def open(self, title: str, query: str = "") -> Run:
        """Open a page of the menu, as a click in the sidebar does (``query``: as a link with
        these URL parameters does, e.g. ``project=PRJ-00001``)."""
        if title not in self.pages:
            raise RuntimeError(f"page {title!r} is not in this user's menu")
        self.page_hash, self.query = self.pages[title], query
        return await self._rerun([], page_hash=self.page_hash)

    async def rerun(self, states: list[WidgetState] = ()) -> Run:
        """Run the current page again with these widget states; none is what a tab sends when
        it never received the last run's widgets (that run was cut short by the next one)."""
        return await self._rerun(list(states))

    async def _rerun(self, states: list[WidgetState], page_hash: str | None = None) -> Run:
        msg = BackMsg()
        msg.rerun_script.query_string = self.query
        msg.rerun_script.page_script_hash = page_hash if page_hash is not None else self.page_hash
        msg.rerun_script.widget_states.widgets.extend(states)
        await self.ws.send(msg.SerializeToString())
        self.last = await asyncio.wait_for(self._until_finished(), self.timeout_s)
        return self.last

    async def _until_finished(self) -> Run:
        """Read messages until a run finishes successfully (a run cut short by st.rerun or by
        the cookie component is followed by the next one)."""
        run = Run()
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await self.ws.recv())
            kind = fwd.WhichOneof("type")
            if kind == "new_session":
                run = Run()
            elif kind == "navigation":
                self.pages = {p.page_name: p.page_script_hash for p in fwd.navigation.app_pages}
                self.page_hash = fwd.navigation.page_script_hash
            elif kind == "delta":
                _read_delta(fwd, run)
            elif kind == "script_finished":
                if fwd.script_finished == FINISHED_OK:
                    run.finished = True
                    return run
                run = Run()  # finished early for a rerun: the next run is the one shown


def _read_delta(fwd: ForwardMsg, run: Run) -> None:
    if fwd.delta.WhichOneof("type") != "new_element":
        return
    element = fwd.delta.new_element
    kind = element.WhichOneof("type")
    proto = getattr(element, kind)
    if hasattr(proto, "set_value") and getattr(proto, "label", ""):
        run.inputs[proto.label] = proto
    if kind == "heading":
        run.titles.append(element.heading.body)
    elif kind in ("text_input", "button"):
        widget = getattr(element, kind)
        run.widgets[widget.label] = widget.id
    elif kind == "exception":
        run.errors.append(f"{element.exception.type}: {element.exception.message}"[:300])
    elif kind == "alert" and element.alert.format == ERROR_FORMAT:
        run.errors.append(element.alert.body[:300])


async def timed_open(session: ProtocolSession, title: str) -> tuple[float, Run]:
    """(seconds from the request to the finished run, the run)."""
    started = time.perf_counter()
    run = await session.open(title)
    return time.perf_counter() - started, run


async def click_through(titles: list[str], deadline: list[float], pauses, visit) -> None:
    """A user's loop, for either kind of client: think, then ``await visit(i, title)`` for the
    next page of ``titles`` (menu order, from the second), until ``deadline[0]``."""
    i = 0
    while time.monotonic() < deadline[0]:
        i += 1
        await asyncio.sleep(min(next(pauses), max(0.0, deadline[0] - time.monotonic())))
        if time.monotonic() >= deadline[0]:
            return
        await visit(i, titles[i % len(titles)])


async def protocol_user(base: str, n: int, username: str, titles: list[str], *, arrive_s: float,
                        pauses, deadline: list[float], times: dict[str, list], errors: list[str],
                        signed_in: asyncio.Event, ready: list[int], timeout_s: float) -> None:
    """bench/load.py's user, on the WebSocket: arrive, sign in, then open the role's pages in
    menu order (the viewer, with one page, reopens it) until the deadline, thinking between."""
    session = ProtocolSession(base, timeout_s=timeout_s)
    try:
        await asyncio.sleep(arrive_s)
        await session.connect()
        first = await session.sign_in(username, f"{username}-demo-2026")
        if titles[0] not in first.titles:
            raise RuntimeError(f"signed in on {first.titles[:1]}, not {titles[0]}: "
                               f"{'; '.join(first.errors) or 'no error shown'}")
        ready.append(n)
        await signed_in.wait()  # every session is signed in before the clock starts

        async def visit(i: int, title: str) -> None:
            where = f"{username}#{n} {title}"
            try:
                seconds, run = await timed_open(session, title)
            except Exception as exc:  # a timeout or a dead socket: counted, then go on
                errors.append(f"{where}: {type(exc).__name__}: {exc}"[:300])
                return
            if title not in run.titles:
                errors.append(f"{where}: the page's title was not drawn")
            errors.extend(f"{where}: {e}" for e in run.errors)
            times.setdefault(title, []).append(seconds)

        await click_through(titles, deadline, pauses, visit)
    except Exception as exc:
        errors.append(f"{username}#{n} sign-in: {type(exc).__name__}: {exc}"[:300])
        ready.append(n)
    finally:
        await session.close()
