"""Display formatting: money with thousands separators, unambiguous dates, ratios, escaping."""

from __future__ import annotations

import datetime as dt
import html
import math
import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def money(value: float | None, symbol: str = "€", *, compact: bool = False) -> str:
    """1234567.8 -> '€1,234,568' (or '€1.2M' when compact); None -> '—'."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    sign = "-" if value < 0 else ""
    v = abs(value)
    if compact:
        for limit, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
            if v >= limit:
                return f"{sign}{symbol}{v / limit:,.1f}{suffix}"
    return f"{sign}{symbol}{v:,.0f}"


def ratio(value: float | None, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return f"{value:.{digits}f}"


def percent(value: float | None, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return f"{value:.{digits}f}%"


def date(value: dt.date | None) -> str:
    """ISO-like and unambiguous: 2026-03-04 -> '4 Mar 2026'."""
    return "—" if value is None else f"{value.day} {value:%b %Y}"


def md_escape(text: object) -> str:
    """Text that markdown renders literally (no links, emphasis or HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


def label_escape(text: object) -> str:
    """Text safe inside a plotly label (plotly renders a subset of HTML)."""
    return html.escape(str(text), quote=True)
