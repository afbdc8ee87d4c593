"""Lessons learned analytics: search and filters, and similar lessons with hand-computed scores."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from analytics.lessons import SIMILAR_COLUMNS, all_tags, search, similar
from data_access.queries import schemas as s
from test_analytics_factories import frame, make_project, projects


def lesson(id: int, project_id: int | None, **kw) -> dict:
    row = dict(id=id, project_id=project_id, title=f"Lesson {id}", went_well=None,
               went_badly=None, recommendation=None, category="planning", phase="closure",
               tags=None, recorded_on=date(2025, 1, 1))
    return row | kw


PROJECTS = projects(
    make_project(id=1, code="P1", name="Target", methodology="agile", department_id=10,
                 department="Finance", phase="execution"),
    make_project(id=2, code="P2", methodology="agile", department_id=10, department="Finance",
                 phase="closed"),
    make_project(id=3, code="P3", methodology="waterfall", department_id=10,
                 department="Finance", phase="closed"),
    make_project(id=4, code="P4", methodology="agile", department_id=20, department="IT",
                 phase="closed"),
    make_project(id=5, code="P5", methodology="hybrid", department_id=20, department="IT",
                 phase="closed"),
)
LESSONS = frame(s.LESSONS, [
    lesson(1, 1, tags="vendor,contract", phase="closure", recorded_on=date(2024, 6, 1)),
    lesson(2, 1, tags="testing", phase="execution", recorded_on=date(2024, 7, 1)),
    lesson(3, 2, tags="Vendor", phase="execution", recorded_on=date(2025, 1, 10)),
    lesson(4, 3, tags="contract, testing", phase="closure", recorded_on=date(2025, 2, 1)),
    lesson(5, 4, tags=None, phase="framing", recorded_on=date(2025, 4, 1)),
    lesson(6, 5, tags="staffing", phase="framing", recorded_on=date(2025, 5, 1)),
    lesson(7, None, tags="testing", phase="execution", recorded_on=date(2025, 4, 1)),
    lesson(8, 4, tags="", phase="execution", recorded_on=date(2025, 3, 1)),
])
HERE = "learned in the execution phase, where this project is"


def test_similar_lessons_for_p1_hand_computed():
    # P1: agile, Finance, in execution; its own lessons carry vendor, contract, testing.
    # L3 (P2 agile Finance, execution, vendor): 2 + 1 + 1 + 1 = 5
    # L8 (P4 agile IT, execution, no tag): 2 + 1 = 3, newer than L4
    # L4 (P3 waterfall Finance, closure, contract+testing): 1 + 2 = 3
    # L5 (P4 agile, framing): 2; L7 (no project, execution, testing): 1 + 1 = 2, tie -> id
    # L6 (P5 hybrid IT, framing, staffing): 0 -> not offered; L1, L2 are P1's own
    got = similar(PROJECTS, LESSONS, 1).collect()
    assert got.columns == list(SIMILAR_COLUMNS)
    assert got.select("lesson_id", "project_code", "score", "reason").rows() == [
        (3, "P2", 5, f"same methodology (agile) · same department (Finance) · {HERE} · "
                     "shared tags: vendor"),
        (8, "P4", 3, f"same methodology (agile) · {HERE}"),
        (4, "P3", 3, "same department (Finance) · shared tags: contract, testing"),
        (5, "P4", 2, "same methodology (agile)"),
        (7, None, 2, f"{HERE} · shared tags: testing"),
    ]
    assert similar(PROJECTS, LESSONS, 1, top=2).collect()["lesson_id"].to_list() == [3, 8]


def test_a_project_without_lessons_of_its_own_scores_no_tags():
    # P4: agile, IT, closed. L1, L2, L3 (agile): 2 each, newest first; L6 (P5 in IT): 1;
    # L4 (waterfall Finance) and L7 (execution, no project) score 0; L5, L8 are P4's own.
    got = similar(PROJECTS, LESSONS, 4).collect()
    assert got.select("lesson_id", "score").rows() == [(3, 2), (2, 2), (1, 2), (6, 1)]
    assert got["reason"].to_list()[-1] == "same department (IT)"


@pytest.mark.parametrize("project_id", [99, 1])
def test_nothing_to_offer(project_id):
    lessons = LESSONS.filter(pl.col("project_id") == 1) if project_id == 1 else LESSONS
    got = similar(PROJECTS, lessons, project_id).collect()
    assert got.is_empty() and got.columns == list(SIMILAR_COLUMNS)


def test_methodology_with_underscore_reads_as_words():
    projects_ = projects(make_project(id=1, methodology="v_model"),
                         make_project(id=2, methodology="v_model", department_id=2,
                                      phase="closed"))
    got = similar(projects_, frame(s.LESSONS, [lesson(1, 2, phase="idea")]), 1).collect()
    assert got.select("score", "reason").rows() == [(2, "same methodology (v model)")]


TEXTS = frame(s.LESSONS, [
    lesson(1, 1, title="Plan contingency", went_badly="The plan ignored holidays",
           category="planning", phase="framing", tags="planning,estimation"),
    lesson(2, 2, title="Prototype early", went_well="Architecture held",
           recommendation="Spike every LEGACY interface", category="technical",
           phase="execution", tags="architecture, integration"),
    lesson(3, None, title="C++ (x) rules [1]", went_well="Contract was clear",
           category="supplier", phase="closure", tags="Vendor,contract"),
    lesson(4, 3, title="Quiet", category="people", phase="execution", tags=None),
])


@pytest.mark.parametrize("kw, ids", [
    ({}, [1, 2, 3, 4]),
    ({"text": "   "}, [1, 2, 3, 4]),
    ({"text": "PLAN"}, [1]),                         # title and went_badly, case-insensitive
    ({"text": "legacy spike"}, [2]),                 # every word, anywhere in the texts
    ({"text": "legacy holidays"}, []),               # words in two different lessons
    ({"text": "c++ (x)"}, [3]),                      # literal, not a regular expression
    ({"text": "[1]"}, [3]),
    ({"text": "integration"}, []),                   # tags are not searched as text
    ({"categories": ["technical", "people"]}, [2, 4]),
    ({"phases": ["execution"]}, [2, 4]),
    ({"phases": ["execution"], "categories": ["people"]}, [4]),
    ({"tags": [" VENDOR "]}, [3]),                   # any of the tags, trimmed, lower-case
    ({"tags": ["integration", "estimation"]}, [1, 2]),
    ({"tags": ["unknown"]}, []),
    ({"text": "e", "phases": ["execution", "framing"], "tags": ["architecture"]}, [2]),
])
def test_search(kw, ids):
    assert search(TEXTS, **kw).collect()["id"].to_list() == ids


def test_all_tags():
    assert all_tags(TEXTS).collect()["tag"].to_list() == [
        "architecture", "contract", "estimation", "integration", "planning", "vendor"]
    assert all_tags(TEXTS.head(0)).collect()["tag"].to_list() == []
