"""The steering pack as a .pptx, opened back with python-pptx: the slides, native charts, one
slide per project in trouble, plain and XML-safe text."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace

import polars as pl
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE

from analytics.kpis import KpiInputs, kpi_set
from analytics.steering import steering_pack
from data_access.bulk import seed_database
from data_access.engine import create_pmo_engine
from data_access.migrate import upgrade
from data_access.queries.portfolio import load_kpi_frames
from data_access.scope import SYSTEM
from data_access.steering_pptx import MAX_TABLE_ROWS, pack_bytes, text

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    engine = create_pmo_engine(f"sqlite:///{tmp_path_factory.mktemp('pptx') / 'demo.db'}")
    upgrade(engine)
    seed_database(engine, scale="demo", seed=7, today=TODAY)
    frames = load_kpi_frames(engine, SYSTEM)
    engine.dispose()
    return steering_pack(kpi_set(KpiInputs.from_mapping(frames), as_of=TODAY),
                         thresholds=frames["thresholds"])


def open_deck(data: bytes):
    return Presentation(io.BytesIO(data))


def titles(deck) -> list[str]:
    return [slide.shapes.title.text for slide in deck.slides]


def charts(slide) -> list:
    return [shape.chart for shape in slide.shapes if shape.has_chart]


def test_the_pack_has_every_section_then_one_slide_per_project_in_trouble(pack):
    assert pack.in_trouble.height >= 2 and pack.more_in_trouble == 0
    seen: list[str] = []
    deck = open_deck(pack_bytes(pack, scope="All projects", progress=seen.append))
    names = titles(deck)
    assert names[:4] == ["Steering committee", "Portfolio summary", "Health", "Top risks"]
    sections = [n.split(" (")[0] for n in names[4:]]
    assert [s for i, s in enumerate(sections) if s not in sections[:i]][:4] == [
        "Drift alerts", "Decisions needed", "Overdue corrective actions", "Projects in trouble"]
    per_project = [f"{p['code']} — {p['name']}" for p in pack.in_trouble.iter_rows(named=True)]
    assert names[-len(per_project):] == per_project
    assert seen[:8] == ["title", "portfolio summary", "health", "top risks", "drift alerts",
                        "decisions needed", "overdue corrective actions", "projects in trouble"]
    assert seen[8:] == [f"project {c}" for c in pack.in_trouble["code"]]


def test_charts_are_native_and_carry_the_numbers(pack):
    deck = open_deck(pack_bytes(pack, scope="All projects"))
    slides = list(deck.slides)
    summary_chart, = charts(slides[1])
    assert summary_chart.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED
    plot = summary_chart.plots[0]
    assert list(plot.categories) == pack.departments["department"].to_list()
    assert list(plot.series[0].values) == pytest.approx(pack.departments["bac"].to_list())
    health_chart, = charts(slides[2])
    assert health_chart.chart_type == XL_CHART_TYPE.DOUGHNUT
    counts = dict(zip(pack.health["overall_rag"], pack.health["projects"]))
    assert dict(zip(health_chart.plots[0].categories, health_chart.plots[0].series[0].values)) \
        == {k: v for k, v in counts.items() if v}
    first = pack.in_trouble.row(0, named=True)
    project_chart, = charts(slides[-pack.in_trouble.height])
    assert list(project_chart.plots[0].categories) == ["PV", "EV", "AC", "BAC", "EAC"]
    assert list(project_chart.plots[0].series[0].values) == pytest.approx(
        [first["pv"], first["ev"], first["ac"], first["bac"], first["eac"]])


def _all_text(deck) -> str:
    parts = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return "\n".join(parts)


def test_decision_tables_are_paged_and_hold_every_decision(pack):
    deck = open_deck(pack_bytes(pack, scope="All projects"))
    pages = [s for s in deck.slides if s.shapes.title.text.startswith("Decisions needed")]
    rows = []
    for slide in pages:
        table, = [shape.table for shape in slide.shapes if shape.has_table]
        assert len(table.rows) - 1 <= MAX_TABLE_ROWS
        rows += [table.cell(r, 1).text for r in range(1, len(table.rows))]
    assert len(rows) == min(pack.decisions.height, 5 * MAX_TABLE_ROWS)
    assert rows == pack.decisions["subject"].to_list()[:len(rows)]


def test_hostile_text_stays_plain_text_and_control_characters_are_dropped(pack):
    hostile = "=HYPERLINK(\"x\")\x00 <script>alert(1)</script> & \x0b]]>"
    trouble = pack.in_trouble.with_columns(pl.lit(hostile).alias("name"))
    deck = open_deck(pack_bytes(replace(pack, in_trouble=trouble), scope="Scope <b>x</b>\x01"))
    expected = "=HYPERLINK(\"x\") <script>alert(1)</script> & ]]>"
    assert titles(deck)[-1].endswith(expected)
    assert "Scope <b>x</b>" in _all_text(deck) and "\x01" not in _all_text(deck)


def test_an_empty_portfolio_still_gives_a_pack(pack):
    empty = replace(pack, top_risks=pack.top_risks.clear(), alerts=pack.alerts.clear(),
                    decisions=pack.decisions.clear(), in_trouble=pack.in_trouble.clear(),
                    departments=pack.departments.clear(),
                    health=pack.health.with_columns(pl.lit(0, dtype=pl.Int64).alias("projects")))
    deck = open_deck(pack_bytes(empty, scope="Department X"))
    assert titles(deck) == ["Steering committee", "Portfolio summary", "Health", "Top risks",
                            "Drift alerts", "Decisions needed", "Overdue corrective actions",
                            "Projects in trouble"]
    assert "No project is red overall." in _all_text(deck)


def test_text_helper():
    assert text(None) == "—"
    assert text("a\x00b") == "ab"
    assert text("x" * 10, limit=5) == "xxxx…"


def test_overdue_corrective_actions_have_their_slide(pack):
    from data_access.actions import ACTIONS

    def action(i: int, due: dt.date, status: str) -> dict:
        return dict(id=i, project_id=1, project_code="PRJ-00001", project_name="One",
                    source_kind="risk", source_ref="risk:1", title=f"Action {i} =cmd",
                    owner="Ann", due_date=due, expected_effect=None, status=status,
                    opened_on=TODAY - dt.timedelta(days=60), opened_by="pmo", closed_on=None,
                    closure_note=None, version=1)

    actions = pl.DataFrame([action(1, TODAY - dt.timedelta(days=9), "open"),       # 9 days late
                            action(2, TODAY - dt.timedelta(days=30), "done"),      # closed: not late
                            action(3, TODAY + dt.timedelta(days=5), "in_progress")],  # not due yet
                           schema=ACTIONS)
    late = replace(pack, overdue_actions=steering_pack_actions(actions))
    deck = open_deck(pack_bytes(late, scope="All projects"))
    slide = next(s for s in deck.slides if s.shapes.title.text == "Overdue corrective actions")
    cells = [c.text for shape in slide.shapes if shape.has_table
             for row in shape.table.rows for c in row.cells]
    assert "Action 1 =cmd" in cells and "9" in cells
    assert "Action 2 =cmd" not in cells and "Action 3 =cmd" not in cells
    empty = open_deck(pack_bytes(pack, scope="All projects"))
    slide = next(s for s in empty.slides if s.shapes.title.text == "Overdue corrective actions")
    assert "No corrective action is overdue." in _all_text_of(slide)


def steering_pack_actions(actions: pl.DataFrame) -> pl.DataFrame:
    from analytics.actions import overdue_actions
    return overdue_actions(actions, TODAY).collect()


def _all_text_of(slide) -> str:
    return " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
