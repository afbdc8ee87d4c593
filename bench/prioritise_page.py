"""Benchmark part: the whole prioritisation page's rerun after a slider move, at the demo scale,
beside the rerun of a trivial streamlit page (one slider and a line of text) measured in the same
run. Both are driven by Streamlit's AppTest in this process (script execution and element
serialisation; no browser, no websocket): the ratio is what the page adds to Streamlit's own
cost. Every move sets a weight never used before, so each rerun misses the cache and recomputes
the scores, both selections and the frontier. The moves are interleaved (one page rerun, then
one trivial rerun, in turn), so that both see the same machine load; the load average is taken
before each pair and after the last.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRIVIAL = """
import streamlit as st
value = st.slider("weight", 0, 100, 30, step=1, key="w")
st.write(f"weight {value}")
"""


def _timed_move(at, key: str, value: int) -> float:
    at.slider(key=key).set_value(value)
    started = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - started
    if at.exception:
        raise RuntimeError(f"the page failed: {at.exception}")
    return seconds


def _timed_moves(at, key: str, values: list[int]) -> list[float]:
    return [_timed_move(at, key, value) for value in values]


def page_rows(moves: int = 7, seed: int = 42) -> dict:
    """Median (and all) rerun seconds of the page and of the trivial page, same process."""
    sys.path.insert(0, str(ROOT / "tests"))
    from streamlit.testing.v1 import AppTest

    from data_access.bulk import seed_database
    from data_access.demo_accounts import ensure_demo_accounts
    from data_access.engine import create_pmo_engine, dispose_engines
    from data_access.migrate import upgrade
    from data_access.settings import get_settings
    from support.apptest import COOKIE_KEY, run_page

    try:
        from bench import loadavg
    except ImportError:  # bench/ itself on sys.path
        import loadavg

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = create_pmo_engine(url)
        upgrade(engine)
        seed_database(engine, scale="demo", seed=seed, today=dt.date.today())
        ensure_demo_accounts(engine)
        engine.dispose()
        os.environ.update(PMO_DATABASE_URL=url, PMO_COOKIE_KEY=COOKIE_KEY)
        get_settings.cache_clear()
        values = [40 + 5 * i % 60 + i for i in range(moves)]       # distinct: every move misses
        page = run_page("prioritise", url, "pmo")
        if page.exception or page.error:
            raise RuntimeError(f"the page did not open: {page.exception or page.error[0].value}")
        trivial = AppTest.from_string(TRIVIAL, default_timeout=30).run()
        _timed_moves(page, "pw_financial", [7])                   # warm-up
        _timed_moves(trivial, "w", [7])
        page_times, trivial_times, loads = [], [], []
        for value in values:                                      # interleaved
            loads.append(loadavg.snapshot())
            page_times.append(_timed_move(page, "pw_financial", value))
            trivial_times.append(_timed_move(trivial, "w", value))
        loads.append(loadavg.snapshot())
        dispose_engines()
    return dict(moves=moves, page_median_s=statistics.median(page_times),
                trivial_median_s=statistics.median(trivial_times),
                ratio=statistics.median(page_times) / statistics.median(trivial_times),
                page_s=page_times, trivial_s=trivial_times, load_average=loads,
                load_1m_range=loadavg.span(*loads))


def markdown(row: dict) -> str:
    return ("| page rerun after a slider move (demo) | trivial page rerun | ratio "
            "| load avg 1 min |\n"
            "|---:|---:|---:|---:|\n"
            f"| {row['page_median_s'] * 1000:.0f} ms | {row['trivial_median_s'] * 1000:.1f} ms | "
            f"{row['ratio']:.0f}× | {row['load_1m_range']} |")
