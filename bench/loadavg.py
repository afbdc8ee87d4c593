"""The machine's load average, printed and stored beside every benchmark figure.

On a shared machine a figure means little without the load it was measured under: every
script in bench/ prints ``line()`` when it starts and ends and beside each result table, and
stores ``snapshot()`` in its JSON.
"""

from __future__ import annotations

import datetime as dt
import os


def cpus() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def snapshot() -> dict:
    """The 1, 5 and 15 minute load averages (os.getloadavg), the CPUs, and when (UTC)."""
    one, five, fifteen = os.getloadavg()
    return {"at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "load_1m": round(one, 2), "load_5m": round(five, 2), "load_15m": round(fifteen, 2),
            "cpus": cpus()}


def line(label: str = "", snap: dict | None = None) -> str:
    """'label: load average (1/5/15 min) 1.07 / 0.47 / 0.19 on 2 CPUs at 14:17:55 UTC'."""
    snap = snap or snapshot()
    at = snap["at"][11:19]
    text = (f"load average (1/5/15 min) {snap['load_1m']:.2f} / {snap['load_5m']:.2f} / "
            f"{snap['load_15m']:.2f} on {snap['cpus']} CPUs at {at} UTC")
    return f"{label}: {text}" if label else text


def span(*snaps: dict) -> str:
    """The range of the 1-minute load average over ``snaps``: '3.10-4.25' (or one value)."""
    values = [s["load_1m"] for s in snaps]
    low, high = min(values), max(values)
    return f"{low:.2f}" if low == high else f"{low:.2f}-{high:.2f}"
