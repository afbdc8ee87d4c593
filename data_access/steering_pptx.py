"""The steering-committee pack as an editable PowerPoint file (python-pptx, native charts).

Slides: title (status date, scope), portfolio summary (KPIs + BAC / EAC per department chart),
health (doughnut), top risks (table + score chart), drift alerts, decisions needed, projects in
trouble, then one slide per project in trouble (KPIs, health per dimension, alerts, overdue
gates, an earned-value chart). Every text is plain text in the file (nothing is interpreted);
characters XML cannot hold are removed and very long texts cut.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import polars as pl
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.util import Inches, Pt

from data_access.exports import xml_text

if TYPE_CHECKING:  # the pack's content is computed by analytics.steering; only its type here
    from analytics.steering import SteeringPack

PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
MAX_TEXT = 400
MAX_TABLE_ROWS = 10
MAX_PAGES = 5
RAG_RGB = {"green": RGBColor(0x2E, 0x7D, 0x32), "amber": RGBColor(0xF9, 0xA8, 0x25),
           "red": RGBColor(0xC6, 0x28, 0x28), "not assessed": RGBColor(0x9E, 0x9E, 0x9E)}
NAVY = RGBColor(0x1F, 0x4E, 0x79)
_TITLE, _TITLE_ONLY = 0, 5
_W, _H = Inches(13.333), Inches(7.5)
_LEFT, _TOP = Inches(0.5), Inches(1.4)


def text(value: object, limit: int = MAX_TEXT) -> str:
    """Plain text a slide can hold: XML-illegal characters removed, cut at ``limit``."""
    if value is None:
        return "—"
    out = xml_text(str(value))
    return out if len(out) <= limit else out[:limit - 1] + "…"


def money(value: float | None, symbol: str) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    sign = "-" if value < 0 else ""
    v = abs(value)
    for limit, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if v >= limit:
            return f"{sign}{symbol}{v / limit:,.1f}{suffix}"
    return f"{sign}{symbol}{v:,.0f}"


def ratio(value: float | None) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return f"{value:.2f}"


def scope_label(role: str, department_ids: frozenset[int], departments: pl.DataFrame) -> str:
    """Whose projects an export covers: 'All projects', 'Departments: Finance, IT' or, for a
    manager, 'Projects they manage' (plus their departments)."""
    names = sorted(departments.filter(pl.col("id").is_in(sorted(department_ids)))["name"]
                   .to_list()) if department_ids else []
    depts = f"Departments: {', '.join(names)}" if names else ""
    if role == "manager":
        return "Projects they manage" + (f" and {depts}" if depts else "")
    return depts or ("All projects" if not department_ids else "No department")


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


class _Deck:
    """A 16:9 presentation and the few slide shapes the pack uses."""

    def __init__(self) -> None:
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = _W, _H

    def slide(self, title: str):
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[_TITLE_ONLY])
        slide.shapes.title.text = text(title, 120)
        slide.shapes.title.left, slide.shapes.title.top = _LEFT, Inches(0.3)
        slide.shapes.title.width, slide.shapes.title.height = _W - 2 * _LEFT, Inches(0.9)
        slide.shapes.title.text_frame.paragraphs[0].font.size = Pt(30)
        return slide

    def bullets(self, slide, lines: Sequence[str | tuple[str, RGBColor | None]], *, left=_LEFT,
                top=_TOP, width=Inches(6), height=Inches(5.5), size: int = 14) -> None:
        box = slide.shapes.add_textbox(left, top, width, height)
        frame = box.text_frame
        frame.word_wrap = True
        for i, line in enumerate(lines):
            content, colour = line if isinstance(line, tuple) else (line, None)
            paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            paragraph.text = text(content, 220)
            paragraph.font.size = Pt(size)
            if colour is not None:
                paragraph.font.color.rgb = colour

    def table(self, slide, header: Sequence[str], rows: Sequence[Sequence[str]], *,
              widths: Sequence[float], top=_TOP, more: int = 0, size: int = 11,
              colour: Callable[[int, int, str], RGBColor | None] | None = None) -> None:
        """A table of at most MAX_TABLE_ROWS rows (plus a note of the rows left out)."""
        shown = list(rows)[:MAX_TABLE_ROWS]
        more += len(rows) - len(shown)
        shape = slide.shapes.add_table(len(shown) + 1, len(header), _LEFT, top,
                                       Inches(sum(widths)), Inches(0.4 * (len(shown) + 1)))
        table = shape.table
        for c, width in enumerate(widths):
            table.columns[c].width = Inches(width)
        for r, values in enumerate([list(header), *shown]):
            for c, value in enumerate(values):
                cell = table.cell(r, c)
                cell.text = text(value, 160)
                font = cell.text_frame.paragraphs[0].font
                font.size = Pt(size)
                if r and colour is not None and (rgb := colour(r - 1, c, value)) is not None:
                    font.color.rgb, font.bold = rgb, True
        if more:
            self.bullets(slide, [f"… and {more:,} more (see the KPI export)"],
                         top=top + Inches(0.4 * (len(shown) + 1)) + Inches(0.1),
                         height=Inches(0.5), size=12)

    def chart(self, slide, kind, categories: Sequence[str], series: dict[str, Sequence],
              *, left, top, width, height, title: str, legend: bool = True,
              colours: Sequence[RGBColor] | None = None):
        data = CategoryChartData()
        data.categories = [text(c, 60) for c in categories]
        for name, values in series.items():
            data.add_series(name, [_finite(v) for v in values])
        chart = slide.shapes.add_chart(kind, left, top, width, height, data).chart
        chart.has_title = True
        chart.chart_title.text_frame.text = text(title, 120)
        chart.has_legend = legend
        if legend:
            chart.legend.position = XL_LEGEND_POSITION.BOTTOM
            chart.legend.include_in_layout = False
        if colours:
            plot = chart.plots[0]
            if kind == XL_CHART_TYPE.DOUGHNUT:
                for point, rgb in zip(plot.series[0].points, colours):
                    point.format.fill.solid()
                    point.format.fill.fore_color.rgb = rgb
            else:
                for one, rgb in zip(plot.series, colours):
                    one.format.fill.solid()
                    one.format.fill.fore_color.rgb = rgb
        return chart

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.prs.save(buffer)
        return buffer.getvalue()


def _paged(deck: _Deck, title: str, header: Sequence[str], rows: Sequence[Sequence[str]], *,
           widths: Sequence[float], more: int = 0, size: int = 10,
           colour: Callable[[int, int, str], RGBColor | None] | None = None) -> None:
    """``rows`` as tables of MAX_TABLE_ROWS rows over at most MAX_PAGES slides ("title (2/3)")."""
    pages = [rows[i:i + MAX_TABLE_ROWS] for i in range(0, len(rows), MAX_TABLE_ROWS)][:MAX_PAGES]
    left_out = more + len(rows) - sum(len(p) for p in pages)
    for n, page in enumerate(pages, start=1):
        slide = deck.slide(title if len(pages) == 1 else f"{title} ({n}/{len(pages)})")
        deck.table(slide, header, page, widths=widths, size=size, colour=colour,
                   more=left_out if n == len(pages) else 0)


def _title_slide(deck: _Deck, pack: SteeringPack, scope: str, generated: dt.datetime) -> None:
    slide = deck.prs.slides.add_slide(deck.prs.slide_layouts[_TITLE])
    slide.shapes.title.text = "Steering committee"
    slide.placeholders[1].text = text(
        f"Status date {pack.as_of:%d %b %Y} · {scope}\nGenerated {generated:%Y-%m-%d %H:%M} UTC")
    for shape in (slide.shapes.title, slide.placeholders[1]):
        shape.left, shape.width = _LEFT, _W - 2 * _LEFT


def _summary_slide(deck: _Deck, pack: SteeringPack, symbol: str) -> None:
    s = pack.summary.row(0, named=True)
    done = "—" if s["percent_complete"] is None else f"{s['percent_complete']:.0f}%"
    slide = deck.slide("Portfolio summary")
    deck.bullets(slide, [
        f"{s['projects']:,} projects, {s['active']:,} active",
        f"Budget (BAC) {money(s['bac'], symbol)} · actual cost {money(s['ac'], symbol)}",
        f"Forecast (EAC) {money(s['eac'], symbol)} · variance at completion "
        f"{money(s['vac'], symbol)}",
        f"CPI {ratio(s['cpi'])} · SPI {ratio(s['spi'])} · {done} complete",
        (f"Health: {s['red']} red, {s['amber']} amber, {s['green']} green, "
         f"{s['not_assessed']} not assessed", RAG_RGB["red"] if s["red"] else None),
        f"{s['open_risks']:,} open risks · {s['drift_alerts']:,} drift alerts "
        f"({s['red_alerts']:,} red) · {s['overdue_gates']:,} overdue gates",
        f"{pack.decisions.height:,} decisions needed",
    ], width=Inches(5.6))
    departments = pack.departments.head(12)
    if departments.height:
        deck.chart(slide, XL_CHART_TYPE.COLUMN_CLUSTERED, departments["department"].to_list(),
                   {"Budget (BAC)": departments["bac"].to_list(),
                    "Forecast (EAC)": departments["eac"].to_list()},
                   left=Inches(6.4), top=_TOP, width=Inches(6.4), height=Inches(5.4),
                   title=f"Budget and forecast per department ({symbol})",
                   colours=[RGBColor(0x90, 0xA4, 0xAE), RGBColor(0xEF, 0x6C, 0x00)])


def _health_slide(deck: _Deck, pack: SteeringPack) -> None:
    slide = deck.slide("Health")
    counts = dict(zip(pack.health["overall_rag"].to_list(), pack.health["projects"].to_list()))
    labels = [k for k in ("red", "amber", "green", "not assessed") if counts.get(k)]
    if labels:
        deck.chart(slide, XL_CHART_TYPE.DOUGHNUT, labels, {"Projects": [counts[k] for k in labels]},
                   left=Inches(6.4), top=_TOP, width=Inches(6.4), height=Inches(5.4),
                   title="Projects by overall health", colours=[RAG_RGB[k] for k in labels])
    deck.bullets(slide, [(f"{k.capitalize()}: {counts.get(k, 0):,} projects", RAG_RGB[k])
                         for k in ("red", "amber", "green", "not assessed")]
                 + ["Overall health is the worst of cost, schedule, risk, scope and quality."],
                 width=Inches(5.6), size=16)


def _risks_slide(deck: _Deck, pack: SteeringPack, symbol: str) -> None:
    slide = deck.slide("Top risks")
    risks = pack.top_risks
    if risks.is_empty():
        deck.bullets(slide, ["No open risk."])
        return
    rows = [(r["project_code"], r["title"], str(r["probability"]), str(r["impact"]),
             str(r["score"]), money(r["money_exposure"], symbol), r["owner"] or "—")
            for r in risks.iter_rows(named=True)]
    deck.table(slide, ["Project", "Risk", "P", "I", "Score", "Exposure", "Owner"], rows[:10],
               widths=[1.3, 3.6, 0.4, 0.4, 0.7, 1.1, 1.4], size=10)
    top = risks.head(10)
    deck.chart(slide, XL_CHART_TYPE.BAR_CLUSTERED,
               [f"{r['project_code']}: {r['title']}"[:40] for r in top.iter_rows(named=True)],
               {"Score (P × I)": top["score"].to_list()}, left=Inches(9.5), top=_TOP,
               width=Inches(3.4), height=Inches(5.4), title="Scores", legend=False,
               colours=[RAG_RGB["red"]])


def _alerts_slide(deck: _Deck, pack: SteeringPack) -> None:
    if pack.alerts.is_empty():
        deck.bullets(deck.slide("Drift alerts"), ["No drift alert."])
        return
    rows = [(a["code"], a["alert"].replace("_", " "), a["severity"], a["evidence"])
            for a in pack.alerts.iter_rows(named=True)]
    _paged(deck, "Drift alerts", ["Project", "Alert", "Severity", "Evidence"], rows,
           widths=[1.4, 1.9, 1.0, 8.0], more=max(pack.summary["drift_alerts"][0] - len(rows), 0),
           colour=lambda r, c, v: RAG_RGB.get(v) if c == 2 else None)


def _decisions_slide(deck: _Deck, pack: SteeringPack) -> None:
    if pack.decisions.is_empty():
        deck.bullets(deck.slide("Decisions needed"), ["No decision needed."])
        return
    rows = [(d["code"], d["subject"], d["detail"], d["ask"])
            for d in pack.decisions.iter_rows(named=True)]
    _paged(deck, "Decisions needed", ["Project", "Subject", "Detail", "Decision asked"], rows,
           widths=[1.3, 2.6, 5.4, 3.0])


def _trouble_slide(deck: _Deck, pack: SteeringPack, symbol: str) -> None:
    if pack.in_trouble.is_empty():
        deck.bullets(deck.slide("Projects in trouble"), ["No project is red overall."])
        return
    rows = [(p["code"], p["name"], p["department"] or "—", money(p["bac"], symbol),
             money(p["eac"], symbol), ratio(p["cpi"]), ratio(p["spi_t"]))
            for p in pack.in_trouble.iter_rows(named=True)]
    _paged(deck, "Projects in trouble",
           ["Code", "Project", "Department", "BAC", "EAC", "CPI", "SPI(t)"], rows,
           widths=[1.3, 4.2, 2.6, 1.2, 1.2, 0.8, 0.9], more=pack.more_in_trouble)


def _project_slide(deck: _Deck, pack: SteeringPack, p: dict, symbol: str) -> None:
    slide = deck.slide(f"{p['code']} — {p['name']}")
    lines: list[str | tuple[str, RGBColor | None]] = [
        f"{p['department'] or '—'} · manager {p['manager'] or '—'} · phase "
        f"{(p['phase'] or '—').replace('_', ' ')} · {(p['status'] or '—').replace('_', ' ')}",
        f"BAC {money(p['bac'], symbol)} · EAC {money(p['eac'], symbol)} · VAC "
        f"{money(p['vac'], symbol)} · CPI {ratio(p['cpi'])} · SPI {ratio(p['spi'])} · SPI(t) "
        f"{ratio(p['spi_t'])}",
    ]
    for dimension in ("cost", "schedule", "risk", "scope", "quality"):
        rag = p[f"{dimension}_rag"]
        lines.append((f"{dimension.capitalize()}: {rag or 'not assessed'} — "
                      f"{p[f'{dimension}_reason'] or 'no data'}",
                      RAG_RGB.get(rag or "not assessed")))
    alerts = pack.project_alerts.filter(pl.col("project_id") == p["project_id"])
    lines += [f"Alert: {a['evidence']}" for a in alerts.iter_rows(named=True)][:4]
    gates = pack.project_gates.filter(pl.col("project_id") == p["project_id"])
    lines += [f"Overdue gate: {g['gate']} ({g['days_overdue']} days)"
              for g in gates.iter_rows(named=True)][:3]
    deck.bullets(slide, lines, width=Inches(7.4), size=12)
    deck.chart(slide, XL_CHART_TYPE.COLUMN_CLUSTERED, ["PV", "EV", "AC", "BAC", "EAC"],
               {symbol: [p["pv"], p["ev"], p["ac"], p["bac"], p["eac"]]},
               left=Inches(8.2), top=_TOP, width=Inches(4.6), height=Inches(5.0),
               title=f"Earned value ({symbol})", legend=False, colours=[NAVY])


def _actions_slide(deck: _Deck, pack: SteeringPack) -> None:
    late = pack.overdue_actions
    if late.is_empty():
        deck.bullets(deck.slide("Overdue corrective actions"), ["No corrective action is overdue."])
        return
    rows = [(a["project_code"], a["title"], a["owner"] or "", a["due_date"].isoformat(),
             str(a["days_overdue"])) for a in late.iter_rows(named=True)]
    _paged(deck, "Overdue corrective actions", ["Project", "Action", "Owner", "Due", "Days late"],
           rows, widths=[1.3, 5.6, 2.2, 1.6, 1.2])


def pack_bytes(pack: SteeringPack, *, scope: str, currency_symbol: str = "€",
               generated: dt.datetime | None = None,
               progress: Callable[[str], None] | None = None) -> bytes:
    """The .pptx file of ``pack`` (bytes). ``scope`` says whose projects it covers; ``progress``
    is told each section as it is written."""
    generated = generated or dt.datetime.now(dt.timezone.utc)
    deck = _Deck()
    steps: list[tuple[str, Callable[[], None]]] = [
        ("title", lambda: _title_slide(deck, pack, scope, generated)),
        ("portfolio summary", lambda: _summary_slide(deck, pack, currency_symbol)),
        ("health", lambda: _health_slide(deck, pack)),
        ("top risks", lambda: _risks_slide(deck, pack, currency_symbol)),
        ("drift alerts", lambda: _alerts_slide(deck, pack)),
        ("decisions needed", lambda: _decisions_slide(deck, pack)),
        ("overdue corrective actions", lambda: _actions_slide(deck, pack)),
        ("projects in trouble", lambda: _trouble_slide(deck, pack, currency_symbol)),
    ]
    for name, step in steps:
        if progress:
            progress(name)
        step()
    for p in pack.in_trouble.iter_rows(named=True):
        if progress:
            progress(f"project {p['code']}")
        _project_slide(deck, pack, p, currency_symbol)
    return deck.to_bytes()

