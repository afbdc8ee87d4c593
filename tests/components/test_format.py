import datetime as dt

import pytest

from components import format as f


@pytest.mark.parametrize(("value", "compact", "expected"), [
    (1234567.8, False, "€1,234,568"),
    (0.0, False, "€0"),
    (-2500.0, False, "-€2,500"),
    (1_250_000.0, True, "€1.2M"),
    (3_400_000_000.0, True, "€3.4bn"),
    (12_500.0, True, "€12.5k"),
    (999.0, True, "€999"),
    (None, False, "—"),
    (float("nan"), False, "—"),
    (float("inf"), True, "—"),
])
def test_money(value, compact, expected):
    assert f.money(value, "€", compact=compact) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (dt.date(2026, 3, 4), "4 Mar 2026"),   # never 03/04/2026
    (dt.date(2026, 12, 31), "31 Dec 2026"),
    (None, "—"),
])
def test_date_is_unambiguous(value, expected):
    assert f.date(value) == expected


@pytest.mark.parametrize(("value", "expected"), [(0.8234, "0.82"), (1.0, "1.00"), (None, "—")])
def test_ratio(value, expected):
    assert f.ratio(value) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("<script>alert(1)</script>", "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"),
    ("[click](javascript:alert(1))", "\\[click\\]\\(javascript\\:alert\\(1\\)\\)"),
    ("**bold** _it_", "\\*\\*bold\\*\\* \\_it\\_"),
    ("Plain name", "Plain name"),
])
def test_md_escape_neutralises_markup(text, expected):
    assert f.md_escape(text) == expected


def test_label_escape_neutralises_html():
    assert f.label_escape('<b onmouseover="x">A&B</b>') == "&lt;b onmouseover=&quot;x&quot;&gt;A&amp;B&lt;/b&gt;"
